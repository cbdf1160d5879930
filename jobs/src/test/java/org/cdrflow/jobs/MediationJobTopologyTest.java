package org.cdrflow.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.ForwardPartitioner;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceDataProvider;
import org.junit.jupiter.api.Test;

/** The dataflow of docs/architecture.md, read from the job graph {@link MediationJob} builds. */
class MediationJobTopologyTest {

  private static StreamGraph topology() {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    MediationJob.build(
        env,
        new DataGeneratorSource<>(i -> new IncomingCdr(), 1, Types.POJO(IncomingCdr.class)),
        ReferenceDataProvider.fixed(ReferenceData.builder().build()),
        new MediationJob.Settings(
            "HOME",
            Duration.ofMinutes(2),
            Duration.ofSeconds(30),
            Duration.ofHours(6),
            Duration.ofDays(7),
            1000,
            null),
        new MediationJob.Outputs(
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            new DiscardingSink<>(),
            new DiscardingSink<>()));
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
