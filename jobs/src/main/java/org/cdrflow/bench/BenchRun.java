package org.cdrflow.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.cdrflow.anonymisation.AnonymisationCutoff;
import org.cdrflow.anonymisation.AnonymisationReport;
import org.cdrflow.anonymisation.AnonymisationRun;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.connectors.db.DatabaseSchema;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.kafka.FeedProducer;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratedFeedSummary;
import org.cdrflow.generate.GeneratorSettings;
import org.cdrflow.jobs.LocalStreamingRun;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.reference.ReferenceDataProvider;

/**
 * One benchmark run on this machine (docs/benchmarks.md): a generated feed preloaded into the raw
 * topic of the embedded stack, then the two ceilings (Kafka consume + decode alone, PostgreSQL
 * ingest alone), the pipeline end to end, its state size on RocksDB, the latency at half load on a
 * fresh topic, and the anonymisation job on the lines produced. Every figure goes into the report
 * with the CPU time of each process and the machine's load while it was measured.
 */
public final class BenchRun {
  /** What to measure; all by default. */
  public enum Phase {
    CONSUME,
    END_TO_END,
    INGEST,
    ROCKSDB,
    ANONYMISE,
    LATENCY,
    RECONCILE,
    COLLECT,
    FRAUD,
    RERATE
  }

  /** The phases that need neither the generated JSON feed nor the embedded stack. */
  static final Set<Phase> WITHOUT_STACK = EnumSet.of(Phase.COLLECT);

  /** The phases that need the stack but not the generated feed on the raw topic. */
  static final Set<Phase> WITHOUT_FEED = EnumSet.of(Phase.COLLECT, Phase.RECONCILE);

  /** Targets of the performance issue (docs/benchmarks.md). */
  static final double TARGET_END_TO_END = 100_000;

  static final double TARGET_INGEST_RATIO = 0.7;
  static final double TARGET_PIPELINE_LATENCY_P99_MS = 5_000;
  static final double TARGET_ANONYMISATION = 200_000;
  static final double TARGET_RECONCILE = 200_000;
  static final double TARGET_RERATE = 100_000;
  static final double TARGET_STATE_BYTES_PER_SUBSCRIPTION = 1024;
  static final double TARGET_REFERENCE_LOAD = 1_000_000 / 60.0;
  static final double TARGET_COLLECT_PER_CORE = 300_000;
  static final double TARGET_FRAUD_CPU_MS_PER_1000 = 3;
  static final double TARGET_FRAUD_STATE_BYTES_PER_SUBSCRIPTION = 300;

  /** Partitions of the raw topic in the bench: one per source subtask. */
  static final int PARTITIONS = 2;

  static final String LATENCY_TOPIC = "cdr.raw.latency";

  /**
   * The latency phase feeds the head of the feed for about this long: long enough for steady state,
   * short enough that the bench stays within minutes at any rate.
   */
  static final long LATENCY_FEED_SECONDS = 60;

  /**
   * @param records feed records
   * @param subscribers subscriptions in the reference data
   * @param seed generator seed
   * @param start first day of the feed: long enough ago that today's anonymisation takes it
   * @param workDir where the feed, the embedded stack and the job states go (its bench folders are
   *     replaced)
   * @param out where bench-result.json goes
   * @param config the job's configuration (sink batch size, parallelism…); no Kafka or JDBC keys
   * @param phases what to measure
   * @param latencyRate records a second for the latency phase; 0 = half the end-to-end rate
   * @param timeout longest wait for one pipeline run
   * @param flightRecording record the end-to-end, re-rating and reconciliation phases with Java
   *     Flight Recorder ({@code end-to-end.jfr}, {@code rerate.jfr}, {@code reconcile.jfr} beside
   *     the result)
   */
  public record Settings(
      long records,
      int subscribers,
      long seed,
      LocalDate start,
      Path workDir,
      Path out,
      CdrflowConfig config,
      Set<Phase> phases,
      long latencyRate,
      Duration timeout,
      boolean flightRecording) {
    public static final LocalDate DEFAULT_START = LocalDate.of(2026, 4, 1);

    public Settings {
      phases = phases.isEmpty() ? EnumSet.allOf(Phase.class) : EnumSet.copyOf(phases);
    }
  }

  private final Settings settings;
  private final PrintStream out;
  private final BenchReport report = new BenchReport();
  private ProcessCpu cpu;

  public BenchRun(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  // ---- side by side with a baseline build (cdrflow bench --baseline)

  private BaselineBench baseline;
  private Map<String, Object> baselineResult;

  /**
   * Runs the bench of the build in {@code jarDir} first, on the same feed and phases, and puts its
   * figures and the ratios beside this build's (docs/benchmarks.md, "Side by side").
   *
   * @param configFile the configuration file of this run, given to the baseline too; or null
   */
  public BenchRun withBaseline(Path jarDir, Path configFile) {
    baseline = new BaselineBench(jarDir, configFile);
    baseline.classpath(); // fails now, before anything runs, if the folder holds no build
    return this;
  }

  private void runBaseline(Path work) throws Exception {
    if (baseline != null) {
      Directories.delete(work.resolve("baseline"));
      baselineResult =
          baseline.run(settings, work.resolve("baseline"), settings.out().resolve("baseline"), out);
    }
  }

  /** Both figures and their ratios: in the end-to-end section and in {@code versus_baseline}. */
  @SuppressWarnings("unchecked")
  private void compareWithBaseline(Path work) throws Exception {
    if (baselineResult == null) {
      return;
    }
    Map<String, Object> theirs = (Map<String, Object>) baselineResult.get("result");
    Map<String, Object> versus = BaselineBench.compare(report.sections(), theirs);
    String ourFeed = BaselineBench.sha256(work.resolve("feed").resolve("feed.jsonl"));
    String theirFeed =
        BaselineBench.sha256(work.resolve("baseline").resolve("feed").resolve("feed.jsonl"));
    baselineResult.put("same_feed", ourFeed != null && ourFeed.equals(theirFeed));
    baselineResult.put("feed_sha256", theirFeed);
    report.section("feed").put("sha256", ourFeed);
    report.put("baseline", baselineResult);
    report.put("versus_baseline", versus);
    Object e2e = theirs.get("end_to_end");
    if (e2e instanceof Map<?, ?> m && m.get("cpu_ms_per_1000_records") != null) {
      Map<String, Object> section = report.section("end_to_end");
      Map<String, Object> ratios = new LinkedHashMap<>();
      for (String process :
          new String[] {"jvm_flink_and_clients", "kafka_broker", "postgresql", "total"}) {
        Double r =
            BaselineBench.ratio(versus, List.of("end_to_end", "cpu_ms_per_1000_records", process));
        ratios.put(process, r);
      }
      section.put("baseline_cpu_ms_per_1000_records", m.get("cpu_ms_per_1000_records"));
      section.put("cpu_ms_per_1000_records_over_baseline", ratios);
      report.row(
          "CPU per 1,000 records, all / baseline",
          String.format(Locale.ROOT, "%.2f", ratios.get("total")),
          "<= 0.50",
          verdict(ratios.get("total") != null && (Double) ratios.get("total") <= 0.5));
      report.row(
          "CPU per 1,000 records, job JVM / baseline",
          String.format(Locale.ROOT, "%.2f", ratios.get("jvm_flink_and_clients")),
          "<= 0.40",
          verdict(
              ratios.get("jvm_flink_and_clients") != null
                  && (Double) ratios.get("jvm_flink_and_clients") <= 0.4));
    }
    say("Baseline (%s) versus this build:", baselineResult.get("jar_dir"));
    for (Map.Entry<String, Object> f : versus.entrySet()) {
      Map<String, Object> v = (Map<String, Object>) f.getValue();
      say(
          "  %-60s %12.3f %12.3f  x%.2f",
          f.getKey(), v.get("baseline"), v.get("this_build"), v.get("ratio"));
    }
  }

  /** Runs every phase; returns the path of the result file. */
  public Path run() throws Exception {
    Path work = settings.workDir().toAbsolutePath();
    Map<String, Object> bench = report.section("bench");
    bench.put("started_at", Instant.now().toString());
    bench.put("records", settings.records());
    bench.put("subscribers", settings.subscribers());
    bench.put("seed", settings.seed());
    bench.put("feed_start", settings.start().toString());
    bench.put("raw_partitions", PARTITIONS);
    bench.put("job_parallelism", settings.config().integer(CdrflowConfig.PARALLELISM));
    bench.put("sink_batch_size", settings.config().integer(CdrflowConfig.SINK_BATCH_SIZE));
    bench.put("sink_batch_interval", settings.config().get(CdrflowConfig.SINK_BATCH_INTERVAL));
    bench.put("checkpoint_interval", settings.config().get(CdrflowConfig.CHECKPOINT_INTERVAL));
    bench.put("phases", settings.phases().stream().map(Enum::name).toList());
    report.put("machine", BenchReport.machine());
    runBaseline(work);

    for (String dir : new String[] {"feed", "stack", "state-e2e", "state-rocksdb", "rocksdb"}) {
      Directories.delete(work.resolve(dir));
    }
    Directories.delete(work.resolve("state-latency"));

    if (has(Phase.COLLECT)) {
      collect(work);
    }
    if (WITHOUT_STACK.containsAll(settings.phases())) {
      return finish();
    }

    Path feed = work.resolve("feed").resolve("feed.jsonl");
    Path reference = work.resolve("feed").resolve("reference");
    boolean feedNeeded = !WITHOUT_FEED.containsAll(settings.phases());
    if (feedNeeded) {
      say(
          "Generating %,d records for %,d subscribers (feed from %s)",
          settings.records(), settings.subscribers(), settings.start());
      GeneratedFeedSummary generated =
          FeedGenerator.write(
              new GeneratorSettings(
                  settings.records(),
                  settings.subscribers(),
                  settings.seed(),
                  settings.start(),
                  GeneratorSettings.DEFAULT_DAYS,
                  settings.config().require(CdrflowConfig.HOME_OPERATOR_ID)),
              feed,
              reference);
      say("  %s", generated.summaryLine());
      Map<String, Object> gen = report.section("feed");
      gen.put("records", generated.records());
      gen.put("duplicates", generated.duplicates());
      gen.put("malformed", generated.malformed());
      gen.put("unknown_subscriber", generated.unknownSubscriber());
      gen.put("unanswered", generated.unanswered());
      gen.put("partial_records", generated.partialRecords());
      gen.put("generate_seconds", generated.elapsedMillis() / 1000.0);
    }

    // The jobs checkpoint at the production interval (checkpoint.interval), not at the local
    // runs' 1 s that makes small replays end fast: a snapshot of the whole heap state every
    // second costs more than the processing (docs/benchmarks.md, "Profile").
    CdrflowConfig base =
        settings
            .config()
            .with(
                Map.of(
                    CdrflowConfig.TOPIC_RAW_PARTITIONS,
                    Integer.toString(PARTITIONS),
                    CdrflowConfig.LOCAL_CHECKPOINT_INTERVAL,
                    settings.config().get(CdrflowConfig.CHECKPOINT_INTERVAL)));
    if (base.hasKafka() || base.hasJdbc()) {
      throw new IllegalArgumentException(
          "cdrflow bench measures the embedded stack on this machine: leave the Kafka and JDBC"
              + " keys out of the configuration");
    }
    say("Starting the embedded stack (Kafka in KRaft mode, PostgreSQL) in %s", work);
    try (EmbeddedStack stack =
        EmbeddedStack.builder(work.resolve("stack")).brokerForThroughput().start()) {
      CdrflowConfig config = onStack(stack, base);
      cpu = ProcessCpu.of(work.resolve("stack"));
      JdbcSettings jdbc = config.jdbc();
      String bootstrap = config.require(CdrflowConfig.KAFKA_BOOTSTRAP);

      if (feedNeeded) {
        Measured load = begin();
        long subscriptions =
            new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password())
                .load(reference)
                .rows("subscription");
        Map<String, Object> ref = report.section("reference_load");
        end(load, ref);
        say("  reference data loaded in %.1f s", (double) ref.get("seconds"));
        // The loader's figure (docs/benchmarks.md): subscriptions a second, the whole reference
        // data's load included; the target is a million subscriptions within a minute.
        double loadRate = subscriptions / (double) ref.get("seconds");
        ref.put("subscriptions", subscriptions);
        ref.put("subscriptions_per_second", loadRate);
        report.row(
            "Reference data load (subscriptions)",
            rate(loadRate) + " rows",
            ">= 16,667/s",
            verdict(loadRate >= TARGET_REFERENCE_LOAD));

        Measured preload = begin();
        long sent;
        try (FeedProducer producer =
            new FeedProducer(
                bootstrap, config.get(CdrflowConfig.TOPIC_RAW), config.kafkaClientProperties())) {
          sent = producer.send(feed, null);
        }
        Map<String, Object> pre = report.section("preload");
        end(preload, pre);
        pre.put("records", sent);
        pre.put("records_per_second", sent / (double) pre.get("seconds"));
        say(
            "  preloaded %,d records into %s (%d partitions) in %.1f s",
            sent, config.get(CdrflowConfig.TOPIC_RAW), PARTITIONS, (double) pre.get("seconds"));
      }

      Double consumeRate = null;
      Double endToEndRate = null;
      Double ingestRate = null;
      if (has(Phase.CONSUME)) {
        consumeRate = consumeCeiling(config, bootstrap);
      }
      Outputs written = null;
      if (has(Phase.END_TO_END)) {
        Map<String, Object> e2e = report.section("end_to_end");
        Recording recording = null;
        if (settings.flightRecording()) {
          recording = new Recording(Configuration.getConfiguration("profile"));
          recording.setName("cdrflow-bench-end-to-end");
          recording.start();
        }
        try {
          written =
              pipeline(config, "bench-e2e", work.resolve("state-e2e"), Map.of(), e2e, jdbc, null);
        } finally {
          if (recording != null) {
            recording.stop();
            Path jfr = settings.out().resolve("end-to-end.jfr");
            java.nio.file.Files.createDirectories(settings.out());
            recording.dump(jfr);
            recording.close();
            e2e.put("flight_recording", jfr.toString());
            say("  flight recording of this phase: %s", jfr);
          }
        }
        endToEndRate = (Double) e2e.get("records_per_second");
      }
      if (has(Phase.INGEST)) {
        long rows = written != null ? written.rows() : settings.records();
        ingestRate = ingestCeiling(jdbc, rows, config.integer(CdrflowConfig.PARALLELISM));
      }
      if (has(Phase.ROCKSDB)) {
        rocksDb(config, jdbc, work);
      }
      if (has(Phase.RERATE)) {
        // Before anonymisation: anonymised lines are never re-rated.
        rerate(config, jdbc);
      }
      if (has(Phase.ANONYMISE)) {
        // On the lines of the last pipeline run, before the latency phase starts afresh.
        anonymise(config, jdbc);
      }
      if (has(Phase.LATENCY)) {
        long rate =
            settings.latencyRate() > 0
                ? settings.latencyRate()
                : endToEndRate == null ? 0 : Math.round(endToEndRate / 2);
        if (rate <= 0) {
          say("Latency skipped: no end-to-end rate to halve (measure END_TO_END or give a rate)");
        } else {
          Path head = work.resolve("feed").resolve("feed-latency.jsonl");
          long lines = Math.min(settings.records(), rate * LATENCY_FEED_SECONDS);
          copyHead(feed, head, lines);
          latency(config, jdbc, bootstrap, head, work.resolve("state-latency"), rate);
        }
      }
      if (has(Phase.RECONCILE)) {
        reconcile(jdbc, work);
      }
      if (has(Phase.FRAUD)) {
        fraud(config, jdbc, work);
      }
      ratios(consumeRate, endToEndRate, ingestRate);
    }
    return finish();
  }

  /** Writes bench-result.json and prints the table; returns the result file. */
  private Path finish() throws Exception {
    compareWithBaseline(settings.workDir().toAbsolutePath());
    report.section("bench").put("finished_at", Instant.now().toString());
    Path result = settings.out().resolve("bench-result.json");
    report.writeJson(result);
    out.println();
    out.println("== Results (" + BenchReport.loadAverage() + " load average now)");
    report.printTable(out);
    out.println("Written to " + result);
    return result;
  }

  /** The bench's topics and schema on {@code stack}, and {@code base} pointed at it. */
  static CdrflowConfig onStack(EmbeddedStack stack, CdrflowConfig base) {
    stack.createTopics(
        Map.of(
            base.get(CdrflowConfig.TOPIC_RAW), PARTITIONS,
            base.get(CdrflowConfig.TOPIC_REJECTED), 1,
            base.get(CdrflowConfig.TOPIC_NOTIFICATIONS), 1,
            base.get(CdrflowConfig.TOPIC_FRAUD_ALERTS), 1));
    DatabaseSchema.migrate(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
    return base.with(
        Map.of(
            CdrflowConfig.KAFKA_BOOTSTRAP, stack.kafkaBootstrapServers(),
            CdrflowConfig.JDBC_URL, stack.jdbcUrl(),
            CdrflowConfig.JDBC_USER, stack.jdbcUser(),
            CdrflowConfig.JDBC_PASSWORD, stack.jdbcPassword()));
  }

  private boolean has(Phase p) {
    return settings.phases().contains(p);
  }

  // ---- phases

  private double consumeCeiling(CdrflowConfig config, String bootstrap) throws Exception {
    say("(1) Ceiling: Kafka consume + Avro decode alone, %d consumers", PARTITIONS);
    Measured m = begin();
    ConsumeCeiling.Result r =
        ConsumeCeiling.measure(
            bootstrap,
            config.kafkaClientProperties(),
            config.get(CdrflowConfig.TOPIC_RAW),
            PARTITIONS);
    Map<String, Object> s = report.section("consume_ceiling");
    end(m, s);
    s.put("records", r.records());
    s.put("undecodable", r.undecodable());
    s.put("records_per_second", r.perSecond());
    say("  %,.0f records/s (%,d records in %.1f s)", r.perSecond(), r.records(), r.seconds());
    report.row("Kafka consume + decode ceiling", rate(r.perSecond()), "", "");
    return r.perSecond();
  }

  private double ingestCeiling(JdbcSettings jdbc, long rows, int connections) throws Exception {
    say(
        "(2) Ceiling: PostgreSQL COPY of %,d invoice_line-shaped rows alone, %d connections",
        rows, connections);
    Measured m = begin();
    IngestCeiling.Result r = IngestCeiling.measure(jdbc, rows, connections);
    Map<String, Object> s = report.section("ingest_ceiling");
    end(m, s);
    s.put("rows", r.rows());
    s.put("table", "like invoice_line including all (logged, same keys and indexes)");
    s.put("rows_per_second", r.perSecond());
    say("  %,.0f rows/s (%,d rows in %.1f s)", r.perSecond(), r.rows(), r.seconds());
    report.row("PostgreSQL ingest ceiling (COPY)", rate(r.perSecond()) + " rows", "", "");
    return r.perSecond();
  }

  /** What a pipeline run wrote. */
  record Outputs(long lines, long settlementRows, long dailyRows, long rejects, long auditRows) {
    long rows() {
      return lines + settlementRows + dailyRows + rejects + auditRows;
    }
  }

  /**
   * Runs the job over the preloaded topic from its start until every row is committed (end of the
   * topic, then drain), in {@code section}; returns what it wrote.
   */
  private Outputs pipeline(
      CdrflowConfig config,
      String group,
      Path stateDir,
      Map<String, String> flink,
      Map<String, Object> section,
      JdbcSettings jdbc,
      Runnable beforeStop)
      throws Exception {
    say(
        "(3) End to end: the streaming job over the preloaded topic%s",
        flink.isEmpty() ? "" : " with " + flink);
    Directories.delete(stateDir);
    truncateOutputs(jdbc);
    LocalStreamingRun job =
        new LocalStreamingRun(config.with(Map.of(CdrflowConfig.KAFKA_GROUP_ID, group)), stateDir)
            .withFlinkSettings(flink);
    Measured m = begin();
    long receivedAt;
    try {
      job.start();
      awaitReceived(job, jdbc);
      receivedAt = System.nanoTime();
      if (beforeStop != null) {
        beforeStop.run();
      }
      job.stopAndSave(settings.timeout());
    } catch (Exception e) {
      job.cancel();
      throw e;
    }
    end(m, section);
    double seconds = (double) section.get("seconds");
    section.put("records", settings.records());
    section.put("records_per_second", settings.records() / seconds);
    section.put("seconds_to_all_received", (receivedAt - m.cpu.nanos()) / 1e9);
    // CPU per record does not depend on how much of the machine others were using meanwhile:
    // the figure to compare across runs on a shared box.
    @SuppressWarnings("unchecked")
    Map<String, Object> cpuSeconds = (Map<String, Object>) section.get("cpu_seconds");
    Map<String, Object> perRecord = new LinkedHashMap<>();
    double ours = 0;
    for (String process : new String[] {"jvm_flink_and_clients", "kafka_broker", "postgresql"}) {
      double ms = (double) cpuSeconds.get(process) * 1e6 / settings.records();
      perRecord.put(process, ms);
      ours += ms;
    }
    perRecord.put("total", ours);
    section.put("cpu_ms_per_1000_records", perRecord);
    section.put("seconds_to_drain", seconds - (receivedAt - m.cpu.nanos()) / 1e9);
    Outputs o = verify(jdbc, section);
    say(
        "  %,.0f records/s: %,d records in %.1f s (all received after %.1f s, drain %.1f s);"
            + " %,d lines, %,d settlement rows",
        settings.records() / seconds,
        settings.records(),
        seconds,
        (double) section.get("seconds_to_all_received"),
        (double) section.get("seconds_to_drain"),
        o.lines(),
        o.settlementRows());
    return o;
  }

  /**
   * Waits until the audit has counted every preloaded record as received. The audit reaches the
   * table within about a second of mediation (docs/architecture.md, "Audit equation"), whatever the
   * checkpoint interval, so this does not wait for a checkpoint as {@link
   * LocalStreamingRun#awaitEndOfTopic} does; the drain that follows finishes the rest.
   */
  private void awaitReceived(LocalStreamingRun job, JdbcSettings jdbc) throws Exception {
    awaitReceived(job, jdbc, settings.records(), settings.timeout());
  }

  /** Waits until the audit has counted {@code records} received (the long run uses it too). */
  static void awaitReceived(
      LocalStreamingRun job, JdbcSettings jdbc, long records, java.time.Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Connection c = jdbc.connect();
        Statement s = c.createStatement()) {
      while (true) {
        try (ResultSet r =
            s.executeQuery("select coalesce(sum(received), 0) from mediation_audit")) {
          r.next();
          if (r.getLong(1) >= records) {
            return;
          }
        }
        job.checkRunning();
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the job did not receive the feed within " + timeout);
        }
        Thread.sleep(100);
      }
    }
  }

  /** Checks the audit equation and counts what the job wrote, into {@code section}. */
  private Outputs verify(JdbcSettings jdbc, Map<String, Object> section) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
        Statement s = c.createStatement()) {
      long received;
      long accounted;
      try (ResultSet r =
          s.executeQuery(
              "select coalesce(sum(received), 0), coalesce(sum(rated + rejected + duplicates"
                  + " + unanswered + pending_partials), 0) from mediation_audit")) {
        r.next();
        received = r.getLong(1);
        accounted = r.getLong(2);
      }
      Outputs o =
          new Outputs(
              count(s, "invoice_line"),
              count(s, "settlement_call"),
              count(s, "settlement_daily"),
              count(s, "rejected_cdr"),
              count(s, "mediation_audit"));
      Map<String, Object> w = new LinkedHashMap<>();
      w.put("invoice_line", o.lines());
      w.put("settlement_call", o.settlementRows());
      w.put("settlement_daily", o.dailyRows());
      w.put("rejected_cdr", o.rejects());
      w.put("mediation_audit", o.auditRows());
      w.put("total", o.rows());
      section.put("rows_written", w);
      section.put("audit_received", received);
      section.put("audit_accounted_for", accounted);
      boolean ok = received == settings.records() && accounted == received;
      section.put("audit_equation_holds", ok);
      if (!ok) {
        say(
            "  WARNING: the audit does not account for the feed (received %,d of %,d, accounted"
                + " for %,d): the figure is not valid",
            received, settings.records(), accounted);
      }
      return o;
    }
  }

  private void rocksDb(CdrflowConfig config, JdbcSettings jdbc, Path work) throws Exception {
    Path stateDir = work.resolve("state-rocksdb");
    Path localDir = work.resolve("rocksdb");
    Map<String, String> flink = new LinkedHashMap<>();
    flink.put("state.backend.type", "rocksdb");
    // As production runs it (the Helm chart): incremental checkpoints, so a checkpoint's
    // footprint is its own folder plus the shared SST files it references; Bloom filters.
    flink.put("execution.checkpointing.incremental", "true");
    flink.put("state.backend.rocksdb.use-bloom-filter", "true");
    flink.put("state.backend.rocksdb.localdir", localDir.toString());
    Map<String, Object> s = report.section("rocksdb");
    long[] sizes = new long[3];
    Runnable sizeState =
        () -> {
          try {
            // The next checkpoint after the whole feed was received holds the state of all of it.
            Path root = stateDir.resolve("checkpoints");
            long seen =
                Directories.latestCheckpoint(root).map(Directories.Checkpoint::id).orElse(0L);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            Optional<Directories.Checkpoint> chk = Directories.latestCheckpoint(root);
            while ((chk.isEmpty() || chk.get().id() <= seen) && System.nanoTime() < deadline) {
              Thread.sleep(100);
              chk = Directories.latestCheckpoint(root);
            }
            if (chk.isPresent()) {
              // One checkpoint is retained: the job's folder holds it and the files it shares.
              sizes[0] = Directories.size(chk.get().dir().getParent(), "");
              sizes[1] = chk.get().id();
            }
            sizes[2] = Directories.size(localDir, ".sst");
          } catch (Exception e) {
            say("  could not size the checkpoint: %s", e.getMessage());
          }
        };
    pipeline(config, "bench-rocksdb", stateDir, flink, s, jdbc, sizeState);
    long savepoint = Directories.size(stateDir.resolve("savepoints"), "");
    long active;
    try (Connection c = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
        Statement st = c.createStatement();
        ResultSet r = st.executeQuery("select count(distinct subscription_id) from invoice_line")) {
      r.next();
      active = r.getLong(1);
    }
    s.put("flink_settings", flink);
    s.put("checkpoint_id", sizes[1]);
    s.put("checkpoint_bytes", sizes[0]);
    s.put("rocksdb_sst_bytes", sizes[2]);
    s.put("savepoint_bytes", savepoint);
    s.put("active_subscriptions", active);
    double perSub = active == 0 ? Double.NaN : sizes[0] / (double) active;
    s.put("checkpoint_bytes_per_active_subscription", perSub);
    s.put(
        "savepoint_bytes_per_active_subscription",
        active == 0 ? Double.NaN : savepoint / (double) active);
    say(
        "  state: checkpoint %,d bytes (chk-%d), RocksDB SST %,d bytes, savepoint %,d bytes;"
            + " %,d active subscriptions -> %,.0f bytes each",
        sizes[0], sizes[1], sizes[2], savepoint, active, perSub);
    report.row(
        "End to end, RocksDB state backend", rate((Double) s.get("records_per_second")), "", "");
    report.row(
        "State per active subscription (RocksDB)",
        String.format(Locale.ROOT, "%,.0f B", perSub),
        "<= 1 KB",
        verdict(perSub <= TARGET_STATE_BYTES_PER_SUBSCRIPTION));
  }

  private void latency(
      CdrflowConfig config,
      JdbcSettings jdbc,
      String bootstrap,
      Path feed,
      Path stateDir,
      long rate)
      throws Exception {
    say("(4) Latency: fresh topic %s, the job running, feed at %,d records/s", LATENCY_TOPIC, rate);
    truncateOutputs(jdbc);
    AppendToLineLatency.createTopic(
        bootstrap, config.kafkaClientProperties(), LATENCY_TOPIC, PARTITIONS);
    Directories.delete(stateDir);
    LocalStreamingRun job =
        new LocalStreamingRun(
            config.with(
                Map.of(
                    CdrflowConfig.TOPIC_RAW,
                    LATENCY_TOPIC,
                    CdrflowConfig.KAFKA_GROUP_ID,
                    "bench-latency")),
            stateDir);
    Map<String, Object> s = report.section("latency");
    long fed;
    double feedSeconds;
    Measured m;
    try {
      job.start();
      // The first completed checkpoint proves every task runs: records fed before would wait
      // for the job's start, which is not what the latency means.
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (Directories.latestCheckpoint(stateDir.resolve("checkpoints")).isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the job did not start within 2 minutes");
        }
        Thread.sleep(100);
      }
      m = begin();
      try (FeedProducer producer =
          new FeedProducer(bootstrap, LATENCY_TOPIC, config.kafkaClientProperties())) {
        fed = producer.send(feed, null, rate);
      }
      feedSeconds = (System.nanoTime() - m.cpu.nanos()) / 1e9;
      job.awaitEndOfTopic(settings.timeout());
      job.stopAndSave(settings.timeout());
    } catch (Exception e) {
      job.cancel();
      throw e;
    }
    end(m, s);
    AppendToLineLatency.Result r =
        AppendToLineLatency.measure(bootstrap, config.kafkaClientProperties(), LATENCY_TOPIC, jdbc);
    s.put("target_rate", rate);
    s.put("records", fed);
    s.put("achieved_feed_rate", fed / feedSeconds);
    s.put("lines_measured", r.lines());
    s.put("lines_unmatched", r.unmatched());
    s.put("p50_ms", r.p50());
    s.put("p90_ms", r.p90());
    s.put("p99_ms", r.p99());
    s.put("p999_ms", r.p999());
    s.put("max_ms", r.max());
    s.put(
        "watermark_out_of_orderness",
        config.duration(CdrflowConfig.WATERMARK_OUT_OF_ORDERNESS).toString());
    s.put(
        "note",
        "the feed's event time runs far faster than the clock, so the watermark hold (the"
            + " out-of-orderness bound) is close to 0 here; a live feed adds it to every record,"
            + " so the target (bound + 5 s) is met when the measured p99 is within 5 s");
    say(
        "  fed %,d records at %,.0f/s; append -> invoice line: p50 %.0f ms, p99 %.0f ms, max %.0f"
            + " ms over %,d lines",
        fed, fed / feedSeconds, r.p50(), r.p99(), r.max(), r.lines());
    report.row(
        "Latency p50 at " + rate(rate), String.format(Locale.ROOT, "%,.0f ms", r.p50()), "", "");
    report.row(
        "Latency p99 at " + rate(rate) + " (+ watermark hold)",
        String.format(Locale.ROOT, "%,.0f ms", r.p99()),
        "<= 5 s + hold",
        verdict(r.p99() <= TARGET_PIPELINE_LATENCY_P99_MS));
  }

  private void anonymise(CdrflowConfig config, JdbcSettings jdbc) throws Exception {
    say("(5) Anonymisation of the lines produced");
    long paid;
    try (Connection c = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
        Statement s = c.createStatement()) {
      paid =
          s.executeUpdate(
              "update invoice i set status = 'PAID', paid_at = now() where exists (select 1 from"
                  + " invoice_line l where l.account_id = i.account_id and l.billing_period ="
                  + " i.billing_period)");
    }
    Clock clock = Clock.systemUTC();
    LocalDate asOf = AnonymisationCutoff.today(clock);
    Map<String, Object> s = report.section("anonymisation");
    Measured m = begin();
    AnonymisationReport r =
        new AnonymisationRun(
                jdbc, AnonymisationRun.Options.from(config), clock, msg -> say("  %s", msg))
            .run(asOf, false);
    end(m, s);
    double seconds = (double) s.get("seconds");
    long lines = r.counts().linesAnonymised();
    long rows = lines + r.counts().settlementAnonymised() + r.counts().rejectsPurged();
    s.put("invoices_marked_paid", paid);
    s.put("as_of", asOf.toString());
    s.put("cutoff", r.cutoff().toString());
    s.put("status", r.status());
    s.put("lines_anonymised", lines);
    s.put("settlement_rows_anonymised", r.counts().settlementAnonymised());
    s.put("reject_payloads_purged", r.counts().rejectsPurged());
    s.put("lines_per_second", lines / seconds);
    s.put("rows_per_second", rows / seconds);
    say(
        "  %s: %,d lines, %,d settlement rows, %,d reject payloads in %.1f s: %,.0f lines/s"
            + " (%,.0f rows/s all tables)",
        r.status(),
        lines,
        r.counts().settlementAnonymised(),
        r.counts().rejectsPurged(),
        seconds,
        lines / seconds,
        rows / seconds);
    // Rows anonymised in every table (lines, their settlement rows, purged rejects): each is a
    // row the run rewrote (docs/benchmarks.md, "What each phase measures").
    report.row(
        "Anonymisation (rows, all tables)",
        rate(rows / seconds) + " rows",
        ">= 200,000/s",
        verdict(rows / seconds >= TARGET_ANONYMISATION));
  }

  /**
   * With {@code --jfr}, a flight recording of one phase (re-rating, reconciliation): the end-to-end
   * profile does not show them. Null without {@code --jfr}.
   */
  private Recording startRecording(String phase) throws Exception {
    if (!settings.flightRecording()) {
      return null;
    }
    Recording recording = new Recording(Configuration.getConfiguration("profile"));
    recording.setName("cdrflow-bench-" + phase);
    recording.start();
    return recording;
  }

  /** Stops a recording of {@link #startRecording} and writes it as {@code PHASE.jfr} to --out. */
  private void stopRecording(Recording recording, String phase, Map<String, Object> section)
      throws java.io.IOException {
    if (recording == null) {
      return;
    }
    recording.stop();
    Path jfr = settings.out().resolve(phase + ".jfr");
    java.nio.file.Files.createDirectories(settings.out());
    recording.dump(jfr);
    recording.close();
    section.put("flight_recording", jfr.toString());
    say("  flight recording of this phase: %s", jfr);
  }

  /**
   * Shadow re-rating (docs/rerating.md) of the busiest usage period of the lines produced: the
   * whole bounded job, reading the lines, rating them again and writing the shadow rows.
   */
  private void rerate(CdrflowConfig config, JdbcSettings jdbc) throws Exception {
    String period;
    try (Connection c = jdbc.connect();
        Statement st = c.createStatement();
        java.sql.ResultSet r =
            st.executeQuery(
                "select usage_period from invoice_line group by usage_period"
                    + " order by count(*) desc limit 1")) {
      period = r.next() ? r.getString(1) : null;
    }
    if (period == null) {
      say("Re-rating skipped: no lines (measure END_TO_END first)");
      return;
    }
    say("(5a) Re-rating usage period %s", period);
    Map<String, Object> s = report.section("rerate");
    Recording recording = startRecording("rerate");
    Measured m = begin();
    org.cdrflow.rerating.RerateRun.Summary r;
    try {
      r =
          new org.cdrflow.rerating.RerateRun(jdbc, config.integer(CdrflowConfig.PARALLELISM))
              .run(java.time.YearMonth.parse(period), null, null);
    } finally {
      end(m, s);
      stopRecording(recording, "rerate", s);
    }
    double seconds = (double) s.get("seconds");
    double perSecond = r.linesSelected() / seconds;
    s.put("period", period);
    s.put("lines", r.linesSelected());
    s.put("lines_changed", r.linesChanged());
    s.put("lines_per_second", perSecond);
    say("  %,d lines rated again in %.1f s: %,.0f lines/s", r.linesSelected(), seconds, perSecond);
    report.row(
        "Re-rating (lines)",
        rate(perSecond) + " lines",
        ">= 100,000/s",
        verdict(perSecond >= TARGET_RERATE));
  }

  private void reconcile(JdbcSettings jdbc, Path work) throws Exception {
    int n = (int) Math.min(Integer.MAX_VALUE, settings.records());
    say("(7) Reconciliation: %,d partner calls against as many settled calls", n);
    Map<String, Object> s = report.section("reconcile");
    Recording recording = startRecording("reconcile");
    Measured m = begin();
    ReconcileThroughput.Result r;
    try (java.sql.Connection c = jdbc.connect()) {
      r = ReconcileThroughput.measure(c, n, work.resolve("reconcile"));
    } finally {
      end(m, s);
      stopRecording(recording, "reconcile", s);
    }
    s.put("partner_calls", r.partnerCalls());
    s.put("our_calls", r.ourCalls());
    s.put("read_seconds", r.readSeconds());
    s.put("match_seconds", r.matchSeconds());
    s.put("partner_calls_per_second", r.perSecond());
    s.put("matching_partner_calls_per_second", r.matchingPerSecond());
    s.put("matched", r.matched());
    s.put("matched_with_difference", r.different());
    s.put("ours_only", r.oursOnly());
    s.put("theirs_only", r.theirsOnly());
    s.put("step_seconds", r.stepSeconds());
    say(
        "  read %.1f s, matched and stored %.1f s: %,.0f partner calls/s (%,.0f/s matching alone)",
        r.readSeconds(), r.matchSeconds(), r.perSecond(), r.matchingPerSecond());
    StringBuilder steps = new StringBuilder();
    r.stepSeconds().forEach((k, v) -> steps.append(String.format(", %s %.2f s", k, v)));
    say("  steps: %s", steps.length() == 0 ? "none" : steps.substring(2));
    report.row(
        "Reconciliation (partner calls)",
        rate(r.perSecond()) + " calls",
        ">= 200,000/s",
        verdict(r.perSecond() >= TARGET_RECONCILE));
  }

  /**
   * What abnormal-usage detection adds (docs/benchmarks.md, "Fraud detection"): the pipeline on
   * RocksDB, as the ROCKSDB phase runs it, with the detection stage and without it ({@code
   * fraud.detection.enabled}); the difference in this JVM's CPU per 1,000 records, and the
   * detection operator's state in the checkpoint after the whole feed, per active subscription.
   */
  private void fraud(CdrflowConfig config, JdbcSettings jdbc, Path work) throws Exception {
    say("(9) Fraud detection: the pipeline with and without it (RocksDB state backend)");
    Path localDir = work.resolve("rocksdb");
    Map<String, String> flink = new LinkedHashMap<>();
    flink.put("state.backend.type", "rocksdb");
    flink.put("execution.checkpointing.incremental", "true");
    flink.put("state.backend.rocksdb.use-bloom-filter", "true");
    flink.put("state.backend.rocksdb.localdir", localDir.toString());
    Map<String, Object> s = report.section("fraud");
    // Without, with, without again: the first pipeline of this JVM also pays for compiling the
    // job's code (the JIT; 76.6 s of JVM CPU against 35.5 s for the same run third in
    // docs/benchmarks.md, "Fraud detection, third round"), so it only warms the JVM up, and the
    // run with detection is compared with the run without it that follows.
    double[] jvm = new double[3];
    long[] footprint = new long[3];
    long[] detectionState = {-1};
    double[] threadSeconds = {0};
    for (int run = 0; run < 3; run++) {
      boolean on = run == 1;
      Path stateDir = work.resolve(on ? "state-fraud-on" : "state-fraud-off");
      Map<String, Object> section = new LinkedHashMap<>();
      int r = run;
      try (FraudCost.TaskThreads threads = new FraudCost.TaskThreads()) {
        Runnable sizeState =
            () -> {
              try {
                Path root = stateDir.resolve("checkpoints");
                long seen =
                    Directories.latestCheckpoint(root).map(Directories.Checkpoint::id).orElse(0L);
                long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                Optional<Directories.Checkpoint> chk = Directories.latestCheckpoint(root);
                while ((chk.isEmpty() || chk.get().id() <= seen) && System.nanoTime() < deadline) {
                  Thread.sleep(100);
                  chk = Directories.latestCheckpoint(root);
                }
                if (chk.isPresent()) {
                  footprint[r] = Directories.size(chk.get().dir().getParent(), "");
                  if (on) {
                    detectionState[0] =
                        FraudCost.operatorStateBytes(chk.get().dir(), FraudCost.OPERATOR_UID)
                            .orElse(-1);
                  }
                }
                if (on) {
                  threadSeconds[0] = threads.stop();
                }
              } catch (Exception e) {
                say("  could not size the checkpoint: %s", e.getMessage());
              }
            };
        pipeline(
            config.with(Map.of(CdrflowConfig.FRAUD_DETECTION_ENABLED, Boolean.toString(on))),
            on ? "bench-fraud-on" : "bench-fraud-off-" + run,
            stateDir,
            flink,
            section,
            jdbc,
            sizeState);
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> cpuSeconds = (Map<String, Object>) section.get("cpu_seconds");
      jvm[run] = (double) cpuSeconds.get("jvm_flink_and_clients");
      s.put(
          on ? "with_detection" : run == 0 ? "without_detection" : "without_detection_again",
          section);
      Directories.delete(stateDir);
    }
    long active;
    try (Connection c = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
        Statement st = c.createStatement();
        ResultSet r = st.executeQuery("select count(distinct subscription_id) from invoice_line")) {
      r.next();
      active = r.getLong(1);
    }
    double records = settings.records();
    // The headline figure: the detection function alone, on the lines the runs rated (see
    // FraudCost.detectionNanosPerLine): the whole-pipeline difference below also holds whatever
    // the longer run's fixed costs and the other processes on the machine added.
    List<InvoiceLine> lines;
    try (Connection c = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password())) {
      lines = FraudCost.ratedLines(c);
    }
    say(
        "  detection alone: %,d rated lines through the detection function, then an idle one",
        lines.size());
    ReferenceDataProvider reference =
        ReferenceDataProvider.live(jdbc, config.duration(CdrflowConfig.REFERENCE_REFRESH));
    Map<String, String> isolatedRocks = new LinkedHashMap<>(flink);
    isolatedRocks.put("state.backend.type", "rocksdb");
    // At the job's parallelism, so that a subtask holds as many subscriptions as in the job.
    int parallelism = config.integer(CdrflowConfig.PARALLELISM);
    int cached = config.integer(CdrflowConfig.FRAUD_CACHED_SUBSCRIPTIONS);
    // As many lines per checkpoint as the run with detection had: each checkpoint writes the
    // subscriptions changed since the last back to RocksDB.
    @SuppressWarnings("unchecked")
    double ratingSeconds =
        (double) ((Map<String, Object>) s.get("with_detection")).get("seconds_to_all_received");
    long linesPerCheckpoint =
        Math.max(
            1,
            Math.round(
                lines.size()
                    * config.duration(CdrflowConfig.CHECKPOINT_INTERVAL).toMillis()
                    / 1e3
                    / ratingSeconds));
    FraudCost.Runs runs = new FraudCost.Runs(parallelism, cached, linesPerCheckpoint, 3);
    String loadBefore = BenchReport.loadAverage();
    FraudCost.PerLine rocks =
        FraudCost.detectionNanosPerLine(lines, reference, isolatedRocks, runs);
    FraudCost.PerLine heap =
        FraudCost.detectionNanosPerLine(
            lines, reference, Map.of("state.backend.type", "hashmap"), runs);
    String loadAfter = BenchReport.loadAverage();
    double linesPerRecord = lines.size() / records;
    double aloneMs = rocks.jvmAdded() * linesPerRecord / 1e3;
    double aloneHeapMs = heap.jvmAdded() * linesPerRecord / 1e3;
    double aloneTaskMs = rocks.taskAdded() * linesPerRecord / 1e3;
    double aloneHeapTaskMs = heap.taskAdded() * linesPerRecord / 1e3;
    Map<String, Object> alone = new LinkedHashMap<>();
    alone.put("lines", lines.size());
    alone.put("parallelism", parallelism);
    alone.put("cached_subscriptions", cached);
    alone.put("lines_per_checkpoint", linesPerCheckpoint);
    alone.put("rocksdb_checkpoint_interval_ms", rocks.checkpointMs());
    alone.put("heap_checkpoint_interval_ms", heap.checkpointMs());
    alone.put("load_average_before", loadBefore);
    alone.put("load_average_after", loadAfter);
    alone.put("rocksdb_jvm_cpu_ns_per_line_with_detection", rocks.jvmWith());
    alone.put("rocksdb_jvm_cpu_ns_per_line_idle", rocks.jvmIdle());
    alone.put("rocksdb_task_cpu_ns_per_line_with_detection", rocks.taskWith());
    alone.put("rocksdb_task_cpu_ns_per_line_idle", rocks.taskIdle());
    alone.put("heap_jvm_cpu_ns_per_line_with_detection", heap.jvmWith());
    alone.put("heap_jvm_cpu_ns_per_line_idle", heap.jvmIdle());
    alone.put("heap_task_cpu_ns_per_line_with_detection", heap.taskWith());
    alone.put("heap_task_cpu_ns_per_line_idle", heap.taskIdle());
    alone.put("rocksdb_added_cpu_ms_per_1000_records", aloneMs);
    alone.put("heap_added_cpu_ms_per_1000_records", aloneHeapMs);
    alone.put("rocksdb_added_task_cpu_ms_per_1000_records", aloneTaskMs);
    alone.put("heap_added_task_cpu_ms_per_1000_records", aloneHeapTaskMs);
    s.put("detection_alone", alone);
    say(
        "  detection alone, JVM CPU: RocksDB %.0f ns a line with, %.0f without -> %.2f ms per 1,000"
            + " records; heap %.0f / %.0f -> %.2f ms",
        rocks.jvmWith(), rocks.jvmIdle(), aloneMs, heap.jvmWith(), heap.jvmIdle(), aloneHeapMs);
    say(
        "  detection alone, keyed task threads: RocksDB %.0f / %.0f ns -> %.2f ms; heap %.0f / %.0f"
            + " ns -> %.2f ms",
        rocks.taskWith(),
        rocks.taskIdle(),
        aloneTaskMs,
        heap.taskWith(),
        heap.taskIdle(),
        aloneHeapTaskMs);
    double addedMs = (jvm[1] - jvm[2]) * 1e6 / records;
    double threadMs = threadSeconds[0] * 1e6 / records;
    double perSub =
        active == 0 || detectionState[0] < 0 ? Double.NaN : detectionState[0] / (double) active;
    s.put("flink_settings", flink);
    s.put("added_jvm_cpu_ms_per_1000_records", addedMs);
    s.put("detection_task_threads_cpu_ms_per_1000_records", threadMs);
    s.put("detection_state_bytes", detectionState[0]);
    s.put("active_subscriptions", active);
    s.put("detection_state_bytes_per_active_subscription", perSub);
    s.put("checkpoint_bytes_with_detection", footprint[1]);
    s.put("checkpoint_bytes_without_detection", footprint[0]);
    s.put("checkpoint_bytes_without_detection_again", footprint[2]);
    s.put(
        "checkpoint_bytes_difference_per_active_subscription",
        active == 0 ? Double.NaN : (footprint[1] - footprint[2]) / (double) active);
    say(
        "  JVM CPU %.1f s with, %.1f and %.1f s without: %+.2f ms per 1,000 records (the rate"
            + " chain's threads %.2f ms); detection state %,d bytes, %,d active subscriptions ->"
            + " %,.0f bytes each",
        jvm[1], jvm[0], jvm[2], addedMs, threadMs, detectionState[0], active, perSub);
    report.row(
        "Fraud detection: added JVM CPU per 1,000 records (detection alone, RocksDB)",
        String.format(Locale.ROOT, "%.2f ms", aloneMs),
        "<= 3 ms",
        verdict(aloneMs <= TARGET_FRAUD_CPU_MS_PER_1000));
    report.row(
        "Fraud detection: added JVM CPU per 1,000 records (detection alone, heap)",
        String.format(Locale.ROOT, "%.2f ms", aloneHeapMs),
        "",
        "");
    report.row(
        "Fraud detection: of which the keyed task threads (RocksDB / heap)",
        String.format(Locale.ROOT, "%.2f / %.2f ms", aloneTaskMs, aloneHeapTaskMs),
        "",
        "");
    report.row(
        "Fraud detection: JVM CPU of the pipeline run with it − the run without after it, per"
            + " 1,000 records",
        String.format(Locale.ROOT, "%.2f ms", addedMs),
        "",
        "");
    report.row(
        "Fraud detection: state per active subscription",
        String.format(Locale.ROOT, "%,.0f B", perSub),
        "<= 300 B",
        verdict(perSub <= TARGET_FRAUD_STATE_BYTES_PER_SUBSCRIPTION));
  }

  /** Decoding of TS 32.298 BER files on one core (docs/benchmarks.md, "Collection"). */
  private void collect(Path work) throws Exception {
    // The collector decodes file by file; half a million records keep the phase short at the
    // default size and are enough for a steady rate.
    long n = Math.min(settings.records(), 500_000);
    say("(8) Collection: %,d records as BER files, decoded on one core", n);
    Map<String, Object> s = report.section("collect");
    String load = BenchReport.loadAverage();
    CollectThroughput.Result r =
        CollectThroughput.measure(
            new GeneratorSettings(
                n,
                (int) Math.min(settings.subscribers(), Math.max(1, n / 20)),
                settings.seed(),
                settings.start(),
                GeneratorSettings.DEFAULT_DAYS,
                settings.config().require(CdrflowConfig.HOME_OPERATOR_ID)),
            work.resolve("collect"));
    s.put("files", r.files());
    s.put("bytes", r.bytes());
    s.put("records_decoded", r.records());
    s.put("records_rejected", r.rejected());
    s.put("passes", CollectThroughput.PASSES);
    s.put("cpu_seconds_per_pass", r.cpuSeconds());
    s.put("wall_seconds_per_pass", r.wallSeconds());
    s.put("generate_seconds", r.generateSeconds());
    s.put("records_per_cpu_second", r.recordsPerCpuSecond());
    s.put("load_average_before", load);
    s.put("load_average_after", BenchReport.loadAverage());
    say(
        "  %,d files, %,d bytes, %,d records (%,d rejected): %.2f CPU s a pass -> %,.0f records"
            + " per CPU-second",
        r.files(), r.bytes(), r.records(), r.rejected(), r.cpuSeconds(), r.recordsPerCpuSecond());
    report.row(
        "BER decoding (records per CPU-second)",
        rate(r.recordsPerCpuSecond()),
        ">= 300,000/s",
        verdict(r.recordsPerCpuSecond() >= TARGET_COLLECT_PER_CORE));
  }

  private void ratios(Double consume, Double endToEnd, Double ingest) {
    Map<String, Object> s = report.section("ratios");
    if (endToEnd != null) {
      Map<String, Object> e2e = report.section("end_to_end");
      long rows = 0;
      Object w = e2e.get("rows_written");
      if (w instanceof Map<?, ?> m) {
        rows = ((Number) m.get("total")).longValue();
      }
      double seconds = (double) e2e.get("seconds");
      double rowsPerSecond = rows / seconds;
      s.put("end_to_end_output_rows_per_second", rowsPerSecond);
      report.row(
          "End to end (raw CDR/s)",
          rate(endToEnd),
          ">= 100,000/s",
          verdict(endToEnd >= TARGET_END_TO_END));
      if (consume != null) {
        s.put("end_to_end_over_consume_ceiling", endToEnd / consume);
        report.row(
            "  / consume ceiling", String.format(Locale.ROOT, "%.2f", endToEnd / consume), "", "");
      }
      if (ingest != null) {
        double ratio = rowsPerSecond / ingest;
        s.put("end_to_end_over_ingest_ceiling", ratio);
        report.row(
            "  output rows/s / ingest ceiling",
            String.format(Locale.ROOT, "%.2f", ratio),
            ">= 0.70",
            verdict(ratio >= TARGET_INGEST_RATIO));
      }
    }
  }

  // ---- helpers

  /**
   * Empties the output tables before a run, and the anonymisation runs: a cutoff left by the
   * anonymisation phase would reject the feed as too old.
   */
  private void truncateOutputs(JdbcSettings jdbc) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
        Statement s = c.createStatement()) {
      s.execute(
          "truncate invoice_line, settlement_call, settlement_daily, rejected_cdr,"
              + " mediation_audit, anonymisation_run");
    }
  }

  /** The first {@code lines} lines of a JSON-lines feed (one record, or one broken line, each). */
  private static void copyHead(Path feed, Path head, long lines) throws java.io.IOException {
    try (java.io.BufferedReader in = java.nio.file.Files.newBufferedReader(feed);
        java.io.BufferedWriter outFile = java.nio.file.Files.newBufferedWriter(head)) {
      String line;
      for (long n = 0; n < lines && (line = in.readLine()) != null; n++) {
        outFile.write(line);
        outFile.write('\n');
      }
    }
  }

  private static long count(Statement s, String table) throws Exception {
    try (ResultSet r = s.executeQuery("select count(*) from " + table)) {
      r.next();
      return r.getLong(1);
    }
  }

  private record Measured(ProcessCpu.Sample cpu, String load) {}

  private Measured begin() {
    return new Measured(cpu.sample(), BenchReport.loadAverage());
  }

  /** Wall time, CPU per process and load of a phase, into its section. */
  private void end(Measured m, Map<String, Object> section) {
    ProcessCpu.Usage u = cpu.sample().since(m.cpu);
    section.put("seconds", u.wallSeconds());
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("jvm_flink_and_clients", u.jvm());
    c.put("kafka_broker", u.kafka());
    c.put("postgresql", u.postgres());
    c.put("others_on_the_machine", u.others());
    c.put("machine_busy", u.machine());
    section.put("cpu_seconds", c);
    section.put("cores_busy_ours", u.cores(u.jvm() + u.kafka() + u.postgres()));
    section.put("cores_busy_others", u.cores(u.others()));
    section.put("load_average_before", m.load());
    section.put("load_average_after", BenchReport.loadAverage());
  }

  private static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f/s", perSecond);
  }

  private static String verdict(boolean met) {
    return met ? "yes" : "NO";
  }

  private void say(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
