package org.cdrflow.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.ForwardPartitioner;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.mediation.CdrMediationTest;
import org.cdrflow.pipeline.HourlyAudit;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceDataProvider;
import org.junit.jupiter.api.Test;

/**
 * The dataflow of docs/architecture.md, read from the job graph {@link MediationJob} builds, and
 * run on a MiniCluster with in-memory records and sinks: the topology tests of the test pyramid,
 * beside the real-stack ITs.
 */
class MediationJobTopologyTest {

  private static MediationJob.Settings settings() {
    return new MediationJob.Settings(
        "HOME",
        Duration.ofMinutes(2),
        Duration.ofSeconds(30),
        Duration.ofHours(6),
        Duration.ofDays(7),
        1000);
  }

  /** The records of the MiniCluster run, in feed order (docs/mediation.md). */
  static final List<IncomingCdr> FEED =
      List.of(
          CdrMediationTest.moc(r -> {}),
          CdrMediationTest.moc(r -> r.servedMsisdn = "+4791999999"),
          CdrMediationTest.moc(r -> {}),
          CdrMediationTest.moc(
              r -> {
                r.callReference = "REF-P";
                r.sequenceNumber = 1;
                r.lastPartial = false;
                r.durationSeconds = 70;
              }),
          CdrMediationTest.moc(
              r -> {
                r.callReference = "REF-P";
                r.sequenceNumber = 2;
                r.lastPartial = true;
                r.durationSeconds = 50;
              }),
          CdrMediationTest.moc(
              r -> {
                r.callReference = "REF-P";
                r.sequenceNumber = 3;
                r.lastPartial = false;
                r.durationSeconds = 10;
              }));

  private static StreamGraph topology() {
    return topology(true);
  }

  private static StreamGraph topology(boolean fraudDetection) {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    MediationJob.build(
        env,
        new DataGeneratorSource<>(i -> new IncomingCdr(), 1, Types.POJO(IncomingCdr.class)),
        ReferenceDataProvider.fixed(ReferenceData.builder().build()),
        settings(),
        new MediationJob.Outputs(
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            fraudDetection ? new DiscardingSink<>() : null,
            fraudDetection ? new DiscardingSink<>() : null));
    return env.getStreamGraph();
  }

  /** The uids of every operator upstream of the node whose name starts with {@code sinkName}. */
  private static Set<String> upstreamOf(StreamGraph graph, String sinkName) {
    StreamNode sink =
        graph.getStreamNodes().stream()
            .filter(n -> n.getOperatorName().startsWith(sinkName))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no sink " + sinkName));
    Set<String> uids = new HashSet<>();
    Deque<StreamNode> todo = new ArrayDeque<>();
    todo.add(sink);
    while (!todo.isEmpty()) {
      StreamNode n = todo.poll();
      n.getInEdges().forEach(e -> todo.add(graph.getStreamNode(e.getSourceId())));
      if (n.getTransformationUID() != null) {
        uids.add(n.getTransformationUID());
      }
    }
    return uids;
  }

  @Test
  void settlementHasItsOwnPathFromTheAssembledCallsNotBehindTheRater() {
    StreamGraph graph = topology();
    for (String sink : new String[] {"settlement-call", "settlement-daily"}) {
      Set<String> upstream = upstreamOf(graph, sink);
      assertTrue(upstream.contains("settle-calls"), sink + " ← " + upstream);
      assertTrue(upstream.contains("assemble-calls"), "after duplicates and partials: " + upstream);
      assertFalse(upstream.contains("rate"), "a call is settled whatever its retail outcome");
    }
  }

  @Test
  void invoiceLinesComeFromTheRaterAfterAssembly() {
    Set<String> upstream = upstreamOf(topology(), "invoice-line");
    assertTrue(
        upstream.contains("rate") && upstream.contains("assemble-calls"), upstream::toString);
  }

  /** docs/fraud.md: detection counts deduplicated, rated calls, on a branch of its own. */
  @Test
  void fraudAlertsComeFromTheRatedLinesAfterDeduplication() {
    StreamGraph graph = topology();
    Set<String> upstream = upstreamOf(graph, "fraud-alert");
    assertTrue(upstream.contains("detect-fraud"), upstream::toString);
    assertTrue(
        upstream.contains("rate") && upstream.contains("assemble-calls"), upstream::toString);
    assertFalse(upstreamOf(graph, "invoice-line").contains("detect-fraud"), "rating never waits");
  }

  /** docs/fraud.md, "USAGE_SPIKE and new subscriptions": the plan's judge, behind detection. */
  @Test
  void newSubscriptionsAreJudgedByAPlanOperatorBehindDetection() {
    StreamGraph graph = topology();
    for (String sink : new String[] {"fraud-alert", "fraud-alerts-topic"}) {
      Set<String> upstream = upstreamOf(graph, sink);
      assertTrue(upstream.contains("judge-plan-spikes"), sink + " ← " + upstream);
    }
    StreamNode judge =
        graph.getStreamNodes().stream()
            .filter(n -> "judge-plan-spikes".equals(n.getTransformationUID()))
            .findFirst()
            .orElseThrow();
    assertEquals(1, judge.getInEdges().size());
    assertEquals(
        "detect-fraud",
        graph.getStreamNode(judge.getInEdges().get(0).getSourceId()).getTransformationUID());
  }

  // ---- the topology run on a MiniCluster, in memory (no broker, no database)

  /** What the in-memory sinks received, by sink name; one test at a time uses it. */
  static final Map<String, Queue<Object>> RECEIVED = new ConcurrentHashMap<>();

  /** A sink that keeps what it receives in {@link #RECEIVED} (the MiniCluster runs in this JVM). */
  static final class Collected<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;
    private final String name;

    Collected(String name) {
      this.name = name;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
      Queue<Object> into = RECEIVED.computeIfAbsent(name, n -> new ConcurrentLinkedQueue<>());
      return new SinkWriter<>() {
        @Override
        public void write(T element, Context context) {
          into.add(element);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> List<T> received(String sink) {
    return (List<T>) List.copyOf(RECEIVED.getOrDefault(sink, new ConcurrentLinkedQueue<>()));
  }

  /**
   * The main paths through the whole topology (docs/architecture.md), on a MiniCluster with the
   * records in memory and the outputs collected: a rated call, a reject before deduplication, a
   * duplicate that is dropped, two partials joined into one call, and a late partial of that call.
   */
  @Test
  void theMainPathsRunThroughTheTopologyOnAMiniCluster() throws Exception {
    RECEIVED.clear();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    MediationJob.build(
        env,
        new DataGeneratorSource<>(
            i -> FEED.get(i.intValue()), FEED.size(), Types.POJO(IncomingCdr.class)),
        ReferenceDataProvider.fixed(CdrMediationTest.reference().build()),
        settings(),
        new MediationJob.Outputs(
            new Collected<>("lines"),
            new Collected<>("settlement-calls"),
            new DiscardingSink<>(),
            new Collected<>("rejects"),
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            new Collected<>("audit"),
            new DiscardingSink<>(),
            new DiscardingSink<>()));
    env.execute("topology");

    List<InvoiceLine> lines = received("lines");
    Map<String, InvoiceLine> byCall = new TreeMap<>();
    lines.forEach(l -> byCall.put(l.callReference, l));
    assertEquals(List.of("REF-1", "REF-P"), List.copyOf(byCall.keySet()), "one line per call");
    assertEquals(2, lines.size(), "the duplicate is not rated again");
    assertEquals(125, byCall.get("REF-1").durationS);
    assertEquals(70 + 50, byCall.get("REF-P").durationS, "the partials' seconds add up");

    List<String> reasons = new ArrayList<>();
    for (Object r : received("rejects")) {
      reasons.add(((org.cdrflow.pipeline.Rejection) r).reason);
    }
    reasons.sort(null);
    assertEquals(List.of("LATE_PARTIAL", "UNKNOWN_SUBSCRIBER"), reasons);

    // Audit rows are absolute values per hour of processing: the last (largest) of each hour.
    Map<Long, HourlyAudit> byHour = new TreeMap<>();
    for (Object a : received("audit")) {
      HourlyAudit h = (HourlyAudit) a;
      byHour.merge(h.hour, h, (x, y) -> x.received >= y.received ? x : y);
    }
    assertEquals(
        FEED.size(),
        byHour.values().stream().mapToLong(h -> h.received).sum(),
        "every record counted as received");
    assertEquals(1, byHour.values().stream().mapToLong(h -> h.duplicates).sum(), "duplicates");
  }

  /** fraud.detection.enabled=false (no alert output) leaves the stage out; rating is unchanged. */
  @Test
  void withoutAlertOutputsTheDetectionStageIsLeftOut() {
    StreamGraph graph = topology(false);
    assertTrue(
        graph.getStreamNodes().stream()
            .noneMatch(n -> "detect-fraud".equals(n.getTransformationUID())),
        "no detection stage");
    assertTrue(upstreamOf(graph, "invoice-line").contains("rate"));
  }

  /**
   * docs/architecture.md: detection shares the rater's key, so the rated lines reach it in the same
   * subtask, chained, without a shuffle (docs/benchmarks.md, "Fifth round").
   */
  @Test
  void ratedLinesReachDetectionWithoutAShuffle() {
    StreamGraph graph = topology();
    StreamNode detect =
        graph.getStreamNodes().stream()
            .filter(n -> "detect-fraud".equals(n.getTransformationUID()))
            .findFirst()
            .orElseThrow();
    assertEquals(1, detect.getInEdges().size());
    StreamEdge in = detect.getInEdges().get(0);
    assertEquals(
        "rate", graph.getStreamNode(in.getSourceId()).getTransformationUID(), in.toString());
    assertTrue(in.getPartitioner() instanceof ForwardPartitioner, in.getPartitioner().toString());
  }
}
