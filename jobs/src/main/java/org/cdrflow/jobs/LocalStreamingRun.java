package org.cdrflow.jobs;

import static org.apache.flink.core.execution.SavepointFormatType.CANONICAL;
import static org.apache.flink.runtime.checkpoint.CheckpointFailureReason.NOT_ALL_REQUIRED_TASKS_RUNNING;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.config.LocalRunSettings;

/**
 * Runs the streaming job on a local Flink MiniCluster until it has consumed everything on the raw
 * topic, then stops it with a drained savepoint (as {@code stop-with-savepoint --drain} does: held
 * records are rated, pending partials are emitted INCOMPLETE) kept in the state directory, so that
 * the next run resumes exactly where this one stopped: duplicates, allowances and presence days
 * carry over.
 */
public final class LocalStreamingRun {
  private static final String LATEST = "latest-savepoint";

  private final CdrflowConfig config;
  private final Path stateDir;

  public LocalStreamingRun(CdrflowConfig config, Path stateDir) {
    // A local run always ends with a drain, and Flink drops the end-of-input watermark of a source
    // that has gone idle: records held for event-time order would then not be rated by the drain
    // (docs/decisions.md, "Known limitations"). So the source never goes idle here; an idle
    // partition can only delay rating until the drain, never lose it.
    this.config = config.with(Map.of(CdrflowConfig.WATERMARK_IDLENESS, "PT24H"));
    this.stateDir = stateDir;
  }

  /** Flink settings applied over the defaults of {@link #start()} (the benchmark's RocksDB run). */
  private Map<String, String> flinkSettings = Map.of();

  /**
   * Overrides Flink settings of the local job, e.g. {@code state.backend.type: rocksdb}
   * (docs/benchmarks.md); returns this run.
   */
  public LocalStreamingRun withFlinkSettings(Map<String, String> settings) {
    this.flinkSettings = Map.copyOf(settings);
    return this;
  }

  /** What the raw-CDR source is passed through before the topology gets it. */
  private UnaryOperator<Source<IncomingCdr, ?, ?>> sourceAround = UnaryOperator.identity();

  /**
   * Passes the job's raw-CDR source through {@code around} before the topology gets it: how a test
   * injects a fault (docs/reliability.md, "The fault-injection run"); returns this run.
   */
  public LocalStreamingRun withSource(UnaryOperator<Source<IncomingCdr, ?, ?>> around) {
    this.sourceAround = around;
    return this;
  }

  private volatile JobClient job;
  private RestorePoints.RestorePoint restoredFrom;

  /** Runs to the end of the raw topic; returns the savepoint path the next run resumes from. */
  public String runToEndOfTopic(Duration timeout, Consumer<String> progress) throws Exception {
    start();
    progress.accept(
        restoredFrom == null
            ? "job started without saved state"
            : "job resumed from "
                + (restoredFrom.isSavepoint()
                    ? "savepoint " + restoredFrom.directory().getFileName()
                    : "checkpoint " + restoredFrom.checkpointNumber()));
    try {
      awaitEndOfTopic(timeout);
      progress.accept("feed consumed; draining and saving the job state");
      String savepoint = stopAndSave(timeout);
      DrainAudit.verify(config);
      return savepoint;
    } catch (Exception e) {
      cancel();
      throw e;
    }
  }

  /**
   * Starts the job, resuming from the newest complete checkpoint or savepoint of the state
   * directory if there is one ({@link RestorePoints}): after a drained stop that is its savepoint;
   * after a kill, the killed job's newest retained checkpoint.
   */
  public void start() throws Exception {
    Files.createDirectories(stateDir);
    Configuration conf =
        LocalRunSettings.checkpointed(
            stateDir, config.duration(CdrflowConfig.LOCAL_CHECKPOINT_INTERVAL));
    conf.set(
        CheckpointingOptions.SAVEPOINT_DIRECTORY,
        stateDir.resolve("savepoints").toUri().toString());
    // Kept when the job is cancelled or its JVM is killed, so that the next run can resume there.
    conf.setString(
        "execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(1));
    restoredFrom = RestorePoints.newest(stateDir).orElse(null);
    if (restoredFrom != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoredFrom.directory().toUri().toString());
    }
    conf.addAll(Configuration.fromMap(flinkSettings));
    if (!conf.contains(StateRecoveryOptions.SAVEPOINT_PATH)) {
      StatelessStart.check(config, stateDir);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(config.integer(CdrflowConfig.PARALLELISM));
    StreamingJobMain.build(env, config, sourceAround);
    job = env.executeAsync("cdrflow-mediation");
  }

  /**
   * Waits until the job's consumer group has committed (with a completed checkpoint) everything on
   * the raw topic now.
   */
  public void awaitEndOfTopic(Duration timeout) throws Exception {
    Map<TopicPartition, Long> end = endOffsets();
    long deadline = System.nanoTime() + timeout.toNanos();
    // The group's offsets may have been committed by an earlier run already (a rerun with nothing
    // left to feed): only a checkpoint of this job shows that it runs and has taken over from them.
    while (!checkpointed() || !consumed(end)) {
      JobClient job = this.job;
      if (job == null) {
        throw new IllegalStateException("the streaming job was stopped");
      }
      JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
      if (status.isGloballyTerminalState()) {
        job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
        throw new IllegalStateException("the streaming job ended early: " + status);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "the streaming job did not consume the feed within " + timeout);
      }
      Thread.sleep(200);
    }
  }

  /** Whether the running job has completed a checkpoint (its {@code chk-N/_metadata}). */
  private boolean checkpointed() throws IOException {
    JobClient running = job;
    if (running == null) {
      return false;
    }
    Path dir = stateDir.resolve("checkpoints").resolve(running.getJobID().toHexString());
    return RestorePoints.all(stateDir).stream()
        .anyMatch(p -> p.directory().getParent().equals(dir));
  }

  /** Stops the job with a drained savepoint and keeps it for the next run. */
  public synchronized String stopAndSave(Duration timeout) throws Exception {
    String savepoint = savepoint(true, timeout);
    Files.writeString(stateDir.resolve(LATEST), savepoint, StandardCharsets.UTF_8);
    job = null;
    deleteCheckpoints();
    return savepoint;
  }

  /**
   * Stops a running job with a savepoint without draining it (SIGINT/SIGTERM: held records and
   * pending partials stay in the saved state, as a stop of {@code cdrflow cluster} keeps them); the
   * next run resumes from it. Does nothing when no job runs; returns the savepoint or null.
   */
  public synchronized String stopWithSavepoint(Duration timeout) throws Exception {
    JobClient running = job;
    if (running == null) {
      return null;
    }
    JobStatus status = running.getJobStatus().get(10, TimeUnit.SECONDS);
    if (status.isGloballyTerminalState()) {
      return null;
    }
    String savepoint = savepoint(false, timeout);
    Files.writeString(stateDir.resolve(LATEST), savepoint, StandardCharsets.UTF_8);
    job = null;
    return savepoint;
  }

  /**
   * Stops the job with a savepoint. A trigger that finds a task not running (the job is restarting
   * after a failure) is tried again until the job runs again or the timeout passes.
   */
  private String savepoint(boolean drain, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return job.stopWithSavepoint(
                drain, stateDir.resolve("savepoints").toUri().toString(), CANONICAL)
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        boolean notRunning =
            ExceptionUtils.findThrowable(e, CheckpointException.class)
                .map(c -> c.getCheckpointFailureReason() == NOT_ALL_REQUIRED_TASKS_RUNNING)
                .orElse(false);
        if (!notRunning || System.nanoTime() > deadline) {
          throw e;
        }
        checkRunning();
        Thread.sleep(200);
      }
    }
  }

  /**
   * The checkpoint or savepoint the job was started from by {@link #start()}, or null when it
   * started without state.
   */
  public RestorePoints.RestorePoint restoredFrom() {
    return restoredFrom;
  }

  /**
   * The retained checkpoints of earlier jobs are older than the savepoint just written and would
   * only fill the disk; every job of this directory has stopped.
   */
  private void deleteCheckpoints() throws IOException {
    Path checkpoints = stateDir.resolve("checkpoints");
    if (!Files.isDirectory(checkpoints)) {
      return;
    }
    List<Path> found;
    try (java.util.stream.Stream<Path> walk = Files.walk(checkpoints)) {
      found = walk.sorted(java.util.Comparator.reverseOrder()).toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      // Flink may still be discarding a subsumed checkpoint while the walk descends into it;
      // what is left is deleted after the next run
      return;
    }
    for (Path p : found) {
      if (!p.equals(checkpoints)) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // Flink may still be cleaning up; what is left is deleted after the next run
        }
      }
    }
  }

  /**
   * Fails when the job has ended on its own (it only ends by {@link #stopAndSave} or {@link
   * #cancel}), with the job's failure as the cause; for callers that wait on other signals.
   */
  public void checkRunning() throws Exception {
    JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
    if (status.isGloballyTerminalState()) {
      job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
      throw new IllegalStateException("the streaming job ended early: " + status);
    }
  }

  /** Cancels a running job without saving its state. */
  public void cancel() {
    if (job != null) {
      job.cancel();
      job = null;
    }
  }

  /** The checkpoint or savepoint the next run resumes from, or null for a first run. */
  public String latestSavepoint() throws IOException {
    return RestorePoints.newest(stateDir).map(p -> p.directory().toUri().toString()).orElse(null);
  }

  private Admin admin() {
    Properties p = config.kafkaClientProperties();
    p.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.require(CdrflowConfig.KAFKA_BOOTSTRAP));
    return Admin.create(p);
  }

  private Map<TopicPartition, Long> endOffsets() throws Exception {
    String topic = config.get(CdrflowConfig.TOPIC_RAW);
    try (Admin admin = admin()) {
      int partitions =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        specs.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
      Map<TopicPartition, Long> end = new HashMap<>();
      admin.listOffsets(specs).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
      return end;
    }
  }

  private boolean consumed(Map<TopicPartition, Long> end) throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(config.get(CdrflowConfig.KAFKA_GROUP_ID))
              .partitionsToOffsetAndMetadata()
              .get();
      for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        long at = c == null ? 0 : c.offset();
        if (at < e.getValue()) {
          return false;
        }
      }
      return true;
    }
  }
}
