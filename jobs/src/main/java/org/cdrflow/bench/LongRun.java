package org.cdrflow.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cdrflow.anonymisation.AnonymisationCutoff;
import org.cdrflow.anonymisation.AnonymisationReport;
import org.cdrflow.anonymisation.AnonymisationRun;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.kafka.FeedProducer;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratedFeedSummary;
import org.cdrflow.generate.GeneratorSettings;
import org.cdrflow.jobs.LocalStreamingRun;

/**
 * The bench's long run ({@code cdrflow bench --profile long-run}, docs/benchmarks.md, "Long run:
 * state over twelve months"): twelve monthly feeds with subscriber churn through one streaming job
 * that keeps running, as an operator's job sees months go by, with each month's invoices paid and
 * an anonymisation run after it (as of the first of the next month, so the cutoff moves a month at
 * a time), and the job's keyed state measured at the end of every month against that month's active
 * subscriptions.
 *
 * <p><b>A compressed clock.</b> A month of traffic is fed in {@link #FEED_SECONDS_PER_MONTH}
 * seconds, at an even pace, without pauses between months. What the job does by processing time
 * (the duplicates' time-to-live, the end checks of keyed state) is scaled by the same factor, so
 * that it covers as much of the feed as in production: the dedup window of 7 days becomes about 7
 * seconds, the daily end check about a second.
 */
public final class LongRun {
  public static final int MONTHS = 12;

  /** Wall time to feed one month of traffic: the clock's compression. */
  static final double FEED_SECONDS_PER_MONTH = 30;

  public static final int DEFAULT_SUBSCRIBERS = 5_000;

  /** A few records per subscription and day; with the default size about 3.6 million in all. */
  static final double RECORDS_PER_SUBSCRIPTION_AND_DAY = 2;

  /** Twelve months that end before today, so that every anonymisation run lies in the past. */
  public static final LocalDate DEFAULT_START = LocalDate.of(2025, 11, 1);

  /** The keyed operators (uids) whose state is measured. */
  static final List<String> KEYED_OPERATORS =
      List.of(
          "assemble-calls",
          HeldCalls.RATE,
          "settlement-daily",
          "audit-hourly",
          "detect-fraud",
          "judge-plan-spikes");

  /**
   * Checkpoints kept: the measured one must outlive the two-second interval while its held calls
   * are read.
   */
  static final int RETAINED_CHECKPOINTS = 10;

  static final double TARGET_BYTES_PER_ACTIVE_SUBSCRIPTION = 1024;

  private static final double MONTH_MILLIS = Duration.ofDays(1).toMillis() * 365.2425 / 12;

  /**
   * @param records feed records over the twelve months; 0 = {@link
   *     #RECORDS_PER_SUBSCRIPTION_AND_DAY} per subscription and day
   * @param subscribers subscriptions at the start (as many join as leave)
   * @param churnPerMonth share leaving (and joining) each month
   * @param start first day of the first month (moved to the first of its month)
   */
  public record Settings(
      long records,
      int subscribers,
      double churnPerMonth,
      long seed,
      LocalDate start,
      Path workDir,
      Path out,
      CdrflowConfig config,
      Duration timeout) {
    public long recordsInAll() {
      if (records > 0) {
        return records;
      }
      long days = firstMonth().plusMonths(MONTHS).atDay(1).toEpochDay() - firstDay().toEpochDay();
      return Math.round(subscribers * RECORDS_PER_SUBSCRIPTION_AND_DAY * days);
    }

    YearMonth firstMonth() {
      return YearMonth.from(start);
    }

    LocalDate firstDay() {
      return firstMonth().atDay(1);
    }
  }

  /** What the state was at the end of one month. */
  record Month(
      YearMonth month,
      long records,
      long activeSubscriptions,
      long checkpointId,
      long stateBytes,
      Map<String, Long> operatorBytes,
      HeldCalls.Count held,
      String cutoff,
      String loadAverage) {
    double bytesPerActiveSubscription() {
      return activeSubscriptions == 0 ? Double.NaN : stateBytes / (double) activeSubscriptions;
    }
  }

  private final Settings settings;
  private final PrintStream out;
  private final BenchReport report = new BenchReport();

  public LongRun(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  /**
   * The job's configuration: the bench's raw partitions, a checkpoint every two seconds, and every
   * processing-time window scaled to the compressed clock.
   */
  static Map<String, String> compressedClock(CdrflowConfig config) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(CdrflowConfig.TOPIC_RAW_PARTITIONS, Integer.toString(BenchRun.PARTITIONS));
    m.put(CdrflowConfig.LOCAL_CHECKPOINT_INTERVAL, "PT2S");
    m.put(CdrflowConfig.REFERENCE_REFRESH, "PT1S");
    m.put(CdrflowConfig.KAFKA_GROUP_ID, "bench-long-run");
    m.put(CdrflowConfig.DEDUP_WINDOW, compressed(config.duration(CdrflowConfig.DEDUP_WINDOW)));
    m.put(CdrflowConfig.STATE_END_CHECK_INTERVAL, compressed(Duration.ofDays(1)));
    return m;
  }

  /** {@code real} on the compressed clock, at least 100 ms. */
  static String compressed(Duration real) {
    long ms = Math.round(real.toMillis() * FEED_SECONDS_PER_MONTH * 1000 / MONTH_MILLIS);
    return Duration.ofMillis(Math.max(100, ms)).toString();
  }

  /** Runs the twelve months; returns the result file. */
  public Path run() throws Exception {
    Path work = settings.workDir().toAbsolutePath();
    for (String dir : new String[] {"long-run-feed", "stack", "state-long-run"}) {
      Directories.delete(work.resolve(dir));
    }
    Map<String, Object> bench = report.section("bench");
    bench.put("profile", "long-run");
    bench.put("started_at", Instant.now().toString());
    bench.put("months", MONTHS);
    bench.put("records", settings.recordsInAll());
    bench.put("subscribers_at_start", settings.subscribers());
    bench.put("churn_per_month", settings.churnPerMonth());
    bench.put("seed", settings.seed());
    bench.put("first_month", settings.firstMonth().toString());
    bench.put("feed_seconds_per_month", FEED_SECONDS_PER_MONTH);
    report.put("machine", BenchReport.machine());

    Path feedDir = work.resolve("long-run-feed");
    Path reference = feedDir.resolve("reference");
    GeneratorSettings generator =
        new GeneratorSettings(
                settings.recordsInAll(),
                settings.subscribers(),
                settings.seed(),
                settings.firstDay(),
                (int)
                    (settings.firstMonth().plusMonths(MONTHS).atDay(1).toEpochDay()
                        - settings.firstDay().toEpochDay()),
                settings.config().require(CdrflowConfig.HOME_OPERATOR_ID))
            .withChurn(settings.churnPerMonth());
    say(
        "Long run: %,d records over %d months from %s, %,d subscriptions at the start, %.1f %%"
            + " churn a month each way",
        generator.records(),
        MONTHS,
        settings.firstMonth(),
        settings.subscribers(),
        settings.churnPerMonth() * 100);
    GeneratedFeedSummary generated = FeedGenerator.writeMonthly(generator, feedDir, reference);
    say("  %s", generated.summaryLine());
    report.section("feed").put("subscriptions_written", generated.subscribers());
    report.section("feed").put("generate_seconds", generated.elapsedMillis() / 1000.0);

    CdrflowConfig base = settings.config().with(compressedClock(settings.config()));
    if (base.hasKafka() || base.hasJdbc()) {
      throw new IllegalArgumentException(
          "cdrflow bench measures the embedded stack on this machine: leave the Kafka and JDBC"
              + " keys out of the configuration");
    }
    Map<String, Object> clock = report.section("compressed_clock");
    clock.put("dedup_window", base.get(CdrflowConfig.DEDUP_WINDOW));
    clock.put("state_end_check_interval", base.get(CdrflowConfig.STATE_END_CHECK_INTERVAL));
    clock.put("reference_refresh_interval", base.get(CdrflowConfig.REFERENCE_REFRESH));
    clock.put("checkpoint_interval", base.get(CdrflowConfig.LOCAL_CHECKPOINT_INTERVAL));
    say(
        "  compressed clock: a month in %.0f s; dedup.window %s, state.end-check-interval %s",
        FEED_SECONDS_PER_MONTH,
        base.get(CdrflowConfig.DEDUP_WINDOW),
        base.get(CdrflowConfig.STATE_END_CHECK_INTERVAL));

    List<Month> months = new ArrayList<>();
    say("Starting the embedded stack (Kafka in KRaft mode, PostgreSQL) in %s", work);
    ExecutorService feeder = Executors.newSingleThreadExecutor();
    try (EmbeddedStack stack = EmbeddedStack.start(work.resolve("stack"))) {
      CdrflowConfig config = BenchRun.onStack(stack, base);
      JdbcSettings jdbc = config.jdbc();
      new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(reference);

      Path stateDir = work.resolve("state-long-run");
      LocalStreamingRun job =
          new LocalStreamingRun(config, stateDir)
              .withFlinkSettings(
                  Map.of(
                      "execution.checkpointing.num-retained",
                      Integer.toString(RETAINED_CHECKPOINTS)));
      Path checkpoints = stateDir.resolve("checkpoints");
      try {
        job.start();
        awaitCheckpointAfter(job, checkpoints, 0);
        long sentInAll = 0;
        Future<Long> feeding = feeder.submit(() -> feed(config, feedDir, 0));
        for (int i = 0; i < MONTHS; i++) {
          YearMonth month = settings.firstMonth().plusMonths(i);
          long sent = feeding.get();
          sentInAll += sent;
          // The next month follows at once: the job sees no pause, the clock no jump.
          if (i + 1 < MONTHS) {
            int next = i + 1;
            feeding = feeder.submit(() -> feed(config, feedDir, next));
          }
          BenchRun.awaitReceived(job, jdbc, sentInAll, settings.timeout());
          long seen = Directories.latestCheckpoint(checkpoints).map(c -> c.id()).orElse(0L);
          Month m = measure(job, checkpoints, seen, jdbc, month, sent);
          months.add(m);
          say(
              "  %s: %,d records, %,d active subscriptions, state %,d bytes (chk-%d) -> %,.0f bytes"
                  + " each; %s; besides: %,d calls held for the watermark (%,d bytes); load %s",
              month,
              sent,
              m.activeSubscriptions(),
              m.stateBytes(),
              m.checkpointId(),
              m.bytesPerActiveSubscription(),
              m.operatorBytes(),
              m.held().calls(),
              m.held().bytes(),
              m.loadAverage());
          // As in production: the month's invoices are paid, and the monthly anonymisation run as
          // of the first of the next month moves the cutoff (docs/anonymisation.md).
          anonymise(config, jdbc, month);
        }
        job.stopAndSave(settings.timeout());
      } catch (Exception e) {
        job.cancel();
        throw e;
      }
    } finally {
      feeder.shutdownNow();
    }
    verdict(months);
    report.section("bench").put("finished_at", Instant.now().toString());
    Path result = settings.out().resolve("bench-result.json");
    report.writeJson(result);
    out.println();
    out.println("== Results (" + BenchReport.loadAverage() + " load average now)");
    report.printTable(out);
    out.println("Written to " + result);
    return result;
  }

  /** Sends month {@code i}'s file at the pace of the compressed clock; returns the records. */
  private long feed(CdrflowConfig config, Path feedDir, int i) throws Exception {
    Path file = feedDir.resolve(FeedGenerator.monthlyFileName(settings.firstMonth().plusMonths(i)));
    if (!Files.exists(file)) {
      return 0;
    }
    long lines;
    try (var l = Files.lines(file)) {
      lines = l.count();
    }
    long perSecond = Math.max(1, Math.round(lines / FEED_SECONDS_PER_MONTH));
    try (FeedProducer producer =
        new FeedProducer(
            config.require(CdrflowConfig.KAFKA_BOOTSTRAP),
            config.get(CdrflowConfig.TOPIC_RAW),
            config.kafkaClientProperties())) {
      return producer.send(file, null, perSecond);
    }
  }

  /** The state in the first checkpoint completed after {@code seen}, and the month's figures. */
  private Month measure(
      LocalStreamingRun job,
      Path checkpoints,
      long seen,
      JdbcSettings jdbc,
      YearMonth month,
      long records)
      throws Exception {
    String load = BenchReport.loadAverage();
    Exception last = null;
    // Only the newest checkpoint is retained: one that goes while being read is retried with the
    // next.
    for (int attempt = 0; attempt < 5; attempt++) {
      Directories.Checkpoint chk = awaitCheckpointAfter(job, checkpoints, seen);
      try {
        // Calls waiting in `rate` for the watermark are records in flight: on the compressed clock
        // every second the watermark trails holds a day of traffic. Measured apart, not counted as
        // state per subscription (docs/benchmarks.md, "Long run: state over twelve months").
        HeldCalls.Count held = HeldCalls.in(chk.dir());
        Map<String, Long> byOperator = new LinkedHashMap<>();
        long keyed = 0;
        for (String uid : KEYED_OPERATORS) {
          long bytes = FraudCost.operatorStateBytes(chk.dir(), uid).orElse(0);
          if (uid.equals(HeldCalls.RATE)) {
            bytes = Math.max(0, bytes - held.bytes());
          }
          byOperator.put(uid, bytes);
          keyed += bytes;
        }
        String cutoff;
        long active;
        try (Connection c = jdbc.connect();
            Statement s = c.createStatement()) {
          try (ResultSet r = s.executeQuery("select max(cutoff) from anonymisation_run")) {
            r.next();
            cutoff = r.getString(1);
          }
          try (PreparedStatement ps =
              c.prepareStatement(
                  "select count(distinct subscription_id) from invoice_line where usage_period"
                      + " = ?")) {
            ps.setString(1, month.toString());
            try (ResultSet r = ps.executeQuery()) {
              r.next();
              active = r.getLong(1);
            }
          }
        }
        return new Month(month, records, active, chk.id(), keyed, byOperator, held, cutoff, load);
      } catch (Exception e) {
        // A checkpoint subsumed while being read: the next one.
        last = e;
        seen = chk.id();
      }
    }
    throw last;
  }

  private void anonymise(CdrflowConfig config, JdbcSettings jdbc, YearMonth month)
      throws Exception {
    try (Connection c = jdbc.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "update invoice set status = 'PAID', paid_at = now() where billing_period <= ?"
                    + " and status <> 'PAID'")) {
      ps.setString(1, month.toString());
      ps.executeUpdate();
    }
    LocalDate asOf = month.plusMonths(1).atDay(1);
    AnonymisationReport r =
        new AnonymisationRun(
                jdbc, AnonymisationRun.Options.from(config), Clock.systemUTC(), m -> {})
            .run(asOf, false);
    say(
        "  anonymisation as of %s (cutoff %s): %s, %,d lines",
        asOf,
        AnonymisationCutoff.cutoffAt(asOf).toLocalDate(),
        r.status(),
        r.counts().linesAnonymised());
  }

  private Directories.Checkpoint awaitCheckpointAfter(
      LocalStreamingRun job, Path checkpoints, long seen) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      Optional<Directories.Checkpoint> chk = Directories.latestCheckpoint(checkpoints);
      if (chk.isPresent() && chk.get().id() > seen) {
        return chk.get();
      }
      job.checkRunning();
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no checkpoint completed within 2 minutes");
      }
      Thread.sleep(50);
    }
  }

  /**
   * The acceptance (docs/benchmarks.md): at most 1 KB per active subscription in every month, and
   * no growth once the anonymisation runs retire months: the last six months' figures no higher
   * than the first of them by more than 10 %.
   */
  private void verdict(List<Month> months) {
    List<Map<String, Object>> rows = new ArrayList<>();
    double worst = 0;
    for (Month m : months) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("month", m.month().toString());
      row.put("records", m.records());
      row.put("active_subscriptions", m.activeSubscriptions());
      row.put("checkpoint_id", m.checkpointId());
      row.put("keyed_state_bytes", m.stateBytes());
      row.put("keyed_state_bytes_by_operator", m.operatorBytes());
      row.put("held_for_watermark_calls", m.held().calls());
      row.put("held_for_watermark_bytes", m.held().bytes());
      row.put("bytes_per_active_subscription", m.bytesPerActiveSubscription());
      row.put("anonymisation_cutoff_before", m.cutoff());
      row.put("load_average", m.loadAverage());
      rows.add(row);
      worst = Math.max(worst, m.bytesPerActiveSubscription());
      report.row(
          "  " + m.month() + ": state per active subscription",
          String.format(
              Locale.ROOT,
              "%,.0f B (%,d subs)",
              m.bytesPerActiveSubscription(),
              m.activeSubscriptions()),
          "",
          "");
    }
    report.put("months", rows);
    boolean grows = growsAfterSixMonths(months);
    Map<String, Object> v = report.section("long_run");
    v.put("max_bytes_per_active_subscription", worst);
    v.put("grows_after_six_months", grows);
    report.row(
        "Long run: max state per active subscription",
        String.format(Locale.ROOT, "%,.0f B", worst),
        "<= 1 KB",
        worst <= TARGET_BYTES_PER_ACTIVE_SUBSCRIPTION ? "yes" : "NO");
    report.row(
        "Long run: growth over months 7-12",
        grows ? "grows" : "flat",
        "none",
        grows ? "NO" : "yes");
  }

  /**
   * Whether the state per active subscription still grows once the anonymisation runs retire a
   * month each: the least-squares slope over months 7 to 12, times the five months between the
   * first and last of them, above 10 % of their mean.
   */
  static boolean growsAfterSixMonths(List<Month> months) {
    if (months.size() < 8) {
      return false;
    }
    List<Double> y = new ArrayList<>();
    for (Month m : months.subList(6, months.size())) {
      y.add(m.bytesPerActiveSubscription());
    }
    return grows(y);
  }

  /** The least-squares slope of {@code y} over its span above 10 % of its mean. */
  static boolean grows(List<Double> y) {
    int n = y.size();
    double meanX = (n - 1) / 2.0;
    double meanY = y.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double num = 0;
    double den = 0;
    for (int i = 0; i < n; i++) {
      num += (i - meanX) * (y.get(i) - meanY);
      den += (i - meanX) * (i - meanX);
    }
    double slope = den == 0 ? 0 : num / den;
    return slope * (n - 1) > 0.10 * meanY;
  }

  private void say(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
