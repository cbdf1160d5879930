package org.cdrflow.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.checkpoint.CompletedCheckpointStats;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.logging.log4j.Level;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.db.DatabaseSchema;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.export.TableExport;
import org.cdrflow.connectors.kafka.FeedProducer;
import org.cdrflow.connectors.kafka.TopicToEnd;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.cdrflow.jobs.LocalStreamingRun;

/**
 * Runs the streaming job over a feed file on a fresh embedded stack (real KRaft broker, real
 * PostgreSQL) and a Flink MiniCluster of two TaskManagers with one slot each, optionally injecting
 * faults at chosen points of the feed, and keeps what a comparison of runs needs: every output
 * table exported as CSV and the notification topic as consumed (docs/reliability.md).
 *
 * <p>The job is started through {@link LocalStreamingRun}, with the MiniCluster installed as the
 * context environment, so it runs with the local run's own configuration (hashmap state, checkpoint
 * and savepoint directories, object reuse) plus what production's Flink configuration has and the
 * local run lacks (helm chart): checkpoints retained on cancellation, a tolerance of three failed
 * checkpoints and the exponential-delay restart strategy, which keeps restarting while a server is
 * down (the local run gives up after three attempts in all, too few for one run carrying five
 * faults). The feed is published while the job runs, at a steady rate; a fault is injected once the
 * job's consumer group has committed (which it does only for a completed checkpoint) the fault's
 * record count, and it must land before the end of the feed.
 */
final class FaultHarness {

  /** What can go wrong while the job runs. */
  enum Fault {
    /**
     * An exception thrown inside an operator: the source's reader ({@link InjectedFaultSource}).
     */
    OPERATOR_EXCEPTION,
    /** One of the two TaskManagers is lost with its tasks; a new one is started in its place. */
    TASK_MANAGER_LOST,
    /** The Kafka broker is shut down and started again on the same data and port. */
    KAFKA_RESTART,
    /** PostgreSQL is shut down (cutting every connection) and started again. */
    POSTGRES_RESTART,
    /** The job is cancelled and started again from its last retained checkpoint. */
    CANCEL_AND_RESTORE
  }

  /** A fault to inject once the job has committed {@code atRecord} records of the feed. */
  record Injection(Fault fault, long atRecord) {}

  /**
   * A fault as it happened: the committed offset when it struck, whether the job failed (and was
   * restarted by Flink) because of it, and how long until a checkpoint completed again after it.
   */
  record Landed(
      Fault fault, long plannedAt, long committedAt, boolean jobFailed, long recoveryMillis) {}

  /** What one run left behind. */
  record Outcome(
      Path export,
      Map<String, Integer> exportedRows,
      long notificationMessages,
      Set<String> notificationIds,
      List<Landed> faults,
      long jobMillis) {}

  static final int TASK_MANAGERS = 2;
  static final int PARALLELISM = 2;

  /** How long a server stays down when restarted. */
  private static final Duration DOWNTIME = Duration.ofSeconds(3);

  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration FEED_TIME = Duration.ofSeconds(20);
  private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(3);

  /**
   * Production's restart and checkpoint settings (helm/cdrflow, flink.restartStrategy and
   * flink.checkpointing), the backoff capped at 4 s instead of 5 min to keep the test short.
   */
  private static final Map<String, String> PRODUCTION_LIKE =
      Map.of(
          "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION",
          "execution.checkpointing.tolerable-failed-checkpoints", "3",
          "restart-strategy.type", "exponential-delay",
          "restart-strategy.exponential-delay.initial-backoff", "1 s",
          "restart-strategy.exponential-delay.max-backoff", "4 s");

  private final Path base;
  private final Path feed;
  private final Path reference;
  private final long records;

  FaultHarness(Path base, Path feed, Path reference, long records) {
    this.base = base;
    this.feed = feed;
    this.reference = reference;
    this.records = records;
  }

  /**
   * One injection of each kind, in the order of {@link Fault}, each at a random record count inside
   * its own fifth of the middle of the feed (10 % to 85 %), so that they are spread out, strike at
   * different points on every seed, and all land before the end.
   */
  static List<Injection> plan(long records, Random random) {
    Fault[] faults = Fault.values();
    long from = records / 10;
    long span = (records * 85 / 100 - from) / faults.length;
    List<Injection> plan = new ArrayList<>();
    for (int i = 0; i < faults.length; i++) {
      long at = from + i * span + (long) (random.nextDouble() * span);
      plan.add(new Injection(faults[i], at));
    }
    return plan;
  }

  /** Runs the feed on a fresh stack in {@code base/name}, injecting {@code plan} in order. */
  Outcome run(String name, List<Injection> plan) throws Exception {
    Path work = base.resolve(name);
    Path stateDir = work.resolve("job-state");
    try (EmbeddedStack stack = EmbeddedStack.start(work)) {
      CdrflowConfig config = prepare(stack);
      long jobStarted = System.nanoTime();
      List<Landed> landed;
      CountDownLatch allInjected = new CountDownLatch(1);
      MiniCluster cluster = startCluster();
      TestStreamEnvironment.setAsContext(cluster, PARALLELISM);
      try (Admin admin = admin(config)) {
        Job job = new Job(cluster, admin, config, stateDir, plan);
        landed = job.runToEnd(stack, feed(config, allInjected, !plan.isEmpty()), allInjected);
      } finally {
        TestStreamEnvironment.unsetAsContext();
        cluster.close();
      }
      long jobMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - jobStarted);
      Path export = base.resolve(name + "-export");
      Map<String, Integer> exported;
      try (Connection c = config.jdbc().connect()) {
        exported = new java.util.LinkedHashMap<>(TableExport.exportAll(c, export));
        // Detection's alerts: the same alert set after a failure as in a clean run (docs/fraud.md).
        exported.put(
            "fraud_alert",
            TableExport.export(c, "fraud_alert", "alert_id", export.resolve("fraud_alert.csv")));
      }
      List<String> ids = notificationIds(config);
      return new Outcome(
          export, exported, ids.size(), new HashSet<>(ids), List.copyOf(landed), jobMillis);
    }
  }

  private CdrflowConfig prepare(EmbeddedStack stack) throws IOException {
    CdrflowConfig config =
        CdrflowConfig.of(
            Map.of(
                CdrflowConfig.KAFKA_BOOTSTRAP, stack.kafkaBootstrapServers(),
                CdrflowConfig.JDBC_URL, stack.jdbcUrl(),
                CdrflowConfig.JDBC_USER, stack.jdbcUser(),
                CdrflowConfig.JDBC_PASSWORD, stack.jdbcPassword(),
                // A checkpoint every half second: faults strike between checkpoints, and
                // recovery replays up to half a second of the feed.
                CdrflowConfig.LOCAL_CHECKPOINT_INTERVAL, "PT0.5S",
                // The reference-data refresher polls every second, so it meets the database
                // restart, and must still pick up a change after it.
                CdrflowConfig.REFERENCE_REFRESH, "PT1S"));
    // One raw partition, as replay has it: the feed is read in file order in every run.
    stack.createTopics(
        Map.of(
            config.get(CdrflowConfig.TOPIC_RAW), 1,
            config.get(CdrflowConfig.TOPIC_REJECTED), 1,
            config.get(CdrflowConfig.TOPIC_NOTIFICATIONS), 1,
            config.get(CdrflowConfig.TOPIC_FRAUD_ALERTS), 1));
    CdrflowConfig.JdbcSettings jdbc = config.jdbc();
    DatabaseSchema.migrate(jdbc.url(), jdbc.user(), jdbc.password());
    new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(reference);
    return config;
  }

  /**
   * Publishes the feed at {@link #feedRate()} records a second in the background, as the network
   * would while the job runs, so that every fault strikes while records are still arriving. The
   * last tenth waits until every fault has been injected: recoveries slow the job down, and the
   * feed must not run out before the last fault. A run without faults is fed as fast as the broker
   * takes it: nothing has to strike mid-feed, and its tables must not depend on the pace either.
   */
  private CompletableFuture<Long> feed(
      CdrflowConfig config, CountDownLatch allInjected, boolean paced) {
    long holdAt = records - records / 10;
    LongConsumer holdBack =
        sent -> {
          if (sent >= holdAt && allInjected.getCount() > 0) {
            try {
              allInjected.await(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        };
    return CompletableFuture.supplyAsync(
        () -> {
          try (FeedProducer producer = FeedProducer.toRawTopic(config)) {
            // The producer retries through a broker restart (delivery timeout two minutes).
            return producer.send(feed, holdBack, paced ? feedRate() : 0);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        task -> {
          Thread t = new Thread(task, "fault-harness-feed");
          t.setDaemon(true);
          t.start();
        });
  }

  /** The whole feed in about {@link #FEED_TIME}, the job's pace on two cores. */
  private long feedRate() {
    return Math.max(1_000, records / FEED_TIME.toSeconds());
  }

  private static MiniCluster startCluster() throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(TASK_MANAGERS)
                .setNumSlotsPerTaskManager(PARALLELISM / TASK_MANAGERS)
                .build());
    cluster.start();
    return cluster;
  }

  /** One run of the job, through restarts and restores, with the faults of its plan. */
  private final class Job {
    private final MiniCluster cluster;
    private final Admin admin;
    private final CdrflowConfig config;
    private final Path stateDir;
    private final List<Injection> plan;
    private final Random pick;
    private final InjectedFaultSource sourceFault = new InjectedFaultSource();
    private LocalStreamingRun run;

    Job(MiniCluster cluster, Admin admin, CdrflowConfig config, Path stateDir, List<Injection> p) {
      this.cluster = cluster;
      this.admin = admin;
      this.config = config;
      this.stateDir = stateDir;
      this.plan = p;
      // Which TaskManager is lost: drawn from the plan, itself drawn from the test's seed.
      this.pick = new Random(p.stream().mapToLong(Injection::atRecord).sum());
    }

    List<Landed> runToEnd(
        EmbeddedStack stack, CompletableFuture<Long> feeding, CountDownLatch allInjected)
        throws Exception {
      // The operator exception comes through the job's source, which the topology takes as a
      // parameter: the production job has no fault switch.
      run =
          new LocalStreamingRun(config, stateDir)
              .withFlinkSettings(PRODUCTION_LIKE)
              .withSource(sourceFault::around);
      List<Landed> landed = new ArrayList<>();
      try {
        run.start();
        for (Injection injection : plan) {
          landed.add(inject(injection, stack));
        }
        allInjected.countDown();
        long sent = feeding.get(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        check(sent == records, "fed " + sent + " records, expected " + records);
        run.awaitEndOfTopic(RUN_TIMEOUT);
        run.stopAndSave(RUN_TIMEOUT);
      } catch (Exception | Error e) {
        allInjected.countDown();
        run.cancel();
        throw e;
      }
      return landed;
    }

    private Landed inject(Injection injection, EmbeddedStack stack) throws Exception {
      Fault fault = injection.fault();
      if (fault == Fault.OPERATOR_EXCEPTION) {
        // Armed once a completed checkpoint covers the count: the source's reader throws.
        awaitCommitted(injection.atRecord());
        JobID job = runningJob();
        sourceFault.arm();
        await(
            () -> failure(job).map(f -> f.contains("InjectedFailureException")).orElse(false),
            "the injected operator exception");
        long at = committed();
        check(at > 0 && at < records, fault + " struck at committed offset " + at);
        return recovered(injection, at, true, System.nanoTime());
      }
      awaitCommitted(injection.atRecord());
      JobID job = runningJob();
      long failuresBefore = failureTime(job);
      long at = committed();
      check(at > 0 && at < records, fault + " struck at committed offset " + at);
      long struck = System.nanoTime();
      switch (fault) {
        case TASK_MANAGER_LOST -> {
          cluster.terminateTaskManager(pick.nextInt(TASK_MANAGERS)).get(1, TimeUnit.MINUTES);
          cluster.startTaskManager();
        }
        case KAFKA_RESTART -> stack.restartKafka(DOWNTIME);
        case POSTGRES_RESTART -> restartPostgres(stack);
        case CANCEL_AND_RESTORE -> {
          run.cancel();
          await(() -> status(job) == JobStatus.CANCELED, "the job to be cancelled");
          String checkpoint = latestRetainedCheckpoint(job).toUri().toString();
          Map<String, String> settings = new HashMap<>(PRODUCTION_LIKE);
          settings.put("execution.state-recovery.path", checkpoint);
          // The restored job is a new job: it does not inherit the testing fault.
          run = new LocalStreamingRun(config, stateDir).withFlinkSettings(settings);
          run.start();
          return recovered(injection, at, true, struck);
        }
        default -> throw new IllegalArgumentException("not injected here: " + fault);
      }
      Landed l = recovered(injection, at, false, struck);
      return new Landed(
          fault,
          l.plannedAt(),
          l.committedAt(),
          failureTime(runningJob()) != failuresBefore,
          l.recoveryMillis());
    }

    /**
     * Restarts PostgreSQL, then changes the reference data's version (a statement that changes no
     * row still fires the version trigger) and waits for the running job's refresher to load it:
     * the refresher must have survived the outage, not just the sinks.
     */
    private void restartPostgres(EmbeddedStack stack) throws Exception {
      try (CapturedLog log = CapturedLog.start(Map.of("org.cdrflow.reference", Level.INFO))) {
        stack.restartPostgres(DOWNTIME);
        long version;
        try (Connection c = config.jdbc().connect();
            Statement st = c.createStatement()) {
          st.executeUpdate("UPDATE billing_period SET closed_at = closed_at WHERE false");
          try (ResultSet r = st.executeQuery("SELECT version FROM reference_version")) {
            r.next();
            version = r.getLong(1);
          }
        }
        String loaded = "Reference data version " + version + " loaded";
        await(
            () -> log.lines().stream().anyMatch(l -> l.contains(loaded)),
            "the reference-data refresher to load version " + version + " after the restart");
      }
    }

    /**
     * Waits until a checkpoint triggered after the fault has completed: the job goes on. (Not the
     * committed offset: at the end of what has been fed so far it cannot grow.)
     */
    private Landed recovered(Injection injection, long at, boolean jobFailed, long struck)
        throws Exception {
      long since =
          System.currentTimeMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - struck);
      await(() -> checkpointedSince(since), "a checkpoint after " + injection.fault());
      return new Landed(
          injection.fault(),
          injection.atRecord(),
          at,
          jobFailed,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - struck));
    }

    private boolean checkpointedSince(long epochMillis) {
      try {
        CompletedCheckpointStats latest =
            cluster
                .getArchivedExecutionGraph(runningJob())
                .get(10, TimeUnit.SECONDS)
                .getCheckpointStatsSnapshot()
                .getHistory()
                .getLatestCompletedCheckpoint();
        return latest != null && latest.getTriggerTimestamp() > epochMillis;
      } catch (Exception e) {
        return false; // between a cancellation and the restored job's start
      }
    }

    private void awaitCommitted(long offset) throws Exception {
      await(() -> committedQuietly() >= offset, "the job to commit offset " + offset);
    }

    private long committedQuietly() {
      try {
        return committed();
      } catch (Exception e) {
        return -1; // the broker is restarting
      }
    }

    private long committed() throws Exception {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin
              .listConsumerGroupOffsets(config.get(CdrflowConfig.KAFKA_GROUP_ID))
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      return offsets.values().stream()
          .filter(o -> o != null)
          .mapToLong(OffsetAndMetadata::offset)
          .sum();
    }

    private void await(BooleanSupplier condition, String what) throws Exception {
      long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
      while (!condition.getAsBoolean()) {
        for (JobStatusMessage j : cluster.listJobs().get(10, TimeUnit.SECONDS)) {
          if (j.getJobState() == JobStatus.FAILED) {
            throw new IllegalStateException(
                "the job failed for good while waiting for " + what + ": " + failure(j.getJobId()));
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "timed out waiting for " + what + "; threads of the cluster in " + dumpThreads());
        }
        Thread.sleep(100);
      }
    }

    /** Every thread's stack, for a job that hangs: the MiniCluster runs in this JVM. */
    private Path dumpThreads() throws IOException {
      StringBuilder sb = new StringBuilder();
      Thread.getAllStackTraces()
          .forEach(
              (t, stack) -> {
                sb.append('"').append(t.getName()).append("\" ").append(t.getState()).append('\n');
                for (StackTraceElement e : stack) {
                  sb.append("    at ").append(e).append('\n');
                }
                sb.append('\n');
              });
      Path file = stateDir.resolveSibling("threads-" + System.currentTimeMillis() + ".txt");
      Files.writeString(file, sb.toString());
      return file;
    }

    /** The one job that is not finished, failed or cancelled. */
    private JobID runningJob() throws Exception {
      List<JobID> live = new ArrayList<>();
      for (JobStatusMessage j : cluster.listJobs().get(10, TimeUnit.SECONDS)) {
        if (!j.getJobState().isGloballyTerminalState()) {
          live.add(j.getJobId());
        }
      }
      check(live.size() == 1, "one job runs: " + live);
      return live.get(0);
    }

    private JobStatus status(JobID job) {
      try {
        return cluster.getJobStatus(job).get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    private Optional<String> failure(JobID job) {
      return errorInfo(job).map(ErrorInfo::getExceptionAsString);
    }

    /** When the job last failed (0 if never): Flink keeps the latest failure of a job. */
    private long failureTime(JobID job) {
      return errorInfo(job).map(ErrorInfo::getTimestamp).orElse(0L);
    }

    private Optional<ErrorInfo> errorInfo(JobID job) {
      try {
        return Optional.ofNullable(
            cluster.getArchivedExecutionGraph(job).get(10, TimeUnit.SECONDS).getFailureInfo());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    /**
     * What an operator does after a cancellation: the newest {@code chk-N} of the job's checkpoint
     * directory that holds a {@code _metadata} file (a checkpoint that completed).
     */
    private Path latestRetainedCheckpoint(JobID job) throws IOException {
      Path dir = stateDir.resolve("checkpoints").resolve(job.toHexString());
      try (Stream<Path> dirs = Files.list(dir)) {
        return dirs.filter(d -> d.getFileName().toString().matches("chk-\\d+"))
            .filter(d -> Files.exists(d.resolve("_metadata")))
            .max(
                (a, b) ->
                    Long.compare(
                        Long.parseLong(a.getFileName().toString().substring(4)),
                        Long.parseLong(b.getFileName().toString().substring(4))))
            .orElseThrow(() -> new IllegalStateException("no retained checkpoint in " + dir));
      }
    }
  }

  private static Admin admin(CdrflowConfig config) {
    Properties p = config.kafkaClientProperties();
    p.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.require(CdrflowConfig.KAFKA_BOOTSTRAP));
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return Admin.create(p);
  }

  /**
   * The key (notification id) of every message on the notification topic, in topic order, as the
   * SMS gateway would read them.
   */
  static List<String> notificationIds(CdrflowConfig config) {
    Properties p = config.kafkaClientProperties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.require(CdrflowConfig.KAFKA_BOOTSTRAP));
    String topic = config.get(CdrflowConfig.TOPIC_NOTIFICATIONS);
    List<String> ids = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicToEnd.read(
          consumer,
          TopicToEnd.partitionsOf(consumer, topic),
          Duration.ofMinutes(1),
          r -> ids.add(new String(r.key(), StandardCharsets.UTF_8)));
    }
    return ids;
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
