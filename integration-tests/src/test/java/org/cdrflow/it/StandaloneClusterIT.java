package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
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
import org.cdrflow.cli.Cdrflow;
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
import org.cdrflow.jobs.StreamingJobMain;
import org.junit.jupiter.api.Test;

/**
 * The streaming job as production runs it: the shaded job jar, uploaded through the REST API to a
 * Flink session cluster of separate JVMs (one JobManager, two TaskManagers) that holds none of the
 * job's classes, RocksDB state, checkpoints and savepoints on disk. Half of a feed is consumed at
 * parallelism 2, the job is stopped with a savepoint without draining (its held records, pending
 * partials, duplicates seen and allowances stay in the state), the second half arrives meanwhile,
 * and the job resumes from the savepoint at parallelism 3 (the keyed state redistributed), to be
 * drained at the end. No line may be lost or doubled: every output table equals that of one
 * uninterrupted local replay of the whole feed, and the audit equation holds.
 *
 * <p>The raw topic has one partition, as for a replay (file order), so at parallelism 2 one source
 * reader is idle and holds event time back for {@code watermark.idleness} (30 s): the first job may
 * rate little or nothing before its stop, and what it has read then crosses the stop and the
 * rescale in its state, which is the point.
 */
class StandaloneClusterIT {
  // Enough for calls, partials and duplicates to cross the stop and the rescale in the state; more
  // records prove nothing more and cost minutes of CI.
  private static final int RECORDS = 10_000;
  private static final int FIRST_PART = 5_000;
  private static final Path JOBS_TARGET = Path.of("..", "jobs", "target");
  private static final Duration CONSUME_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(2);
  private static final long STARTED = System.nanoTime();

  @Test
  void aStopWithoutDrainAndARescaleOnAMultiProcessClusterLoseAndDoubleNothing() throws Exception {
    Path jobJar = jobJar();
    List<Path> flinkLib = cliLibraries();
    Path base = Files.createTempDirectory(Path.of("target"), "standalone-cluster-");
    Path reference = base.resolve("reference");
    Path feed = base.resolve("feed.jsonl");
    FeedGenerator.write(GeneratorSettings.of(RECORDS, 400, 20261121L), feed, reference);
    Path firstPart = base.resolve("part-1.jsonl");
    Path secondPart = base.resolve("part-2.jsonl");
    split(feed, FIRST_PART, firstPart, secondPart);

    Path onCluster = runOnCluster(base, jobJar, flinkLib, reference, firstPart, secondPart);
    Path uninterrupted = base.resolve("replay-export");
    assertEquals(
        0,
        Cdrflow.run(
            "replay",
            "--reference",
            reference.toString(),
            "--input",
            feed.toString(),
            "--workdir",
            base.resolve("replay").toString(),
            "--export",
            uninterrupted.toString()),
        "the uninterrupted replay");
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

  /** Runs both parts through the job on the cluster; returns the directory of the table exports. */
  private static Path runOnCluster(
      Path base, Path jobJar, List<Path> flinkLib, Path reference, Path firstPart, Path secondPart)
      throws Exception {
    // The cluster's JVMs start while the stack's do.
    CompletableFuture<LocalFlinkCluster> starting =
        CompletableFuture.supplyAsync(
            () ->
                LocalFlinkCluster.builder(base.resolve("flink"))
                    .taskManagers(2)
                    .slotsPerTaskManager(2)
                    .classpath(flinkLib)
                    // Offsets are committed with each checkpoint: the waits below see progress
                    // every second.
                    .set("execution.checkpointing.interval", "1s")
                    .start());
    RuntimeStack stack;
    try {
      stack = RuntimeStack.open(CdrflowConfig.defaults(), base.resolve("stack"));
    } catch (RuntimeException e) {
      starting.thenAccept(LocalFlinkCluster::close);
      throw e;
    }
    Path export = base.resolve("cluster-export");
    try (stack;
        LocalFlinkCluster cluster = starting.join()) {
      progress("stack and cluster up");
      CdrflowConfig config = stack.config();
      CdrflowConfig.JdbcSettings jdbc = config.jdbc();
      new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(reference);
      Path jobConfig = jobConfig(config, base.resolve("job.properties"));
      FlinkRestClient rest = cluster.rest();
      String logs = " (logs in " + cluster.logDirectory() + ")";
      String savepoints = cluster.savepointDirectory().toUri().toString();
      List<String> args = List.of("--config", jobConfig.toString());

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
      assertEquals(FIRST_PART, feed(config, firstPart));
      progress("first part fed");
      awaitConsumed(config, rest, first, FIRST_PART);
      progress("first part consumed at parallelism 2");
      assertEquals(
          Set.of("taskmanager-1", "taskmanager-2"),
          rest.taskManagersOf(first),
          "the job's tasks ran in both TaskManagers");
      assertEquals("", rest.failures(first), "the job ran without a failure" + logs);
      String paused = rest.stopWithSavepoint(first, false, savepoints, SAVEPOINT_TIMEOUT);
      progress("stopped without drain");

      assertEquals(RECORDS - FIRST_PART, feed(config, secondPart));
      String second =
          rest.runJar(jarId, new JarRun(StreamingJobMain.class.getName(), args, 3, paused));
      awaitConsumed(config, rest, second, RECORDS);
      progress("second part consumed at parallelism 3");
      assertEquals(
          Set.of("taskmanager-1", "taskmanager-2"),
          rest.taskManagersOf(second),
          "the rescaled job's tasks ran in both TaskManagers");
      assertEquals("", rest.failures(second), "the rescaled job ran without a failure" + logs);
      rest.stopWithSavepoint(second, true, savepoints, SAVEPOINT_TIMEOUT);
      progress("drained");

      try (Connection c = jdbc.connect()) {
        TableExport.exportAll(c, export);
      }
    }
    return export;
  }

  /** A line in the test's output with the seconds since the class was loaded, for timings. */
  private static void progress(String what) {
    System.out.printf(
        "StandaloneClusterIT: %s after %d s%n",
        what, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - STARTED));
  }

  /** The shaded job jar that {@code package} of module jobs builds before this test runs. */
  private static Path jobJar() throws IOException {
    if (Files.isDirectory(JOBS_TARGET)) {
      try (Stream<Path> files = Files.list(JOBS_TARGET)) {
        List<Path> jars =
            files
                .filter(f -> f.getFileName().toString().matches("cdrflow-jobs-.*-job\\.jar"))
                .toList();
        if (jars.size() == 1) {
          return jars.get(0);
        }
      }
    }
    return fail(
        "no job jar cdrflow-jobs-*-job.jar (exactly one) in "
            + JOBS_TARGET.toAbsolutePath().normalize()
            + ": this test submits the shaded jar that `package` of module jobs builds; run"
            + " ./mvnw verify, or ./mvnw package -pl jobs -am before running it alone");
  }

  /** The command line's lib directory, where the cluster takes Flink from. */
  private static List<Path> cliLibraries() throws IOException {
    Path lib = JOBS_TARGET.resolve("lib");
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

  /**
   * Writes the first {@code firstLines} lines of a JSON-lines feed to one file, the rest to
   * another.
   */
  private static void split(Path feed, int firstLines, Path first, Path second) throws IOException {
    List<String> lines = Files.readAllLines(feed, StandardCharsets.UTF_8);
    assertEquals(RECORDS, lines.size(), "one record per line");
    Files.write(first, lines.subList(0, firstLines), StandardCharsets.UTF_8);
    Files.write(second, lines.subList(firstLines, lines.size()), StandardCharsets.UTF_8);
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
   * checkpoint) that add up to {@code records}: everything fed so far is read and in the state.
   */
  private static void awaitConsumed(
      CdrflowConfig config, FlinkRestClient rest, String jobId, long records) throws Exception {
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
      assertEquals(records, end, "records on " + topic);
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
        if (at >= end) {
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
                  + " records within "
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
