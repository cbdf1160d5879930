package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.cdrflow.cli.RuntimeStack;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.export.TableExport;
import org.cdrflow.connectors.kafka.FeedProducer;
import org.cdrflow.connectors.local.FlinkRestClient;
import org.cdrflow.connectors.local.FlinkRestClient.JarRun;
import org.cdrflow.connectors.local.LocalFlinkCluster;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratorSettings;
import org.cdrflow.jobs.RestorePoints;
import org.cdrflow.jobs.StreamingJobMain;
import org.junit.jupiter.api.Test;

/**
 * The streaming job as production runs it: the shaded job jar, uploaded through the REST API to a
 * Flink session cluster of separate JVMs (one JobManager, two TaskManagers) that holds none of the
 * job's classes, RocksDB state, checkpoints and savepoints on disk. A feed arrives in four parts:
 *
 * <ol>
 *   <li>the first is consumed at parallelism 2, and the job is stopped with a savepoint without
 *       draining (its held records, pending partials, duplicates seen and allowances stay in the
 *       state);
 *   <li>the second arrives meanwhile; the job resumes from the savepoint at parallelism 3 (the
 *       keyed state redistributed), and its JobManager is killed with SIGKILL while it consumes.
 *       The cluster has no high availability, so the job goes with it; the operator runs the same
 *       command again, which starts the cluster anew in the same directory and submits the job from
 *       the newest retained checkpoint ({@code RestorePoints}, docs/operations.md "After a crash or
 *       a stop"), here at parallelism 2;
 *   <li>the third arrives, and a TaskManager is killed with SIGKILL: the job restarts by itself
 *       from its checkpoint on the TaskManager left;
 *   <li>the fourth arrives, and the job is drained.
 * </ol>
 *
 * No line may be lost or doubled: every output table equals that of one uninterrupted local replay
 * of the whole feed, and the audit equation holds (docs/reliability.md).
 *
 * <p>The raw topic has one partition, as for a replay (file order), so at parallelism 2 one source
 * reader is idle and holds event time back for {@code watermark.idleness} (30 s): the first job may
 * rate little or nothing before its stop, and what it has read then crosses the stop, the rescale
 * and the kills in its state, which is the point.
 */
class StandaloneClusterIT {
  // Enough for calls, partials and duplicates to cross the stop, the rescale and the kills in the
  // state; more records prove nothing more and cost minutes of CI.
  private static final int RECORDS = 12_000;

  /** Where the second, third and fourth parts of the feed begin. */
  private static final List<Integer> PARTS = List.of(6_000, 9_000, 10_500);

  private static final Duration CONSUME_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(2);
  private static final long STARTED = System.nanoTime();

  @Test
  void aStopWithoutDrainARescaleAndKilledJobAndTaskManagersLoseAndDoubleNothing() throws Exception {
    Path jobJar = JobJar.locate();
    List<Path> flinkLib = cliLibraries();
    Path base = Files.createTempDirectory(Path.of("target"), "sc-");
    Path reference = base.resolve("reference");
    Path feed = base.resolve("feed.jsonl");
    FeedGenerator.write(GeneratorSettings.of(RECORDS, 400, 20261121L), feed, reference);
    List<Path> parts = split(feed, base);

    Path onCluster = runOnCluster(base, jobJar, flinkLib, reference, parts);
    Path uninterrupted = base.resolve("replay-export");
    Replay.run(reference, feed, base.resolve("replay"), "--export", uninterrupted.toString());
    progress("replayed the whole feed locally");

    for (String table :
        List.of("invoice_line", "settlement_call", "settlement_daily", "rejected_cdr")) {
      List<String> expected = ExportedTables.rows(uninterrupted, table);
      List<String> actual = ExportedTables.rows(onCluster, table);
      assertTrue(!expected.isEmpty(), table + " is empty");
      assertEquals(expected.size(), actual.size(), table + ": row count");
      for (int i = 0; i < expected.size(); i++) {
        assertEquals(expected.get(i), actual.get(i), table + " row " + i);
      }
    }
    Map<String, Long> audit = new HashMap<>();
    for (String counter :
        List.of(
            "received",
            "rated",
            "rejected",
            "duplicates",
            "unanswered",
            "pending_partials",
            "lines_written",
            "settlement_rows_written")) {
      long sum = ExportedTables.sum(onCluster, "mediation_audit", counter);
      assertEquals(
          ExportedTables.sum(uninterrupted, "mediation_audit", counter), sum, "audit " + counter);
      audit.put(counter, sum);
    }
    assertEquals(RECORDS, audit.get("received"), "every record was received once");
    assertEquals(0, audit.get("pending_partials"), "the final drain leaves no call incomplete");
    assertEquals(
        audit.get("received"),
        audit.get("rated")
            + audit.get("rejected")
            + audit.get("duplicates")
            + audit.get("unanswered")
            + audit.get("pending_partials"),
        "the audit equation holds: " + audit);
  }

  /** Runs the parts through the job on the cluster; returns the directory of the table exports. */
  private static Path runOnCluster(
      Path base, Path jobJar, List<Path> flinkLib, Path reference, List<Path> parts)
      throws Exception {
    Path clusterDir = base.resolve("flink");
    // The cluster's JVMs start while the stack's do.
    CompletableFuture<LocalFlinkCluster> starting =
        CompletableFuture.supplyAsync(() -> startCluster(clusterDir, flinkLib));
    RuntimeStack stack;
    try {
      stack = RuntimeStack.open(CdrflowConfig.defaults(), base.resolve("stack"));
    } catch (RuntimeException e) {
      starting.thenAccept(LocalFlinkCluster::close);
      throw e;
    }
    Path export = base.resolve("cluster-export");
    try (stack) {
      CdrflowConfig config = stack.config();
      CdrflowConfig.JdbcSettings jdbc = config.jdbc();
      new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(reference);
      Path jobConfig = jobConfig(config, base.resolve("job.properties"));
      List<String> args = List.of("--config", jobConfig.toString());
      long fed = 0;

      try (LocalFlinkCluster cluster = starting.join()) {
        progress("stack and cluster up");
        FlinkRestClient rest = cluster.rest();
        String logs = " (logs in " + cluster.logDirectory() + ")";
        String savepoints = cluster.savepointDirectory().toUri().toString();
        for (String entry : rest.jobManagerClasspath()) {
          String name = Path.of(entry).getFileName().toString();
          assertTrue(
              Stream.of(
                      "cdrflow-",
                      "kafka",
                      "flink-connector-kafka",
                      "flink-connector-jdbc",
                      "postgresql")
                  .noneMatch(name::startsWith),
              "the cluster provides " + name + ", which the job jar must bring itself");
        }
        String jarId = rest.uploadJar(jobJar);
        String first =
            rest.runJar(jarId, new JarRun(StreamingJobMain.class.getName(), args, 2, null));
        fed += feed(config, parts.get(0));
        awaitConsumed(config, rest, first, fed, fed);
        progress("first part consumed at parallelism 2");
        assertEquals(BOTH, rest.taskManagersOf(first), "the job's tasks ran in both TaskManagers");
        assertEquals("", rest.failures(first), "the job ran without a failure" + logs);
        String paused = rest.stopWithSavepoint(first, false, savepoints, SAVEPOINT_TIMEOUT);
        progress("stopped without drain");

        long before = fed;
        fed += feed(config, parts.get(1));
        String second =
            rest.runJar(jarId, new JarRun(StreamingJobMain.class.getName(), args, 3, paused));
        // A checkpoint of the rescaled job holds part of the second part; the rest is in flight.
        awaitConsumed(config, rest, second, fed, before + 1);
        assertEquals(
            BOTH, rest.taskManagersOf(second), "the rescaled job's tasks ran in both TaskManagers");
        assertEquals("", rest.failures(second), "the rescaled job ran without a failure" + logs);
        kill(cluster.process("jobmanager"));
        progress("JobManager killed at parallelism 3");
      } // the command's end: the TaskManagers stop with it

      // What the operator does: the same command again. It starts the cluster anew in the same
      // directory and submits the job from the newest retained checkpoint.
      RestorePoints.RestorePoint newest =
          RestorePoints.newest(clusterDir.resolve("state")).orElseThrow();
      assertFalse(
          newest.isSavepoint(),
          "the newest restore point is a checkpoint of the killed job, not the older savepoint: "
              + newest);
      try (LocalFlinkCluster cluster = startCluster(clusterDir, flinkLib)) {
        progress("cluster up again");
        FlinkRestClient rest = cluster.rest();
        String jarId = rest.uploadJar(jobJar);
        String third =
            rest.runJar(
                jarId,
                new JarRun(
                    StreamingJobMain.class.getName(),
                    args,
                    2,
                    newest.directory().toUri().toString()));
        long before = fed;
        fed += feed(config, parts.get(2));
        awaitConsumed(config, rest, third, fed, before + 1);
        assertEquals(BOTH, rest.taskManagersOf(third), "the job's tasks ran in both TaskManagers");
        kill(cluster.process("taskmanager-2"));
        progress("TaskManager killed at parallelism 2");
        fed += feed(config, parts.get(3));
        awaitConsumed(config, rest, third, fed, fed);
        progress("the rest consumed after the TaskManager's loss");
        assertEquals(
            Set.of("taskmanager-1"),
            rest.taskManagersOf(third),
            "the job restarted on the TaskManager left");
        assertTrue(
            !rest.failures(third).isEmpty(), "the TaskManager's loss was a failure, recovered");
        rest.stopWithSavepoint(
            third, true, cluster.savepointDirectory().toUri().toString(), SAVEPOINT_TIMEOUT);
        progress("drained");
      }
      assertEquals(RECORDS, fed, "every part was fed once");
      try (Connection c = jdbc.connect()) {
        TableExport.exportAll(c, export);
      }
    }
    return export;
  }

  private static final Set<String> BOTH = Set.of("taskmanager-1", "taskmanager-2");

  private static LocalFlinkCluster startCluster(Path clusterDir, List<Path> flinkLib) {
    return LocalFlinkCluster.builder(clusterDir)
        .taskManagers(2)
        .slotsPerTaskManager(2)
        .classpath(flinkLib)
        // Offsets are committed with each checkpoint: the waits below see progress every second.
        .set("execution.checkpointing.interval", "1s")
        .start();
  }

  /** SIGKILL, as a crash or the OOM killer would; waits until the process is gone. */
  private static void kill(ProcessHandle process) throws InterruptedException {
    process.destroyForcibly();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (process.isAlive()) {
      assertTrue(System.nanoTime() < deadline, "pid " + process.pid() + " survived SIGKILL");
      Thread.sleep(20);
    }
  }

  /** A line in the test's output with the seconds since the class was loaded, for timings. */
  private static void progress(String what) {
    System.out.printf(
        "StandaloneClusterIT: %s after %d s%n",
        what, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - STARTED));
  }

  /** The command line's lib directory, where the cluster takes Flink from. */
  private static List<Path> cliLibraries() throws IOException {
    Path lib = JobJar.JOBS_TARGET.resolve("lib");
    if (!Files.isDirectory(lib)) {
      return fail(
          "no "
              + lib.toAbsolutePath().normalize()
              + ": `package` of module jobs copies the Flink jars there");
    }
    try (Stream<Path> files = Files.list(lib)) {
      return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
    }
  }

  /** Cuts a JSON-lines feed into the parts that begin at {@link #PARTS}. */
  private static List<Path> split(Path feed, Path dir) throws IOException {
    List<String> lines = Files.readAllLines(feed, StandardCharsets.UTF_8);
    assertEquals(RECORDS, lines.size(), "one record per line");
    List<Integer> bounds = new ArrayList<>();
    bounds.add(0);
    bounds.addAll(PARTS);
    bounds.add(lines.size());
    List<Path> parts = new ArrayList<>();
    for (int i = 0; i + 1 < bounds.size(); i++) {
      Path part = dir.resolve("part-" + (i + 1) + ".jsonl");
      Files.write(part, lines.subList(bounds.get(i), bounds.get(i + 1)), StandardCharsets.UTF_8);
      parts.add(part);
    }
    return parts;
  }

  /** The job's configuration: the defaults (as for the replay) with the addresses of the stack. */
  private static Path jobConfig(CdrflowConfig config, Path file) throws IOException {
    Properties p = new Properties();
    for (String key :
        List.of(
            CdrflowConfig.KAFKA_BOOTSTRAP,
            CdrflowConfig.JDBC_URL,
            CdrflowConfig.JDBC_USER,
            CdrflowConfig.JDBC_PASSWORD)) {
      String value = config.get(key);
      if (value != null) {
        p.setProperty(key, value);
      }
    }
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "the streaming job on the standalone cluster");
    }
    return file;
  }

  private static long feed(CdrflowConfig config, Path file) throws IOException {
    try (FeedProducer producer = FeedProducer.toRawTopic(config)) {
      return producer.send(file, null);
    }
  }

  /**
   * Waits until the job's consumer group has committed offsets (which it does with each completed
   * checkpoint) that add up to at least {@code atLeast} of the {@code fed} records on the topic:
   * with {@code atLeast == fed}, everything fed so far is read and in the state.
   */
  private static void awaitConsumed(
      CdrflowConfig config, FlinkRestClient rest, String jobId, long fed, long atLeast)
      throws Exception {
    Properties p = config.kafkaClientProperties();
    p.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.require(CdrflowConfig.KAFKA_BOOTSTRAP));
    String topic = config.get(CdrflowConfig.TOPIC_RAW);
    long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
    try (Admin admin = Admin.create(p)) {
      int partitions =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int i = 0; i < partitions; i++) {
        latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
      }
      long end =
          admin.listOffsets(latest).all().get().values().stream()
              .mapToLong(info -> info.offset())
              .sum();
      assertEquals(fed, end, "records on " + topic);
      while (true) {
        String state = rest.jobState(jobId);
        if (FlinkRestClient.TERMINAL_STATES.contains(state)) {
          fail("job " + jobId + " ended " + state + ":\n" + rest.failures(jobId));
        }
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets(config.get(CdrflowConfig.KAFKA_GROUP_ID))
                .partitionsToOffsetAndMetadata()
                .get();
        long at =
            committed.values().stream()
                .filter(Objects::nonNull)
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
        if (at >= atLeast) {
          return;
        }
        if (System.nanoTime() - deadline > 0) {
          fail(
              "job "
                  + jobId
                  + " consumed "
                  + at
                  + " of "
                  + end
                  + " records (waiting for "
                  + atLeast
                  + ") within "
                  + CONSUME_TIMEOUT
                  + "; state "
                  + state
                  + ", failures:\n"
                  + rest.failures(jobId));
        }
        Thread.sleep(250);
      }
    }
  }
}
