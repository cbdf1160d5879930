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
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.cdrflow.fraud.FraudAlert;
import org.cdrflow.fraud.FraudDetection;
import org.cdrflow.fraud.FraudDetectionFunction;
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
   * The CPU the detection stage adds per rated line, measured apart from the pipeline
   * (docs/benchmarks.md, "Fraud detection"): the feed's rated lines, in event-time order, go
   * through a local job at {@code runs.parallelism}, source → keyed by subscription → the stage →
   * discard, once with the whole detection stage as the job wires it ({@link
   * FraudDetection#attach}: the detection operator and the plan's judge behind it) and once with a
   * keyed function that does nothing, on the Flink settings given (the state backend), with the
   * operator's cache of {@code runs.cachedSubscriptions} per subtask. Two clocks, from the keyed
   * function's first open to the close of the job's last task:
   *
   * <ul>
   *   <li>the JVM's CPU time (every thread: the stage's tasks, the judge, the garbage collector,
   *       the JIT, RocksDB's flushes and compactions), the figure the target is about;
   *   <li>the CPU time of the keyed task threads alone, which other work in the JVM does not move.
   * </ul>
   *
   * The difference of the two runs is what detection costs, state access, timers and the write-back
   * at checkpoints included: with {@code runs.linesPerCheckpoint} above 0 the runs checkpoint as
   * often per line as the job did (the interval is in the result). Each run is repeated and the
   * median taken, after a warm-up run that lets the JIT compile detection's code.
   */
  static PerLine detectionNanosPerLine(
      List<InvoiceLine> lines,
      ReferenceDataProvider reference,
      Map<String, String> flink,
      Runs runs)
      throws Exception {
    int parallelism = runs.parallelism();
    int cachedSubscriptions = runs.cachedSubscriptions();
    long linesPerCheckpoint = runs.linesPerCheckpoint();
    LINES = lines;
    Path checkpoints = Files.createTempDirectory("fraud-cost-checkpoints");
    try {
      runIsolated(true, reference, flink, parallelism, cachedSubscriptions);
      Map<String, String> clocked = new HashMap<>(flink);
      long intervalMs = 0;
      if (linesPerCheckpoint > 0) {
        // The job writes the changed subscriptions back at every checkpoint: as many lines per
        // checkpoint here as in the job, at the pace of the warm-up run.
        double linesPerMs = lines.size() / (CLOCK.wallNanos() / 1e6);
        intervalMs = Math.max(10, Math.round(linesPerCheckpoint / linesPerMs));
        clocked.put("execution.checkpointing.interval", intervalMs + "ms");
        clocked.put("execution.checkpointing.dir", checkpoints.toUri().toString());
      }
      long[][] with = new long[runs.repeats()][];
      long[][] idle = new long[runs.repeats()][];
      for (int i = 0; i < runs.repeats(); i++) {
        with[i] = runIsolated(true, reference, clocked, parallelism, cachedSubscriptions);
        idle[i] = runIsolated(false, reference, clocked, parallelism, cachedSubscriptions);
      }
      double n = lines.size();
      return new PerLine(
          median(with, 0) / n,
          median(idle, 0) / n,
          median(with, 1) / n,
          median(idle, 1) / n,
          intervalMs);
    } finally {
      LINES = List.of();
      Directories.delete(checkpoints);
    }
  }

  /**
   * How the isolated runs go: at {@code parallelism}, the operator's cache of {@code
   * cachedSubscriptions} per subtask, a checkpoint every {@code linesPerCheckpoint} lines (0:
   * none), {@code repeats} runs of each kind (the median counts).
   */
  record Runs(int parallelism, int cachedSubscriptions, long linesPerCheckpoint, int repeats) {}

  /**
   * CPU nanoseconds per line of the isolated runs: the keyed task threads' and the whole JVM's,
   * with the detection stage and with the idle function.
   */
  record PerLine(
      double taskWith, double taskIdle, double jvmWith, double jvmIdle, long checkpointMs) {
    double taskAdded() {
      return taskWith - taskIdle;
    }

    double jvmAdded() {
      return jvmWith - jvmIdle;
    }
  }

  private static double median(long[][] runs, int clock) {
    long[] v = new long[runs.length];
    for (int i = 0; i < runs.length; i++) {
      v[i] = runs[i][clock];
    }
    java.util.Arrays.sort(v);
    return v[v.length / 2];
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

  /** The clocks of the isolated run going on (its tasks run in this JVM and class loader). */
  private static final RunClock CLOCK = new RunClock();

  private static final String ISOLATED_TASK = "bench detection alone";

  /**
   * One isolated run; returns its CPU nanoseconds: {@code [keyed task threads, whole JVM]}.
   *
   * @param detection the detection stage, else the idle function
   */
  private static long[] runIsolated(
      boolean detection,
      ReferenceDataProvider reference,
      Map<String, String> flink,
      int parallelism,
      int cachedSubscriptions)
      throws Exception {
    Configuration conf = Configuration.fromMap(flink);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    int n = LINES.size();
    CLOCK.reset(parallelism);
    // Keyed by subscription, then declared keyed as the rater's lines are in the job (the
    // identity map keeps the partitioning).
    DataStream<InvoiceLine> byKey =
        env.fromSequence(0, n - 1)
            .map(i -> LINES.get((int) (long) i))
            .returns(TypeInformation.of(InvoiceLine.class))
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<InvoiceLine>forBoundedOutOfOrderness(Duration.ofMinutes(2))
                    .withTimestampAssigner((l, t) -> l.eventStart))
            .keyBy((InvoiceLine l) -> l.subscriptionId, StateKeySerializer.TYPE)
            .map(l -> l)
            .returns(TypeInformation.of(InvoiceLine.class));
    DataStream<FraudAlert> out =
        detection
            ? FraudDetection.attach(
                byKey, new Clocked(reference), cachedSubscriptions, reference, null, null)
            : DataStreamUtils.reinterpretAsKeyedStream(
                    byKey, (InvoiceLine l) -> l.subscriptionId, StateKeySerializer.TYPE)
                .process(new Idle())
                .returns(Types.POJO(FraudAlert.class));
    // The last task: its close ends the run's clock, after the plan's judge has done its work.
    out.process(new End()).returns(Types.POJO(FraudAlert.class)).sinkTo(new DiscardingSink<>());
    env.execute(ISOLATED_TASK);
    return CLOCK.result();
  }

  /**
   * The CPU clocks of one isolated run: the keyed task threads, each from its function's open to
   * its close, and the JVM from the first keyed open to the last close of the job's final task.
   */
  private static final class RunClock {
    private final AtomicLong taskNanos = new AtomicLong();
    private final AtomicLong tasksClosed = new AtomicLong();
    private final AtomicLong jvmStart = new AtomicLong();
    private final AtomicLong jvmEnd = new AtomicLong();
    private final AtomicLong wallStart = new AtomicLong();
    private final AtomicLong wallEnd = new AtomicLong();
    private volatile int parallelism;

    void reset(int parallelism) {
      this.parallelism = parallelism;
      taskNanos.set(0);
      tasksClosed.set(0);
      jvmStart.set(-1);
      jvmEnd.set(-1);
      wallStart.set(0);
      wallEnd.set(0);
    }

    /** Wall time of the last run, from the first keyed open to the last close. */
    long wallNanos() {
      return Math.max(1, wallEnd.get() - wallStart.get());
    }

    /** At a keyed function's open: its thread's CPU time, and the JVM's at the first. */
    long opened() {
      if (jvmStart.compareAndSet(-1, jvmCpuNanos())) {
        wallStart.set(System.nanoTime());
      }
      return threadCpuNanos();
    }

    void closed(long threadStart) {
      taskNanos.addAndGet(threadCpuNanos() - threadStart);
      tasksClosed.incrementAndGet();
    }

    void ended() {
      jvmEnd.accumulateAndGet(jvmCpuNanos(), Math::max);
      wallEnd.accumulateAndGet(System.nanoTime(), Math::max);
    }

    long[] result() {
      if (tasksClosed.get() != parallelism || jvmStart.get() < 0 || jvmEnd.get() < 0) {
        throw new IllegalStateException(
            "the isolated detection run did not report its CPU time: "
                + tasksClosed.get()
                + " of "
                + parallelism
                + " keyed tasks");
      }
      return new long[] {taskNanos.get(), jvmEnd.get() - jvmStart.get()};
    }

    private static long threadCpuNanos() {
      return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static long jvmCpuNanos() {
      return ((com.sun.management.OperatingSystemMXBean)
              ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }
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
      startNanos = CLOCK.opened();
    }

    @Override
    public void close() {
      CLOCK.closed(startNanos);
      super.close();
    }
  }

  /** The same keyed task with nothing to do: what the isolated run costs without detection. */
  private static final class Idle extends KeyedProcessFunction<String, InvoiceLine, FraudAlert> {
    private static final long serialVersionUID = 1L;
    private transient long startNanos;

    @Override
    public void open(OpenContext ctx) {
      startNanos = CLOCK.opened();
    }

    @Override
    public void processElement(InvoiceLine line, Context ctx, Collector<FraudAlert> out) {}

    @Override
    public void close() {
      CLOCK.closed(startNanos);
    }
  }

  /** Passes the alerts on; its close, after every input ended, stops the JVM's clock. */
  private static final class End extends ProcessFunction<FraudAlert, FraudAlert> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(FraudAlert alert, Context ctx, Collector<FraudAlert> out) {
      out.collect(alert);
    }

    @Override
    public void close() {
      CLOCK.ended();
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
