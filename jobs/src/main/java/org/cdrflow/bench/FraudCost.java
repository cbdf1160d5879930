package org.cdrflow.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.shaded.guava33.com.google.common.hash.Hashing;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.cdrflow.fraud.FraudAlert;
import org.cdrflow.fraud.FraudDetectionFunction;
import org.cdrflow.fraud.FraudDetectionOperator;
import org.cdrflow.pipeline.StateKeySerializer;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.reference.ReferenceDataProvider;

/**
 * What the abnormal-usage detection stage costs (docs/benchmarks.md, "Fraud detection"): the state
 * its operator holds in a checkpoint, and the CPU time of its task threads.
 */
final class FraudCost {
  /** The detection operator's uid (FraudDetection). */
  static final String OPERATOR_UID = "detect-fraud";

  /** The name its task threads carry (the operator's name, FraudDetection). */
  static final String TASK_NAME = "Detect abnormal usage";

  private FraudCost() {}

  /**
   * The CPU the detection function adds per rated line, measured apart from the pipeline
   * (docs/benchmarks.md, "Fraud detection"): the feed's rated lines, in event-time order, run twice
   * through a one-slot local job, source → keyed by subscription → a keyed function → discard, once
   * with the real {@link FraudDetectionFunction} and once with a function that does nothing, on the
   * Flink settings given (the state backend). Each run clocks its keyed task thread from the
   * function's open to its close (the end of input, after the final watermark fired every timer);
   * the difference is what detection's per-line work costs, state access and timers included. A
   * thread's CPU time does not grow when other processes crowd the cores, unlike the difference of
   * two whole-pipeline runs.
   *
   * @return nanoseconds of CPU per line: {@code [with detection, without]}
   */
  static double[] detectionNanosPerLine(
      List<InvoiceLine> lines, ReferenceDataProvider reference, Map<String, String> flink)
      throws Exception {
    LINES = lines;
    try {
      // A warm-up run first: the JIT compiles detection's code before either clocked run.
      runIsolated(new Clocked(reference), flink);
      long with = runIsolated(new Clocked(reference), flink);
      long without = runIsolated(new Idle(), flink);
      return new double[] {with / (double) lines.size(), without / (double) lines.size()};
    } finally {
      LINES = List.of();
    }
  }

  /** The bench feed's rated lines with what detection reads, in event-time order. */
  static List<InvoiceLine> ratedLines(Connection c) throws SQLException {
    List<InvoiceLine> lines = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      s.setFetchSize(10_000);
      c.setAutoCommit(false);
      try (ResultSet r =
          s.executeQuery(
              "select line_id, subscription_id, account_id, msisdn, plan_id, event_start,"
                  + " event_date, service, direction, duration_s, amount, counterpart_number,"
                  + " counterpart_class, roaming_country, rating_zone, flags from invoice_line"
                  + " where corrects_line_id is null order by event_start, line_id")) {
        while (r.next()) {
          InvoiceLine l = new InvoiceLine();
          int i = 1;
          l.lineId = r.getString(i++);
          l.subscriptionId = r.getString(i++);
          l.accountId = r.getString(i++);
          l.msisdn = r.getString(i++);
          l.planId = r.getString(i++);
          l.eventStart = r.getTimestamp(i++).getTime();
          l.eventDate = Math.toIntExact(r.getObject(i++, LocalDate.class).toEpochDay());
          l.service = r.getString(i++);
          l.direction = r.getString(i++);
          l.durationS = (Integer) r.getObject(i++);
          l.amount = r.getBigDecimal(i++);
          l.counterpartNumber = r.getString(i++);
          l.counterpartClass = r.getString(i++);
          l.roamingCountry = r.getString(i++);
          l.ratingZone = r.getString(i++);
          Array flags = r.getArray(i);
          l.flags = flags == null ? new String[0] : (String[]) flags.getArray();
          lines.add(l);
        }
      }
    } finally {
      c.setAutoCommit(true);
    }
    return lines;
  }

  /** The lines the isolated runs read: the local job runs in this JVM and class loader. */
  private static volatile List<InvoiceLine> LINES = List.of();

  /** CPU nanoseconds of the last isolated run's keyed task thread, open to close. */
  private static final AtomicLong CLOCKED = new AtomicLong();

  private static final String ISOLATED_TASK = "bench detection alone";

  private static long runIsolated(
      KeyedProcessFunction<String, InvoiceLine, FraudAlert> function, Map<String, String> flink)
      throws Exception {
    Configuration conf = Configuration.fromMap(flink);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    int n = LINES.size();
    CLOCKED.set(-1);
    KeyedStream<InvoiceLine, String> keyed =
        env.fromSequence(0, n - 1)
            .map(i -> LINES.get((int) (long) i))
            .returns(TypeInformation.of(InvoiceLine.class))
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<InvoiceLine>forBoundedOutOfOrderness(Duration.ofMinutes(2))
                    .withTimestampAssigner((l, t) -> l.eventStart))
            .keyBy((InvoiceLine l) -> l.subscriptionId, StateKeySerializer.TYPE);
    // Detection runs in its own operator, as in the job (FraudDetection); the idle function in
    // Flink's plain keyed operator.
    SingleOutputStreamOperator<FraudAlert> out =
        function instanceof FraudDetectionFunction detection
            ? keyed.transform(
                ISOLATED_TASK, Types.POJO(FraudAlert.class), new FraudDetectionOperator(detection))
            : keyed.process(function).returns(Types.POJO(FraudAlert.class));
    out.name(ISOLATED_TASK).sinkTo(new DiscardingSink<>());
    env.execute(ISOLATED_TASK);
    long nanos = CLOCKED.get();
    if (nanos < 0) {
      throw new IllegalStateException("the isolated detection run did not report its CPU time");
    }
    return nanos;
  }

  /** The real detection function, its task thread clocked from open to close. */
  private static final class Clocked extends FraudDetectionFunction {
    private static final long serialVersionUID = 1L;
    private transient long startNanos;

    Clocked(ReferenceDataProvider reference) {
      super(reference);
    }

    @Override
    public void open(OpenContext ctx) {
      super.open(ctx);
      startNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    @Override
    public void close() {
      CLOCKED.set(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - startNanos);
      super.close();
    }
  }

  /** The same keyed task with nothing to do: what the isolated run costs without detection. */
  private static final class Idle extends KeyedProcessFunction<String, InvoiceLine, FraudAlert> {
    private static final long serialVersionUID = 1L;
    private transient long startNanos;

    @Override
    public void open(OpenContext ctx) {
      startNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    @Override
    public void processElement(InvoiceLine line, Context ctx, Collector<FraudAlert> out) {}

    @Override
    public void close() {
      CLOCKED.set(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - startNanos);
    }
  }

  /** The operator id Flink derives from a uid (the job graph's hasher: murmur3 128 of the uid). */
  static OperatorID operatorId(String uid) {
    return new OperatorID(
        Hashing.murmur3_128(0).newHasher().putString(uid, StandardCharsets.UTF_8).hash().asBytes());
  }

  /**
   * The full state size of the operator with {@code uid} in the checkpoint or savepoint whose
   * folder is {@code dir} (all its subtasks, every file an incremental checkpoint refers to), or
   * empty when the checkpoint holds no such operator.
   */
  static OptionalLong operatorStateBytes(Path dir, String uid) throws IOException {
    Path metadata = dir.resolve("_metadata");
    CheckpointMetadata m;
    try (InputStream in = Files.newInputStream(metadata);
        DataInputStream data = new DataInputStream(in)) {
      m =
          Checkpoints.loadCheckpointMetadata(
              data, FraudCost.class.getClassLoader(), dir.toString());
    }
    OperatorID id = operatorId(uid);
    for (OperatorState s : m.getOperatorStates()) {
      if (s.getOperatorID().equals(id)) {
        return OptionalLong.of(s.getStateSize());
      }
    }
    return OptionalLong.empty();
  }

  /**
   * CPU time of the threads whose name contains {@link #TASK_NAME}, sampled until {@link #stop()}:
   * a task thread's time is lost with the thread, so the highest value seen of each is kept.
   */
  static final class TaskThreads implements AutoCloseable {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> nanos = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    TaskThreads() {
      sampler =
          new Thread(
              () -> {
                while (running) {
                  sample();
                  try {
                    Thread.sleep(250);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "bench-fraud-thread-cpu");
      sampler.setDaemon(true);
      sampler.start();
    }

    synchronized void sample() {
      for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
        if (t != null && t.getThreadName().contains(TASK_NAME)) {
          long cpu = mx.getThreadCpuTime(t.getThreadId());
          if (cpu > 0) {
            nanos.merge(t.getThreadId(), cpu, Math::max);
          }
        }
      }
    }

    /** Stops sampling; returns the CPU seconds of every detection task thread together. */
    synchronized double stop() {
      sample();
      running = false;
      sampler.interrupt();
      return nanos.values().stream().mapToLong(Long::longValue).sum() / 1e9;
    }

    @Override
    public void close() {
      running = false;
      sampler.interrupt();
    }
  }
}
