package org.cdrflow.pipeline;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The audit checked against the world (docs/reliability.md, "The audit checks itself"): the sums of
 * {@code mediation_audit} against the records on the raw topic, the rows of {@code rejected_cdr}
 * and the rows of {@code invoice_line}. Plain rules over counts; the commands run them after every
 * drain ({@link #afterDrain}, exact: nothing is in flight then), the streaming job periodically
 * ({@link #whileRunning}, with what may legitimately be in flight allowed for).
 */
public final class AuditReconciliation {
  private AuditReconciliation() {}

  /**
   * What the check compares: the audit's sums over all hours, and what the tables and the topic
   * hold.
   *
   * @param rawRecords records consumed from the raw topic: after a drain every record on it; while
   *     running what the committed offsets cover
   * @param rejectRows rows of {@code rejected_cdr} (in the running check: first seen before the
   *     in-flight allowance)
   * @param lineRows rows of {@code invoice_line} (in the running check: created before the
   *     in-flight allowance)
   */
  public record Totals(
      long received,
      long rated,
      long rejected,
      long duplicates,
      long unanswered,
      long pendingPartials,
      long linesWritten,
      long rawRecords,
      long rejectRows,
      long lineRows) {

    /** Records received and not accounted for by the equation (0 when nothing is in flight). */
    public long unaccounted() {
      return received - rated - rejected - duplicates - unanswered - pendingPartials;
    }
  }

  /**
   * The exact checks after a drain. Each mismatch is one line naming the check and its counts
   * (never a subscriber); empty when the audit agrees with the world.
   *
   * <ul>
   *   <li>the equation: received = rated + rejected + duplicates + unanswered + pending partials;
   *   <li>received = the records on the raw topic (a reprocessed record is on it again and is
   *       received again);
   *   <li>lines written = rows of invoice_line: a rated call writes one line, whose id comes from
   *       the call, and no state rates a call twice (anonymised rows are still rows);
   *   <li>rows of rejected_cdr ≤ rejected: a reject row stands for at least one counted raw record
   *       (a joined call rejected after assembly is one row for all its partials; a record rejected
   *       again, after a replay or a reprocess, updates its row and is counted again).
   * </ul>
   */
  public static List<String> afterDrain(Totals t) {
    List<String> m = new ArrayList<>();
    if (t.unaccounted() != 0) {
      m.add("the audit equation leaves " + t.unaccounted() + " received records unaccounted for");
    }
    if (t.received() != t.rawRecords()) {
      m.add(
          "the audit counts "
              + t.received()
              + " records received, the raw topic holds "
              + t.rawRecords());
    }
    if (t.linesWritten() != t.lineRows()) {
      m.add(
          "the audit counts "
              + t.linesWritten()
              + " invoice lines written, invoice_line holds "
              + t.lineRows());
    }
    if (t.rejectRows() > t.rejected()) {
      m.add(
          "the audit counts "
              + t.rejected()
              + " rejected records, rejected_cdr holds "
              + t.rejectRows()
              + " rows");
    }
    return m;
  }

  /**
   * The checks while the job runs, against counts taken so that what is in flight only makes the
   * audit run ahead: the committed offsets cover only checkpointed input (whose receipt the audit
   * has written within a flush interval), and rows older than the in-flight allowance were counted
   * by then. A mismatch here is one the job cannot reach by being busy.
   */
  public static List<String> whileRunning(Totals t) {
    List<String> m = new ArrayList<>();
    if (t.received() < t.rawRecords()) {
      m.add(
          "the audit counts "
              + t.received()
              + " records received, the committed offsets of the raw topic cover "
              + t.rawRecords());
    }
    if (t.unaccounted() < 0) {
      m.add("the audit equation accounts for " + -t.unaccounted() + " records more than received");
    }
    if (t.lineRows() > t.linesWritten()) {
      m.add(
          "the audit counts "
              + t.linesWritten()
              + " invoice lines written, invoice_line already held "
              + t.lineRows()
              + " before");
    }
    if (t.rejectRows() > t.rejected()) {
      m.add(
          "the audit counts "
              + t.rejected()
              + " rejected records, rejected_cdr already held "
              + t.rejectRows()
              + " rows before");
    }
    return m;
  }

  /**
   * Reads the audit sums and the row counts; {@code rowsBefore} limits the rows to those written
   * before it (a SQL timestamp expression such as {@code now() - interval '15 minutes'}), or null
   * for all. The row counts are read first, so a row counted here was written before the audit sums
   * were read.
   */
  public static Totals read(Connection c, long rawRecords, String rowsBefore) throws SQLException {
    long lineRows =
        count(
            c,
            // Adjustment lines of re-rating (docs/rerating.md) are no record's line.
            "select count(*) from invoice_line where corrects_line_id is null"
                + (rowsBefore == null ? "" : " and created_at < " + rowsBefore));
    long rejectRows =
        count(
            c,
            "select count(*) from rejected_cdr"
                + (rowsBefore == null ? "" : " where first_seen < " + rowsBefore));
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select coalesce(sum(received), 0), coalesce(sum(rated), 0),"
                    + " coalesce(sum(rejected), 0), coalesce(sum(duplicates), 0),"
                    + " coalesce(sum(unanswered), 0), coalesce(sum(pending_partials), 0),"
                    + " coalesce(sum(lines_written), 0) from mediation_audit")) {
      r.next();
      return new Totals(
          r.getLong(1),
          r.getLong(2),
          r.getLong(3),
          r.getLong(4),
          r.getLong(5),
          r.getLong(6),
          r.getLong(7),
          rawRecords,
          rejectRows,
          lineRows);
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
