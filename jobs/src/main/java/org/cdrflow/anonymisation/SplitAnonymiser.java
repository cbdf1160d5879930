package org.cdrflow.anonymisation;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.postgresql.PGStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Does one split per call, in one transaction: the set-based UPDATE of its rows and the addition of
 * what changed to the run's counts commit together, so the counts in {@code anonymisation_run} are
 * exactly what was committed, also for a run that was killed. Doing a split again changes nothing
 * (only rows still holding identifiers qualify), so a restarted task or a rerun is safe.
 */
public class SplitAnonymiser extends RichMapFunction<Split, SplitOutcome> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SplitAnonymiser.class);

  private final SplitWork work;
  private transient Connection connection;
  private transient int committed;

  public SplitAnonymiser(SplitWork work) {
    this.work = work;
  }

  @Override
  public void open(OpenContext context) throws SQLException {
    connection = work.jdbc().connect();
    connection.setAutoCommit(false);
    usePlansForEachRange(connection);
  }

  /**
   * Every split runs the same statement with other bounds. After a few executions the driver and
   * PostgreSQL would switch to one generic plan, estimated without the bounds, which may read a
   * whole table for each split; a range this size is better planned with its values.
   */
  static void usePlansForEachRange(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET plan_cache_mode = force_custom_plan");
      // A split's hash tables (its lines, the invoices) fit in memory instead of spilling to disk.
      st.execute("SET work_mem = '64MB'");
    }
    c.commit();
  }

  @Override
  public SplitOutcome map(Split split) throws SQLException {
    long started = System.nanoTime();
    SplitOutcome outcome;
    try {
      outcome = inOneTransaction(split);
    } catch (SQLException e) {
      if (split.table() != Split.Table.HALF_MONTH
          || !AnonymisationStatements.HALF_MONTH_LEFT_TO_ROWS.equals(e.getSQLState())) {
        throw e;
      }
      // Writes to the half month were waiting for it (a late or replayed event): its rows are
      // updated one by one instead.
      LOG.warn(
          "Half month {} updated row by row: {}", split.halfMonth().firstDay(), e.getMessage());
      outcome = inOneTransaction(split.asRange());
    }
    committed++;
    LOG.info(
        "Split {} {} committed in {} ms: {} lines, {} settlement rows, {} rejects",
        split.table(),
        split.index(),
        (System.nanoTime() - started) / 1_000_000,
        outcome.lines(),
        outcome.settlement(),
        outcome.rejects());
    if (work.failAfterCommits() > 0 && committed >= work.failAfterCommits()) {
      throw new IllegalStateException(
          "fault injected after " + committed + " committed splits (test of resumption)");
    }
    return outcome;
  }

  private SplitOutcome inOneTransaction(Split split) throws SQLException {
    try {
      SplitOutcome outcome = doSplit(connection, split, work);
      connection.commit();
      return outcome;
    } catch (SQLException | RuntimeException e) {
      rollbackQuietly();
      throw e;
    }
  }

  /** The split's changes and their addition to the run, inside the caller's transaction. */
  static SplitOutcome doSplit(Connection c, Split split, SplitWork work) throws SQLException {
    long lines = 0;
    long settlement = 0;
    long rejects = 0;
    if (split.table() == Split.Table.HALF_MONTH) {
      try (PreparedStatement ps =
          c.prepareStatement(AnonymisationStatements.ANONYMISE_HALF_MONTH)) {
        ps.setObject(1, split.halfMonth().firstDay());
        ps.setString(2, work.runId());
        setTime(ps, 3, work.cutoff());
        ps.setArray(4, c.createArrayOf("text", InvoiceStatus.withFate(LineFate.ANONYMISE)));
        try (ResultSet r = ps.executeQuery()) {
          r.next();
          lines = r.getLong(1);
          settlement = r.getLong(2);
        }
      }
    } else if (split.table() == Split.Table.INVOICE_LINE) {
      try (PreparedStatement ps =
          c.prepareStatement(AnonymisationStatements.ANONYMISE_LINES_IN_RANGE)) {
        ps.setString(1, work.runId());
        setTime(ps, 2, work.cutoff());
        setTime(ps, 3, split.from());
        setTime(ps, 4, split.until());
        ps.setObject(5, split.firstDay());
        ps.setObject(6, split.lastDay());
        ps.setArray(7, c.createArrayOf("text", InvoiceStatus.withFate(LineFate.ANONYMISE)));
        lines = ps.executeUpdate();
      }
      try (PreparedStatement ps =
          c.prepareStatement(AnonymisationStatements.ANONYMISE_SETTLEMENT_IN_RANGE)) {
        setTime(ps, 1, split.from());
        setTime(ps, 2, split.until());
        ps.setObject(3, split.firstDay());
        ps.setObject(4, split.lastDay());
        ps.setObject(5, split.firstDay());
        ps.setObject(6, split.lastDay());
        settlement = ps.executeUpdate();
      }
    } else {
      try (PreparedStatement ps =
          c.prepareStatement(AnonymisationStatements.PURGE_REJECTS_IN_RANGE)) {
        setTime(ps, 1, work.cutoff());
        setTime(ps, 2, split.from());
        setTime(ps, 3, split.until());
        try (ResultSet r = ps.executeQuery()) {
          r.next();
          rejects = r.getLong(1);
        }
      }
    }
    addToRun(c, work.runId(), lines, settlement, rejects);
    return new SplitOutcome(split.table(), split.index(), lines, settlement, rejects);
  }

  static void addToRun(Connection c, String runId, long lines, long settlement, long rejects)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(AnonymisationStatements.ADD_TO_RUN)) {
      ps.setLong(1, lines);
      ps.setLong(2, settlement);
      ps.setLong(3, rejects);
      ps.setString(4, runId);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException(
            "anonymisation run " + runId + " is no longer RUNNING; its changes are rolled back");
      }
    }
  }

  /** Binds an instant as timestamptz; null (no lower bound) as -infinity. */
  static void setTime(PreparedStatement ps, int index, Instant t) throws SQLException {
    if (t == null) {
      ps.setTimestamp(index, new Timestamp(PGStatement.DATE_NEGATIVE_INFINITY));
    } else {
      ps.setObject(index, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
    }
  }

  private void rollbackQuietly() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      LOG.warn("Rollback of a failed split failed: {}", e.getMessage());
    }
  }

  @Override
  public void close() throws SQLException {
    if (connection != null) {
      connection.close();
    }
  }
}
