package org.cdrflow.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.kafka.FeedProducer;
import org.cdrflow.connectors.local.FlinkRestClient;
import org.cdrflow.connectors.local.LocalFlinkCluster;
import org.cdrflow.jobs.RestorePoints;
import org.cdrflow.jobs.StatelessStart;
import org.cdrflow.jobs.StreamingJobMain;
import org.cdrflow.pipeline.StateLineage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

@Command(
    name = "cluster",
    description =
        "Runs the streaming job on a local multi-process Flink cluster (docs/operations.md, \"Local"
            + " multi-process cluster\"): the embedded stack (or the configured Kafka and"
            + " PostgreSQL), a standalone session cluster of one JobManager and N TaskManagers in"
            + " JVMs of their own, and the job jar submitted through Flink's REST API. Runs until"
            + " Ctrl-C, then stops the job with a savepoint that the next start on the workdir"
            + " resumes from.")
public class ClusterCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin RebuildAggregatesOption rebuildAggregates;

  @Option(
      names = "--taskmanagers",
      paramLabel = "N",
      description = "TaskManager processes (default: ${DEFAULT-VALUE})")
  int taskManagers = 2;

  @Option(
      names = "--slots",
      paramLabel = "S",
      description = "task slots per TaskManager (default: ${DEFAULT-VALUE})")
  int slots = 2;

  @Option(
      names = "--parallelism",
      paramLabel = "P",
      description = "parallelism of the job (default: job.parallelism of the configuration)")
  Integer parallelism;

  @Option(
      names = "--job-jar",
      paramLabel = "FILE",
      description =
          "the streaming job's jar (default: cdrflow-jobs-*-job.jar beside the jar of"
              + " the command line)")
  Path jobJar;

  @Option(
      names = "--reference",
      paramLabel = "DIR",
      description = "load this reference CSV directory before the job starts")
  Path reference;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description = "feed this file (Avro JSON lines or container) once the job runs")
  Path input;

  private static final String LATEST = "latest-savepoint";
  private static final Duration RUNNING_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(5);

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Path jar = jobJar != null ? jobJar : jobJarBesideCommandLine();
    if (!Files.isRegularFile(jar)) {
      throw new UsageError(
          (jobJar != null ? "--job-jar " : "the job jar ")
              + jar
              + ": no such file"
              + (jobJar != null ? "" : " (build it: ./mvnw -B -DskipTests package -pl jobs -am)"));
    }
    CdrflowConfig base = common.config();
    if (reference != null) {
      InputChecks.referenceFolder("--reference", reference);
    }
    if (input != null) {
      InputChecks.feed("--input", input);
    }
    StackFolder.requireStackOrNew(base, common.workDir);
    int p = parallelism != null ? parallelism : base.integer(CdrflowConfig.PARALLELISM);
    if (p < 1 || p > taskManagers * slots) {
      throw new UsageError(
          "parallelism "
              + p
              + " needs as many slots; the cluster has "
              + taskManagers
              + " TaskManager(s) with "
              + slots
              + " slot(s) each");
    }
    Path clusterDir = common.workDir.resolve("flink-cluster");

    if (base.hasKafka() && base.hasJdbc()) {
      out.println("== Using the configured Kafka and PostgreSQL");
    }
    try (RuntimeStack stack = RuntimeStack.open(base, common.workDir)) {
      CdrflowConfig config = rebuildAggregates.apply(stack.config());
      if (reference != null) {
        CdrflowConfig.JdbcSettings jdbc = config.jdbc();
        new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(reference);
        out.println("   reference data loaded from " + reference);
      }
      Path jobConfig = writeJobConfig(config, clusterDir.resolve("cdrflow.properties"));

      out.printf(
          "== Starting a Flink session cluster: 1 JobManager, %d TaskManager(s) with %d slot(s)"
              + " each%n",
          taskManagers, slots);
      try (LocalFlinkCluster cluster =
          LocalFlinkCluster.builder(clusterDir)
              .taskManagers(taskManagers)
              .slotsPerTaskManager(slots)
              .set(
                  "execution.checkpointing.interval",
                  config.duration(CdrflowConfig.LOCAL_CHECKPOINT_INTERVAL).toMillis() + "ms")
              .start()) {
        FlinkRestClient rest = cluster.rest();
        String resumeFrom = latestSavepoint(clusterDir);
        if (resumeFrom == null) {
          StatelessStart.check(config, clusterDir);
        }
        out.println(
            "== Submitting "
                + jar.getFileName()
                + " (parallelism "
                + p
                + (resumeFrom == null ? ", no saved state" : ", resuming from " + resumeFrom)
                + ")");
        String jarId = rest.uploadJar(jar);
        String jobId =
            rest.runJar(
                jarId,
                new FlinkRestClient.JarRun(
                    StreamingJobMain.class.getName(),
                    List.of("--config", jobConfig.toString()),
                    p,
                    resumeFrom));
        awaitRunning(rest, jobId);
        if (input != null) {
          out.println("   fed " + feed(config, input, common.workDir) + " records from " + input);
        }
        printHowToUse(cluster, config, jobId, jobConfig, stack.isEmbedded());
        return runUntilInterrupted(rest, jobId, cluster, clusterDir);
      }
    }
  }

  /**
   * Waits for Ctrl-C (or SIGTERM) and stops the job with a savepoint before anything else stops:
   * the job's sinks flush to the database and Kafka as part of that savepoint, so the stack must
   * still run, which the JVM's shutdown hooks (run all at once) would not guarantee. A second
   * Ctrl-C stops everything at once, without a savepoint.
   */
  private int runUntilInterrupted(
      FlinkRestClient rest, String jobId, LocalFlinkCluster cluster, Path clusterDir)
      throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    SignalHandler previousInt = Signal.handle(new Signal("INT"), s -> interrupted.countDown());
    SignalHandler previousTerm = Signal.handle(new Signal("TERM"), s -> interrupted.countDown());
    try {
      while (!interrupted.await(5, TimeUnit.SECONDS)) {
        if (!cluster.process("jobmanager").isAlive()) {
          // No high availability: the job went with its JobManager, its state did not.
          System.err.println(
              "cdrflow: the JobManager exited (see "
                  + cluster.logDirectory()
                  + "); run the same command again: it resumes the job from the newest retained"
                  + " checkpoint in "
                  + clusterDir.resolve("state")
                  + " (docs/operations.md, \"After a crash or a stop\")");
          return 1;
        }
        String state = rest.jobState(jobId);
        if (FlinkRestClient.TERMINAL_STATES.contains(state)) {
          System.err.println(
              "cdrflow: the job ended "
                  + state
                  + "; see "
                  + cluster.logDirectory()
                  + "\n"
                  + rest.failures(jobId));
          return 1;
        }
      }
    } finally {
      Signal.handle(new Signal("INT"), previousInt);
      Signal.handle(new Signal("TERM"), previousTerm);
    }
    out.println();
    out.println("== Stopping the job with a savepoint (Ctrl-C again stops at once, unsaved)");
    String savepoint =
        rest.stopWithSavepoint(
            jobId, false, cluster.savepointDirectory().toUri().toString(), SAVEPOINT_TIMEOUT);
    Files.writeString(clusterDir.resolve(LATEST), savepoint, StandardCharsets.UTF_8);
    out.println("   saved " + savepoint + "; the next start on this workdir resumes from it");
    return 0;
  }

  private void printHowToUse(
      LocalFlinkCluster cluster,
      CdrflowConfig config,
      String jobId,
      Path jobConfig,
      boolean embedded) {
    out.println();
    out.println("The streaming job " + jobId + " runs.");
    out.println("  Flink web UI:  " + cluster.restUrl());
    out.println(
        "  Feed it:       kafka.bootstrap.servers="
            + config.require(CdrflowConfig.KAFKA_BOOTSTRAP)
            + ", topic "
            + config.get(CdrflowConfig.TOPIC_RAW)
            + " (RawCdr records in Avro single-object encoding)");
    if (embedded) {
      CdrflowConfig.JdbcSettings jdbc = config.jdbc();
      out.println("  PostgreSQL:    " + jdbc.url() + " (user " + jdbc.user() + ")");
    }
    out.println(
        "  Other commands on this stack (load-reference, reprocess, settlement-report...):");
    out.println("                 cdrflow <command> --config " + jobConfig);
    out.println("  Logs:          " + cluster.logDirectory());
    out.println("Press Ctrl-C to stop the job with a savepoint and shut everything down.");
  }

  private static void awaitRunning(FlinkRestClient rest, String jobId) throws Exception {
    long deadline = System.nanoTime() + RUNNING_TIMEOUT.toNanos();
    while (!rest.allTasksRunning(jobId)) {
      String state = rest.jobState(jobId);
      if (FlinkRestClient.TERMINAL_STATES.contains(state)) {
        throw new IllegalStateException(
            "the job ended " + state + " while starting:\n" + rest.failures(jobId));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "the job's tasks were not all running within " + RUNNING_TIMEOUT);
      }
      Thread.sleep(250);
    }
  }

  /** Sends what of {@code file} is not on the raw topic yet (docs/reliability.md). */
  private static long feed(CdrflowConfig config, Path file, Path workDir) throws IOException {
    try (FeedProducer producer = FeedProducer.toRawTopic(config)) {
      return producer.sendRest(file, workDir.resolve("feeds"), null, 0).sent();
    }
  }

  /**
   * The job's configuration file: the keys of {@code --config} with the addresses of what runs (the
   * embedded stack's, when it does). It also lets other commands use the running stack. Only its
   * owner may read it: it holds the database password if the configuration does.
   */
  private Path writeJobConfig(CdrflowConfig config, Path file) throws IOException {
    Properties p = new Properties();
    if (common.configFile != null) {
      try (var in = Files.newBufferedReader(common.configFile, StandardCharsets.UTF_8)) {
        p.load(in);
      }
    }
    for (String key :
        List.of(
            CdrflowConfig.KAFKA_BOOTSTRAP,
            CdrflowConfig.JDBC_URL,
            CdrflowConfig.JDBC_USER,
            StateLineage.REBUILD_KEY)) {
      String value = config.get(key);
      if (value != null) {
        p.setProperty(key, value);
      }
    }
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(w, "written by cdrflow cluster: the streaming job's configuration");
    }
    return file;
  }

  /**
   * The newest complete checkpoint or savepoint of the cluster's jobs: the savepoint of a stop, or
   * after a crash of the whole cluster the newest retained checkpoint (docs/operations.md, "After a
   * crash or a stop").
   */
  private static String latestSavepoint(Path clusterDir) throws IOException {
    return RestorePoints.newest(clusterDir.resolve("state"))
        .map(p -> p.directory().toUri().toString())
        .orElse(null);
  }

  /** {@code cdrflow-jobs-*-job.jar} in the directory of the command line's own jar. */
  private static Path jobJarBesideCommandLine() throws IOException {
    Path self;
    try {
      self =
          Path.of(ClusterCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException | RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot tell where the command line runs from; use --job-jar");
    }
    Path dir = self.getParent();
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(f -> f.getFileName().toString().matches("cdrflow-jobs-.*-job\\.jar"))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "no cdrflow-jobs-*-job.jar in "
                          + dir
                          + "; build it (./mvnw package -pl jobs -am) or name it with --job-jar"));
    }
  }
}
