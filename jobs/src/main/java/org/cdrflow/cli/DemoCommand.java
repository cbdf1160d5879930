package org.cdrflow.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.kafka.FeedProducer;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratorSettings;
import org.cdrflow.jobs.DrainAudit;
import org.cdrflow.jobs.LocalStreamingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The guided tour: the embedded stack, sample reference data, a synthetic signalling feed streamed
 * into the running job with a progress bar, then what billing and finance would pull, the rejects,
 * the audit and an anonymisation dry run.
 */
@Command(
    name = "demo",
    description =
        "Starts the embedded stack, streams a synthetic feed through the streaming job and shows"
            + " what billing and finance would pull.")
public class DemoCommand implements Callable<Integer> {
  /** Where the demo keeps its feed and stack unless {@code --workdir} says otherwise. */
  static final String DEFAULT_WORKDIR = "cdrflow-demo";

  private static final String RUNNING_STACK = "running-stack.properties";

  /** Written when a demo ran to its end; a demo folder without it was interrupted. */
  private static final String FINISHED = "demo-finished";

  /** What a demo folder holds; a folder that holds anything else is not the demo's to clear. */
  private static final Set<String> DEMO_ENTRIES =
      Set.of("feed", StackFolder.DEMO_STACK, DemoNextCommands.OUT, RUNNING_STACK, FINISHED);

  @Option(
      names = "--workdir",
      paramLabel = "DIR",
      description =
          "where the demo keeps its feed and stack (default ./${DEFAULT-VALUE}); a previous"
              + " demo's data there is removed first")
  Path workDir = Path.of(DEFAULT_WORKDIR);

  @Option(
      names = "--records",
      paramLabel = "N",
      description = "records in the feed (default ${DEFAULT-VALUE})")
  long records = 20_000;

  @Option(
      names = "--subscribers",
      paramLabel = "M",
      description = "subscribers (default ${DEFAULT-VALUE})")
  int subscribers = 300;

  @Option(
      names = "--rate",
      paramLabel = "PER_SECOND",
      description = "records a second streamed into the job (default ${DEFAULT-VALUE})")
  long rate = 2_500;

  @Option(
      names = "--start",
      paramLabel = "YYYY-MM-DD",
      description =
          "first day of the feed (default: the 1st of the current month, Europe/Oslo, so that"
              + " the lines lie in the open billing period)")
  LocalDate start;

  @Option(
      names = "--days",
      paramLabel = "D",
      description = "days of the feed (default: the whole days of this month before today)")
  Integer days;

  @Option(names = "--keep", description = "leave the stack running and print how to connect")
  boolean keep;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Java properties (README, Configuration); without Kafka/JDBC keys the embedded stack")
  Path configFile;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    GeneratorSettings settings = checkedSettings();
    boolean continuing = startClean();
    Path feedDir = workDir.resolve("feed");
    Path feed = feedDir.resolve("feed.jsonl");
    Path reference = feedDir.resolve("reference");
    Path stackDir = workDir.resolve(StackFolder.DEMO_STACK);
    try (CreatedFolders created = CreatedFolders.track(workDir, feedDir, stackDir)) {
      Files.createDirectories(feedDir);
      out.println(
          "== Generating a synthetic feed: "
              + records
              + " records, "
              + subscribers
              + " subscribers, "
              + settings.start()
              + " to "
              + settings.start().plusDays(settings.days() - 1L));
      if (continuing) {
        // The interrupted demo's feed is sent on from where it stopped, never a new one.
        out.println("   (the interrupted demo's feed, kept in " + feedDir + ")");
      } else {
        out.println("   " + FeedGenerator.write(settings, feed, reference).summaryLine());
      }

      CdrflowConfig base =
          configFile == null ? CdrflowConfig.defaults() : ConfigFiles.load(configFile);
      base = base.with(java.util.Map.of(CdrflowConfig.TOPIC_RAW_PARTITIONS, "2"));
      // Killed or stopped at any point, the demo run again on the same folder carries on (see
      // startClean): the job resumes from its newest checkpoint or savepoint and only the rest of
      // the feed is sent (docs/operations.md, "After a crash or a stop").
      try (StopSignals signals = StopSignals.install(out);
          RuntimeStack stack = RuntimeStack.open(base, stackDir)) {
        CdrflowConfig config = stack.config();
        CdrflowConfig.JdbcSettings jdbc = config.jdbc();
        new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(reference);
        out.println("   reference data loaded from " + reference);

        out.println("== Starting the streaming job on a local Flink MiniCluster");
        LocalStreamingRun job = new LocalStreamingRun(config, stackDir.resolve("job-state"));
        job.start();
        signals.watch(job);
        try (FeedProducer producer = FeedProducer.toRawTopic(config)) {
          producer.sendRest(feed, stackDir.resolve("feeds"), n -> progress(n, records), rate);
        }
        out.println();
        out.println("== Waiting for the job to rate everything, then draining it");
        try (PhaseProgress.Processing progress = PhaseProgress.Processing.start(config, out)) {
          job.awaitEndOfTopic(Duration.ofMinutes(10));
        }
        job.stopAndSave(Duration.ofMinutes(5));
        signals.watch(null);
        DrainAudit.verify(config);

        DemoNextCommands next;
        try (Connection c = jdbc.connect()) {
          summary(c);
          next = DemoNextCommands.find(c, workDir, stackDir);
        }
        Path running = running(config);
        try {
          out.println("== Anonymisation dry run as of today (nothing is changed)");
          Cdrflow.run("anonymise", "--dry-run", "--config", running.toString());
          out.println(
              "   (the demo's lines are this month's: anonymisation takes lines older than five"
                  + " months whose invoice is paid, docs/anonymisation.md)");
          created.keep();
          Files.writeString(workDir.resolve(FINISHED), "");
          if (keep) {
            keepRunning(config, jdbc, next, running);
          }
        } finally {
          Files.deleteIfExists(running);
        }
        if (!keep) {
          next.print(out);
        }
      }
      return 0;
    }
  }

  /** Options checked before anything is written or started. */
  private GeneratorSettings checkedSettings() throws java.io.IOException {
    if (configFile != null) {
      ConfigFiles.load(configFile);
    }
    if (records < 1) {
      throw new UsageError("--records " + records + ": give at least 1");
    }
    if (subscribers < 1) {
      throw new UsageError("--subscribers " + subscribers + ": give at least 1");
    }
    LocalDate today = LocalDate.now(GeneratorSettings.OSLO);
    DemoFeedWindow window = DemoFeedWindow.endingBefore(today);
    LocalDate first = start != null ? start : window.start();
    int n = days != null ? days : start != null ? GeneratorSettings.DEFAULT_DAYS : window.days();
    try {
      return new GeneratorSettings(
          records, subscribers, 42L, first, n, GeneratorSettings.DEFAULT_HOME_OPERATOR);
    } catch (IllegalArgumentException e) {
      throw new UsageError(e.getMessage());
    }
  }

  /**
   * A demo always starts from nothing: a previous demo's feed and stack in the folder are removed
   * first (and said so), so that its audit adds up on its own. A folder holding anything else is
   * not the demo's to clear, and one whose stack runs (a demo with {@code --keep}) is left alone.
   */
  private boolean startClean() throws java.io.IOException {
    if (StackFolder.isNewOrEmpty(workDir)) {
      return false;
    }
    if (!Files.isDirectory(workDir)) {
      throw new UsageError("--workdir " + workDir + ": is a file; expected a folder");
    }
    List<String> foreign = new ArrayList<>();
    try (var entries = Files.list(workDir)) {
      entries
          .map(p -> p.getFileName().toString())
          .filter(n -> !DEMO_ENTRIES.contains(n))
          .forEach(foreign::add);
    }
    if (!foreign.isEmpty()) {
      throw new UsageError(
          "--workdir "
              + workDir
              + ": holds files that are not a demo's ("
              + String.join(", ", foreign.subList(0, Math.min(3, foreign.size())))
              + "); name a new folder");
    }
    if (Files.exists(workDir.resolve(RUNNING_STACK))) {
      throw new UsageError(
          "--workdir "
              + workDir
              + ": a demo started with --keep runs there (or was killed; then remove "
              + workDir.resolve(RUNNING_STACK)
              + "); stop it with Ctrl-C first");
    }
    if (wasInterrupted()) {
      out.println(
          "== Continuing the demo that was interrupted in "
              + workDir
              + " (it resumes where it stopped; a finished demo is started anew)");
      return true;
    }
    out.println("== Removing the previous demo's data in " + workDir + " (each demo starts clean)");
    CreatedFolders.delete(workDir.resolve("feed"));
    CreatedFolders.delete(workDir.resolve(StackFolder.DEMO_STACK));
    CreatedFolders.delete(workDir.resolve(DemoNextCommands.OUT));
    Files.deleteIfExists(workDir.resolve(FINISHED));
    return false;
  }

  /**
   * A demo killed or stopped after it began to feed (its feed ledger exists) but before its end is
   * carried on, as every command resumes after a crash (docs/operations.md, "After a crash or a
   * stop"); one that finished, or stopped before it fed anything, is started anew.
   */
  private boolean wasInterrupted() {
    return !Files.exists(workDir.resolve(FINISHED))
        && Files.isDirectory(workDir.resolve(StackFolder.DEMO_STACK).resolve("feeds"))
        && Files.isRegularFile(workDir.resolve("feed").resolve("feed.jsonl"))
        && Files.isDirectory(workDir.resolve("feed").resolve("reference"));
  }

  private void keepRunning(
      CdrflowConfig config, CdrflowConfig.JdbcSettings jdbc, DemoNextCommands next, Path running)
      throws InterruptedException {
    out.println();
    out.println("The stack keeps running. Connect with:");
    out.println("  psql '" + jdbc.url().replace("jdbc:", "") + "' -U " + jdbc.user());
    out.println("  JDBC URL: " + jdbc.url() + " (user " + jdbc.user() + ")");
    out.println("  Kafka: " + config.require(CdrflowConfig.KAFKA_BOOTSTRAP));
    next.printWhileRunning(out, running);
    out.println("Press Ctrl-C to stop.");
    CountDownLatch forever = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Files.deleteIfExists(running);
                  } catch (java.io.IOException e) {
                    // The next demo says how to remove it.
                  }
                  forever.countDown();
                }));
    forever.await();
  }

  /**
   * A configuration file naming the running stack, so other commands use it instead of starting
   * one; removed when the stack stops.
   */
  private Path running(CdrflowConfig config) throws java.io.IOException {
    Path file = workDir.resolve(RUNNING_STACK);
    StringBuilder sb = new StringBuilder();
    for (String key :
        java.util.List.of(
            CdrflowConfig.KAFKA_BOOTSTRAP, CdrflowConfig.JDBC_URL, CdrflowConfig.JDBC_USER)) {
      sb.append(key).append('=').append(config.get(key)).append('\n');
    }
    Files.writeString(file, sb.toString());
    return file;
  }

  private void progress(long n, long total) {
    int width = 40;
    int done = (int) Math.min(width, n * width / Math.max(1, total));
    out.print(
        "\r   ["
            + "#".repeat(done)
            + " ".repeat(width - done)
            + "] "
            + n
            + "/"
            + total
            + " records");
    out.flush();
  }

  private void summary(Connection c) throws Exception {
    String[] subscriber =
        first(
            c,
            "select subscription_id, account_id from invoice_line where amount > 0"
                + " group by subscription_id, account_id order by count(*) desc, subscription_id"
                + " limit 1");
    if (subscriber != null) {
      out.println(
          "== What billing pulls: the itemised lines of subscription "
              + subscriber[0]
              + " (account "
              + subscriber[1]
              + "), first 12");
      table(
          c,
          "select to_char(event_start at time zone 'Europe/Oslo', 'YYYY-MM-DD HH24:MI') as"
              + " local_time, service, direction, counterpart_number, roaming_country,"
              + " rating_zone, billed_units, allowance_units, chargeable_units, amount,"
              + " billing_period, array_to_string(flags, '|') as flags from invoice_line where"
              + " subscription_id = '"
              + subscriber[0].replace("'", "''")
              + "' order by event_start limit 12");
    }
    out.println("== Totals per account and billing period (top 8)");
    table(
        c,
        "select account_id, billing_period, count(*) as lines, sum(amount) as amount_nok"
            + " from invoice_line group by account_id, billing_period"
            + " order by sum(amount) desc limit 8");
    out.println(
        "== What finance pulls: settlement per partner, direction and product (amounts to"
            + " øre; settlement-report's CSV has the exact figures)");
    table(
        c,
        "select partner_id, direction, product, sum(events) as events,"
            + " round(sum(seconds) / 60.0, 1) as minutes, round(sum(amount), 2) as amount,"
            + " currency from settlement_daily group by partner_id, direction, product, currency"
            + " order by partner_id, direction, product");
    out.println("== Rejected records by reason");
    table(
        c, "select reason, count(*) as records from rejected_cdr group by reason order by 2 desc");
    out.println("== Audit: received = rated + rejected + duplicates + unanswered + pending");
    table(
        c,
        "select sum(received) as received, sum(rated) as rated, sum(rejected) as rejected,"
            + " sum(duplicates) as duplicates, sum(unanswered) as unanswered,"
            + " sum(pending_partials) as pending, sum(received) - sum(rated) - sum(rejected)"
            + " - sum(duplicates) - sum(unanswered) - sum(pending_partials) as unaccounted"
            + " from mediation_audit");
  }

  /** The first row of a query as strings, or null when it has none. */
  static String[] first(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      if (!r.next()) {
        return null;
      }
      String[] row = new String[r.getMetaData().getColumnCount()];
      for (int i = 0; i < row.length; i++) {
        row[i] = r.getString(i + 1);
      }
      return row;
    }
  }

  private void table(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      ResultSetMetaData md = r.getMetaData();
      int n = md.getColumnCount();
      List<String[]> rows = new ArrayList<>();
      String[] header = new String[n];
      for (int i = 0; i < n; i++) {
        header[i] = md.getColumnLabel(i + 1);
      }
      rows.add(header);
      while (r.next()) {
        String[] row = new String[n];
        for (int i = 0; i < n; i++) {
          String v = r.getString(i + 1);
          row[i] = v == null ? "" : v;
        }
        rows.add(row);
      }
      int[] w = new int[n];
      for (String[] row : rows) {
        for (int i = 0; i < n; i++) {
          w[i] = Math.max(w[i], row[i].length());
        }
      }
      for (String[] row : rows) {
        StringBuilder sb = new StringBuilder("   ");
        for (int i = 0; i < n; i++) {
          sb.append(String.format("%-" + w[i] + "s  ", row[i]));
        }
        out.println(sb.toString().stripTrailing());
      }
      out.println();
    }
  }
}
