package org.cdrflow.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
  @Option(
      names = "--workdir",
      paramLabel = "DIR",
      description = "where the demo keeps its data (default ./cdrflow-demo)")
  Path workDir = Path.of("cdrflow-demo");

  @Option(
      names = "--records",
      paramLabel = "N",
      description = "records in the feed (default 20000)")
  long records = 20_000;

  @Option(names = "--subscribers", paramLabel = "M", description = "subscribers (default 300)")
  int subscribers = 300;

  @Option(
      names = "--rate",
      paramLabel = "PER_SECOND",
      description = "records a second streamed into the job (default 2500)")
  long rate = 2_500;

  @Option(names = "--keep", description = "leave the stack running and print how to connect")
  boolean keep;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Java properties (README, Configuration); without Kafka/JDBC keys the embedded stack")
  Path configFile;

  /**
   * The demo's month: more than five months back, so that today's anonymisation dry run has paid
   * months to count.
   */
  static final java.time.LocalDate DEMO_START = java.time.LocalDate.of(2026, 5, 1);

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Path feedDir = workDir.resolve("feed");
    Path feed = feedDir.resolve("feed.jsonl");
    Path reference = feedDir.resolve("reference");
    Files.createDirectories(feedDir);
    out.println(
        "== Generating a synthetic feed: " + records + " records, " + subscribers + " subscribers");
    out.println(
        "   "
            + FeedGenerator.write(
                    new GeneratorSettings(
                        records,
                        subscribers,
                        42L,
                        DEMO_START,
                        GeneratorSettings.DEFAULT_DAYS,
                        GeneratorSettings.DEFAULT_HOME_OPERATOR),
                    feed,
                    reference)
                .summaryLine());

    out.println("== Starting the embedded stack (Kafka in KRaft mode, PostgreSQL) in " + workDir);
    CdrflowConfig base =
        CdrflowConfig.of(java.util.Map.of(CdrflowConfig.TOPIC_RAW_PARTITIONS, "2"));
    try (RuntimeStack stack = RuntimeStack.open(base, workDir.resolve("stack"))) {
      CdrflowConfig config = stack.config();
      CdrflowConfig.JdbcSettings jdbc = config.jdbc();
      new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(reference);
      out.println("   reference data loaded from " + reference);

      out.println("== Starting the streaming job on a local Flink MiniCluster");
      LocalStreamingRun job = new LocalStreamingRun(config, workDir.resolve("stack/job-state"));
      job.start();
      try (FeedProducer producer = FeedProducer.toRawTopic(config)) {
        producer.send(feed, n -> progress(n, records), rate);
      }
      out.println();
      out.println("== Waiting for the job to rate everything, then draining it");
      job.awaitEndOfTopic(Duration.ofMinutes(10));
      job.stopAndSave(Duration.ofMinutes(5));
      DrainAudit.verify(config);

      try (Connection c = jdbc.connect()) {
        summary(c);
      }
      out.println("== Anonymisation dry run as of today (nothing is changed)");
      Cdrflow.run("anonymise", "--dry-run", "--config", running(config).toString());
      if (keep) {
        out.println();
        out.println("The stack keeps running. Connect with:");
        out.println("  psql '" + jdbc.url().replace("jdbc:", "") + "' -U " + jdbc.user());
        out.println("  JDBC URL: " + jdbc.url() + " (user " + jdbc.user() + ")");
        out.println("  Kafka: " + config.require(CdrflowConfig.KAFKA_BOOTSTRAP));
        out.println("Press Ctrl-C to stop.");
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(forever::countDown));
        forever.await();
      }
      return 0;
    }
  }

  /**
   * A configuration file naming the running stack, so other commands use it instead of starting
   * one.
   */
  private Path running(CdrflowConfig config) throws java.io.IOException {
    Path file = workDir.resolve("running-stack.properties");
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
    out.println("== What billing pulls: itemised lines of one subscriber");
    table(
        c,
        "select to_char(event_start at time zone 'Europe/Oslo', 'YYYY-MM-DD HH24:MI') as local_time,"
            + " service, direction, counterpart_number, roaming_country, rating_zone, billed_units,"
            + " allowance_units, chargeable_units, amount, array_to_string(flags, '|') as flags"
            + " from invoice_line where subscription_id = (select subscription_id from invoice_line"
            + " where amount > 0 group by subscription_id order by count(*) desc limit 1)"
            + " order by event_start limit 12");
    out.println("== Totals per account and billing period (top 8)");
    table(
        c,
        "select account_id, billing_period, count(*) as lines, sum(amount) as amount_nok"
            + " from invoice_line group by account_id, billing_period"
            + " order by sum(amount) desc limit 8");
    out.println("== What finance pulls: settlement per partner, direction and product");
    table(
        c,
        "select partner_id, direction, product, sum(events) as events,"
            + " round(sum(seconds) / 60.0, 1) as minutes, sum(amount) as amount, currency"
            + " from settlement_daily group by partner_id, direction, product, currency"
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
