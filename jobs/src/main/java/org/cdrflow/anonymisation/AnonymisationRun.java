package org.cdrflow.anonymisation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;

/**
 * One monthly anonymisation run (docs/anonymisation.md), from start to its row in {@code
 * anonymisation_run}:
 *
 * <ol>
 *   <li>take the run lock (one run at a time), mark runs a killed process left RUNNING as FAILED,
 *       record this run as RUNNING;
 *   <li>plan splits of at most {@code batchRows} pending rows each, and run the bounded Flink job
 *       over them ({@link AnonymisationJob}), one transaction per split;
 *   <li>close in one transaction: anonymise what was written while the job ran, count what is kept,
 *       and mark the run COMPLETED with its counts.
 * </ol>
 *
 * <p>A dry run records the same counts, computed by reading only. A run that fails is marked
 * FAILED; what its committed splits did stays done and counted, and the next run (with the same or
 * a later as-of date) does the rest.
 */
public final class AnonymisationRun {

  /** Config key: pending rows per split, i.e. per transaction. */
  public static final String BATCH_ROWS = CdrflowConfig.ANONYMISATION_BATCH_ROWS;

  /**
   * Tunables.
   *
   * @param batchRows at most this many pending rows per split (one transaction each)
   * @param parallelism parallel subtasks, each with its own database connection
   * @param restartAttempts how often Flink retries a failed subtask (its splits are safe to redo)
   * @param failAfterCommits fault for tests: fail each subtask after this many committed splits
   * @param halfMonths whether half months worth it are written anew (docs/anonymisation.md,
   *     "Half-month partitions"); without, every line is updated row by row
   */
  public record Options(
      int batchRows,
      int parallelism,
      int restartAttempts,
      int failAfterCommits,
      boolean halfMonths) {
    public static final int DEFAULT_BATCH_ROWS = 100_000;

    public Options {
      if (batchRows < 1 || parallelism < 1 || restartAttempts < 0 || failAfterCommits < 0) {
        throw new IllegalArgumentException(
            "batch rows and parallelism must be positive, restarts and faults not negative");
      }
    }

    public static Options defaults() {
      return new Options(DEFAULT_BATCH_ROWS, 2, 3, 0, true);
    }

    /** From {@code job.parallelism} and {@code anonymisation.batch-rows}. */
    public static Options from(CdrflowConfig config) {
      String rows = config.get(BATCH_ROWS);
      int batchRows;
      try {
        batchRows = rows == null ? DEFAULT_BATCH_ROWS : Integer.parseInt(rows);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "configuration key '" + BATCH_ROWS + "' must be a whole number");
      }
      return new Options(batchRows, config.integer(CdrflowConfig.PARALLELISM), 3, 0, true);
    }

    public Options withBatchRows(int rows) {
      return new Options(rows, parallelism, restartAttempts, failAfterCommits, halfMonths);
    }

    public Options withParallelism(int p) {
      return new Options(batchRows, p, restartAttempts, failAfterCommits, halfMonths);
    }

    /** A subtask fails after this many commits, and Flink does not retry it: a killed run. */
    public Options failingAfter(int commits) {
      return new Options(batchRows, parallelism, 0, commits, halfMonths);
    }

    /** Every line updated row by row, as before half months were written anew. */
    public Options rowByRowOnly() {
      return new Options(batchRows, parallelism, restartAttempts, failAfterCommits, false);
    }
  }

  private final JdbcSettings jdbc;
  private final Options options;
  private final Clock clock;
  private final Consumer<String> progress;

  public AnonymisationRun(
      JdbcSettings jdbc, Options options, Clock clock, Consumer<String> progress) {
    this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.progress = progress == null ? m -> {} : progress;
  }

  /**
   * Runs as of {@code asOf}; returns the recorded run.
   *
   * @throws IllegalArgumentException if {@code asOf} lies after today in Europe/Oslo: its cutoff
   *     could take data the rule says to keep, and the streaming job would reject current events
   * @throws IllegalStateException if another run holds the lock, or the job failed (the run is then
   *     recorded FAILED)
   */
  public AnonymisationReport run(LocalDate asOf, boolean dryRun) throws SQLException {
    Objects.requireNonNull(asOf, "asOf");
    LocalDate today = AnonymisationCutoff.today(clock);
    if (asOf.isAfter(today)) {
      throw new IllegalArgumentException(
          "as-of " + asOf + " lies after today (" + today + " in Europe/Oslo)");
    }
    Instant cutoff = AnonymisationCutoff.cutoff(asOf);
    String runId = UUID.randomUUID().toString();
    try (Connection c = connect()) {
      lock(c);
      int abandoned = update(c, AnonymisationStatements.ABANDON_RUNNING);
      if (abandoned > 0) {
        progress.accept("Marked " + abandoned + " run(s) left RUNNING by a stopped process FAILED");
      }
      try (PreparedStatement ps = c.prepareStatement(AnonymisationStatements.INSERT_RUN)) {
        ps.setString(1, runId);
        ps.setObject(2, asOf);
        SplitAnonymiser.setTime(ps, 3, cutoff);
        ps.setBoolean(4, dryRun);
        ps.executeUpdate();
      }
      int splits = 0;
      try {
        if (dryRun) {
          finishDry(c, runId, cutoff);
        } else {
          long t0 = System.nanoTime();
          addHalfMonths(c, asOf);
          List<Split> plan = plan(c, cutoff);
          splits = plan.size();
          if (!plan.isEmpty()) {
            long halves = plan.stream().filter(p -> p.table() == Split.Table.HALF_MONTH).count();
            progress.accept(
                "Planned "
                    + splits
                    + " splits ("
                    + halves
                    + " half months written anew, the others of at most "
                    + options.batchRows()
                    + " pending rows) in "
                    + millisSince(t0)
                    + " ms; one transaction each");
            long t1 = System.nanoTime();
            runJob(plan, new SplitWork(jdbc, runId, cutoff, options.failAfterCommits()), asOf);
            progress.accept("Splits done in " + millisSince(t1) + " ms");
          }
          long t2 = System.nanoTime();
          finish(c, runId, cutoff);
          progress.accept("Closed the run in " + millisSince(t2) + " ms");
        }
      } catch (SQLException | RuntimeException e) {
        markFailed(c, runId);
        throw e;
      }
      return report(c, runId, asOf, dryRun, splits, abandoned);
    }
  }

  /**
   * Takes the run lock for the life of this connection. PostgreSQL frees it when the connection
   * ends; the keepalives make it notice within about two minutes when the machine running a run
   * died without closing the connection, so that the next run is not locked out for hours.
   */
  private void lock(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET tcp_keepalives_idle = 60");
      st.execute("SET tcp_keepalives_interval = 10");
      st.execute("SET tcp_keepalives_count = 6");
    }
    try (PreparedStatement ps = c.prepareStatement(AnonymisationStatements.TRY_LOCK)) {
      ps.setLong(1, AnonymisationStatements.RUN_LOCK_KEY);
      try (ResultSet r = ps.executeQuery()) {
        r.next();
        if (!r.getBoolean(1)) {
          throw new IllegalStateException(
              "another anonymisation run is in progress on this database; try again when it has"
                  + " finished (a run whose machine died releases it within about two minutes)");
        }
      }
    }
  }

  /**
   * The work of a run: the half months written anew (first, as they are the largest pieces), then
   * splits of lines outside them and of rejects, each holding at most a batch of pending rows.
   */
  List<Split> plan(Connection c, Instant cutoff) throws SQLException {
    List<HalfMonth> halves = options.halfMonths() ? halfMonthsToRewrite(c, cutoff) : List.of();
    List<Split> plan = new ArrayList<>();
    for (HalfMonth h : halves) {
      plan.add(Split.of(plan.size(), h));
    }
    // Boundaries only between the half months (whose lines need none), joined into one plan.
    List<Instant> lineBoundaries = new ArrayList<>();
    Instant from = null;
    for (HalfMonth h : halves) {
      lineBoundaries.addAll(lineBoundaries(c, from, h.from()));
      from = h.until();
    }
    lineBoundaries.addAll(lineBoundaries(c, from, cutoff));
    plan.addAll(
        Split.outside(Split.between(Split.Table.INVOICE_LINE, lineBoundaries, cutoff), halves));
    plan.addAll(
        Split.between(
            Split.Table.REJECTED_CDR,
            boundaries(c, AnonymisationStatements.REJECT_BOUNDARIES, cutoff),
            cutoff));
    return plan;
  }

  /**
   * The half months before the cutoff worth writing anew (docs/anonymisation.md, "Half-month
   * partitions"): at least a third of their lines pending, and at least half of a sample of 1,000
   * pending lines due (invoice settled), so that about a sixth of the lines or more are due.
   * Writing a row costs about a third of updating it; below that, updating the due lines one by one
   * is cheaper. A partition never counted by PostgreSQL (freshly filled) counts as having as many
   * lines as are pending.
   */
  private List<HalfMonth> halfMonthsToRewrite(Connection c, Instant cutoff) throws SQLException {
    record Partition(HalfMonth half, long rows) {}
    List<Partition> before = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(AnonymisationStatements.HALF_MONTHS);
        ResultSet r = ps.executeQuery()) {
      while (r.next()) {
        HalfMonth h = new HalfMonth(r.getObject(1, LocalDate.class));
        if (h.endsBy(cutoff)) {
          before.add(new Partition(h, (long) r.getFloat(2)));
        }
      }
    }
    List<HalfMonth> chosen = new ArrayList<>();
    try (PreparedStatement pending =
            c.prepareStatement(AnonymisationStatements.PENDING_IN_HALF_MONTH);
        PreparedStatement sample = c.prepareStatement(AnonymisationStatements.DUE_IN_SAMPLE)) {
      for (Partition p : before) {
        long needed = Math.max(1, p.rows() / 3);
        pending.setObject(1, p.half().firstDay());
        pending.setObject(2, p.half().end());
        pending.setLong(3, needed);
        if (row(pending, 1)[0] < needed) {
          continue;
        }
        sample.setArray(1, statuses(c, LineFate.ANONYMISE));
        sample.setObject(2, p.half().firstDay());
        sample.setObject(3, p.half().end());
        sample.setInt(4, 1_000);
        long[] dueOfSampled = row(sample, 2);
        if (dueOfSampled[1] > 0 && dueOfSampled[0] * 2 >= dueOfSampled[1]) {
          chosen.add(p.half());
        }
      }
    }
    return chosen;
  }

  private List<Instant> lineBoundaries(Connection c, Instant from, Instant until)
      throws SQLException {
    List<Instant> out = new ArrayList<>();
    if (from != null && !from.isBefore(until)) {
      return out;
    }
    try (PreparedStatement ps = c.prepareStatement(AnonymisationStatements.LINE_BOUNDARIES)) {
      SplitAnonymiser.setTime(ps, 1, from);
      SplitAnonymiser.setTime(ps, 2, until);
      ps.setInt(3, options.batchRows());
      out.addAll(instants(ps));
    }
    return out;
  }

  private List<Instant> boundaries(Connection c, String sql, Instant cutoff) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      SplitAnonymiser.setTime(ps, 1, cutoff);
      ps.setInt(2, options.batchRows());
      return instants(ps);
    }
  }

  private static List<Instant> instants(PreparedStatement ps) throws SQLException {
    List<Instant> out = new ArrayList<>();
    try (ResultSet r = ps.executeQuery()) {
      while (r.next()) {
        out.add(r.getObject(1, OffsetDateTime.class).toInstant());
      }
    }
    return out;
  }

  private void runJob(List<Split> plan, SplitWork work, LocalDate asOf) {
    Configuration conf = new Configuration();
    conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
    if (options.restartAttempts() == 0) {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    } else {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(
          RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, options.restartAttempts());
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
    }
    int parallelism = Math.min(options.parallelism(), plan.size());
    // Slots of the local MiniCluster (the command line); a cluster brings its own.
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, parallelism);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    AnonymisationJob.build(env, plan, work)
        .sinkTo(new DiscardingSink<>())
        .setParallelism(parallelism)
        .name("Done")
        .uid("anonymisation-done");
    try {
      env.execute("cdrflow-anonymisation as of " + asOf);
    } catch (Exception e) {
      throw new IllegalStateException("the anonymisation job failed: " + rootMessage(e), e);
    }
  }

  /**
   * Partitions for the data to come, from the month before the as-of date to three months after it:
   * a run each month keeps them ahead of the streaming job (docs/operations.md, "Partitions").
   */
  private static void addHalfMonths(Connection c, LocalDate asOf) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(AnonymisationStatements.ADD_HALF_MONTHS)) {
      ps.setObject(1, asOf.minusMonths(1));
      ps.setObject(2, asOf.plusMonths(3));
      ps.executeQuery().close();
    }
  }

  /** The closing transaction of a real run. */
  private void finish(Connection c, String runId, Instant cutoff) throws SQLException {
    c.setAutoCommit(false);
    try {
      long[] lines;
      try (PreparedStatement ps = c.prepareStatement(AnonymisationStatements.CLOSE_LINES)) {
        SplitAnonymiser.setTime(ps, 1, cutoff);
        ps.setString(2, runId);
        ps.setArray(3, statuses(c, LineFate.ANONYMISE));
        SplitAnonymiser.setTime(ps, 4, cutoff);
        ps.setArray(5, statuses(c, LineFate.ANONYMISE));
        ps.setArray(6, statuses(c, LineFate.RETAIN_DISPUTED));
        ps.setArray(7, statuses(c, LineFate.RETAIN_DISPUTED));
        lines = row(ps, 4);
      }
      long orphans =
          countOrUpdate(c, AnonymisationStatements.ANONYMISE_ORPHANED_SETTLEMENT, cutoff);
      long rejects;
      try (PreparedStatement ps =
          c.prepareStatement(AnonymisationStatements.PURGE_REJECTS_IN_RANGE)) {
        SplitAnonymiser.setTime(ps, 1, cutoff);
        SplitAnonymiser.setTime(ps, 2, null);
        SplitAnonymiser.setTime(ps, 3, cutoff);
        rejects = row(ps, 1)[0];
      }
      complete(
          c,
          runId,
          new AnonymisationCounts(lines[0], orphans, rejects, lines[1], lines[2], lines[3]));
      alerts(c, runId, AnonymisationStatements.ANONYMISE_ALERTS, cutoff);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** A dry run: the same counts, read in one consistent snapshot, and nothing else changed. */
  private void finishDry(Connection c, String runId, Instant cutoff) throws SQLException {
    c.setAutoCommit(false);
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    try {
      long[] lines;
      try (PreparedStatement ps = c.prepareStatement(AnonymisationStatements.COUNT_LINES)) {
        SplitAnonymiser.setTime(ps, 1, cutoff);
        ps.setArray(2, statuses(c, LineFate.ANONYMISE));
        ps.setArray(3, statuses(c, LineFate.ANONYMISE));
        ps.setArray(4, statuses(c, LineFate.ANONYMISE));
        ps.setArray(5, statuses(c, LineFate.RETAIN_DISPUTED));
        ps.setArray(6, statuses(c, LineFate.RETAIN_DISPUTED));
        lines = row(ps, 5);
      }
      long orphans;
      try (PreparedStatement ps =
          c.prepareStatement(AnonymisationStatements.COUNT_ORPHANED_SETTLEMENT)) {
        SplitAnonymiser.setTime(ps, 1, cutoff);
        orphans = row(ps, 1)[0];
      }
      long rejects;
      try (PreparedStatement ps = c.prepareStatement(AnonymisationStatements.COUNT_REJECTS)) {
        SplitAnonymiser.setTime(ps, 1, cutoff);
        rejects = row(ps, 1)[0];
      }
      complete(
          c,
          runId,
          new AnonymisationCounts(
              lines[0], lines[1] + orphans, rejects, lines[2], lines[3], lines[4]));
      alerts(c, runId, AnonymisationStatements.COUNT_ALERTS, cutoff);
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
      c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
    }
  }

  /**
   * Fraud alerts older than the cutoff lose their subscription and account ids (docs/fraud.md,
   * "Privacy"); the count goes to anonymisation_run.alerts_anonymised.
   */
  private static void alerts(Connection c, String runId, String sql, Instant cutoff)
      throws SQLException {
    long n;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, runId);
      SplitAnonymiser.setTime(ps, 2, cutoff);
      n = row(ps, 1)[0];
    }
    try (PreparedStatement ps = c.prepareStatement(AnonymisationStatements.COUNT_ALERTS_IN_RUN)) {
      ps.setLong(1, n);
      ps.setString(2, runId);
      ps.executeUpdate();
    }
  }

  private static long countOrUpdate(Connection c, String sql, Instant cutoff) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      SplitAnonymiser.setTime(ps, 1, cutoff);
      return ps.executeUpdate();
    }
  }

  private static void complete(Connection c, String runId, AnonymisationCounts n)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(AnonymisationStatements.COMPLETE_RUN)) {
      ps.setLong(1, n.linesAnonymised());
      ps.setLong(2, n.settlementAnonymised());
      ps.setLong(3, n.rejectsPurged());
      ps.setLong(4, n.retainedUnpaid());
      ps.setLong(5, n.retainedDisputed());
      ps.setLong(6, n.retainedNoInvoice());
      ps.setString(7, runId);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException(
            "anonymisation run " + runId + " is no longer RUNNING; it was not completed");
      }
    }
  }

  private static void markFailed(Connection c, String runId) {
    try {
      if (!c.getAutoCommit()) {
        c.rollback();
        c.setAutoCommit(true);
      }
      try (PreparedStatement ps = c.prepareStatement(AnonymisationStatements.FAIL_RUN)) {
        ps.setString(1, runId);
        ps.executeUpdate();
      }
    } catch (SQLException ignored) {
      // The run stays RUNNING; the next run marks it FAILED when it takes the lock.
    }
  }

  private static AnonymisationReport report(
      Connection c, String runId, LocalDate asOf, boolean dryRun, int splits, int abandoned)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(AnonymisationStatements.READ_RUN)) {
      ps.setString(1, runId);
      try (ResultSet r = ps.executeQuery()) {
        r.next();
        return new AnonymisationReport(
            runId,
            asOf,
            AnonymisationCutoff.cutoffAt(asOf),
            dryRun,
            r.getString(1),
            splits,
            abandoned,
            new AnonymisationCounts(
                r.getLong(2),
                r.getLong(3),
                r.getLong(4),
                r.getLong(5),
                r.getLong(6),
                r.getLong(7)));
      }
    }
  }

  private static java.sql.Array statuses(Connection c, LineFate fate) throws SQLException {
    return c.createArrayOf("text", InvoiceStatus.withFate(fate));
  }

  private static long[] row(PreparedStatement ps, int columns) throws SQLException {
    try (ResultSet r = ps.executeQuery()) {
      r.next();
      long[] out = new long[columns];
      for (int i = 0; i < columns; i++) {
        out[i] = r.getLong(i + 1);
      }
      return out;
    }
  }

  private static int update(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      return ps.executeUpdate();
    }
  }

  private Connection connect() throws SQLException {
    return jdbc.connect();
  }

  private static long millisSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
