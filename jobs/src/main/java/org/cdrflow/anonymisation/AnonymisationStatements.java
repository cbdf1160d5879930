package org.cdrflow.anonymisation;

import java.util.stream.Collectors;

/**
 * The SQL of the anonymisation job, built from {@link AnonymisedColumns} and, through the statuses
 * bound as parameters ({@link InvoiceStatus#withFate}), from {@link RetentionRule}. Every change is
 * a set-based UPDATE over one range of rows; a line and its settlement rows change in the same
 * transaction, so no row is ever seen half-anonymised.
 *
 * <p>Parameters are numbered in the order listed in each constant's comment.
 */
final class AnonymisationStatements {
  private AnonymisationStatements() {}

  private static final String OSLO = AnonymisationCutoff.OSLO.getId();

  /** SET list for invoice_line (alias l); one parameter: the run id. */
  static final String LINE_CLEARING =
      AnonymisedColumns.INVOICE_LINE_CLEARED.stream()
              .map(c -> c + " = NULL")
              .collect(Collectors.joining(", "))
          + ", "
          + AnonymisedColumns.INVOICE_LINE_DAY_ONLY
          + " = date_trunc('day', l."
          + AnonymisedColumns.INVOICE_LINE_DAY_ONLY
          + ", '"
          + OSLO
          + "'), updated_at = now(), anonymised_at = now(), anonymisation_run_id = ?::uuid";

  /** SET list for settlement_call (alias s); no parameters. */
  static final String CALL_CLEARING =
      AnonymisedColumns.SETTLEMENT_CALL_CLEARED.stream()
              .map(c -> c + " = NULL")
              .collect(Collectors.joining(", "))
          + ", anonymised_at = now()";

  /** SET list for rejected_cdr; no parameters. */
  static final String REJECT_CLEARING =
      AnonymisedColumns.REJECTED_CDR_CLEARED.stream()
          .map(c -> c + " = NULL")
          .collect(Collectors.joining(", "));

  /**
   * A pending settlement row whose invoice line is anonymised, found per settlement row by a probe
   * of the line's key. Written as a correlated subquery, which PostgreSQL never turns into a join,
   * on purpose: the statement is then a walk of the settlement rows with one index probe each,
   * linear whatever the planner believes. As a join, statistics older than a bulk load (after a
   * catch-up, or in the benchmark) made it choose nested loops that rescanned a split's whole range
   * of settlement rows once per line (a split of 100,000 lines ran for minutes), or walked every
   * invoice line to find a handful of settlement rows. (Lines join their invoice: that join is
   * safe, the invoice side is never estimated small.)
   */
  private static final String LINE_IS_ANONYMISED =
      "(SELECT l.anonymised_at FROM invoice_line l"
          + " WHERE l.line_id = s.line_id AND l.event_date = s.event_date) IS NOT NULL";

  /**
   * {@link #LINE_IS_ANONYMISED} within known days. Parameters: first day, last day. The constant
   * bounds let PostgreSQL plan the probe over those days' partitions only, so that a range split
   * holds no lock on a half month that another subtask writes anew.
   */
  private static final String LINE_IN_DAYS_IS_ANONYMISED =
      "(SELECT l.anonymised_at FROM invoice_line l"
          + " WHERE l.line_id = s.line_id AND l.event_date = s.event_date"
          + " AND l.event_date >= ? AND l.event_date <= ?) IS NOT NULL";

  /** The age of a reject: its event time, else when it was first seen. */
  private static final String REJECT_AGE = "coalesce(event_time, first_seen)";

  /**
   * Plan: the event start of every n-th pending invoice line in [from, until), oldest first.
   * Parameters: from, until, n. An index-only walk of invoice_line_event_start_pending_idx over the
   * range.
   */
  static final String LINE_BOUNDARIES =
      "SELECT k FROM (SELECT event_start AS k, row_number() OVER (ORDER BY event_start) AS n"
          + " FROM invoice_line WHERE anonymised_at IS NULL AND event_start >= ?"
          + " AND event_start < ?) t WHERE (n - 1) % ? = 0 ORDER BY k";

  /** Plan: the age of every n-th reject still holding a payload. Parameters: cutoff, n. */
  static final String REJECT_BOUNDARIES =
      "SELECT k FROM (SELECT "
          + REJECT_AGE
          + " AS k, row_number() OVER (ORDER BY "
          + REJECT_AGE
          + ") AS n FROM rejected_cdr WHERE payload IS NOT NULL AND "
          + REJECT_AGE
          + " < ?) t WHERE (n - 1) % ? = 0 ORDER BY k";

  /**
   * One split of invoice lines: anonymises the due lines of the range whose invoice is settled.
   * Returns the count. Parameters: run id, cutoff, from, until, first day, last day, settled
   * statuses. The days (event_date, the local dates of from and of the last instant before until)
   * say the same as the range and let PostgreSQL leave out the partitions of other days, so that a
   * split never waits on a half month that another subtask writes anew ({@link
   * #ANONYMISE_HALF_MONTH}).
   */
  static final String ANONYMISE_LINES_IN_RANGE =
      "UPDATE invoice_line l SET "
          + LINE_CLEARING
          + " FROM invoice i"
          + " WHERE l.anonymised_at IS NULL AND l.event_start < ?"
          + " AND l.event_start >= ? AND l.event_start < ?"
          + " AND l.event_date >= ? AND l.event_date <= ?"
          + " AND i.account_id = l.account_id AND i.billing_period = l.billing_period"
          + " AND i.status = ANY(?)";

  /**
   * The same split's settlement rows, in the same transaction, after its lines: every pending
   * settlement row of the range whose line is anonymised (a settlement row has the event start and
   * date of its line, so it lies in the same range and partition). Returns the count. Parameters:
   * from, until, first day, last day, first day, last day.
   */
  static final String ANONYMISE_SETTLEMENT_IN_RANGE =
      "UPDATE settlement_call s SET "
          + CALL_CLEARING
          + " WHERE s.anonymised_at IS NULL AND s.event_start >= ? AND s.event_start < ?"
          + " AND s.event_date >= ? AND s.event_date <= ? AND "
          + LINE_IN_DAYS_IS_ANONYMISED;

  /**
   * Plan: the half-month partitions of both tables (docs/anonymisation.md, "Half-month
   * partitions"), by first day, with the rows PostgreSQL estimates the line partition holds (-1:
   * never counted).
   */
  static final String HALF_MONTHS =
      "SELECT to_date(substr(c.relname, 14), 'YYYY_MM_DD') AS first_day, c.reltuples"
          + " FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid"
          + " WHERE h.inhparent = 'invoice_line'::regclass"
          + " AND c.relname ~ '^invoice_line_[0-9]{4}_[0-9]{2}_[0-9]{2}$'"
          + " AND to_regclass('settlement_call_' || substr(c.relname, 14)) IS NOT NULL"
          + " ORDER BY 1";

  /**
   * Plan: the pending lines of one half month, counted up to a limit (a walk of the partial index
   * of pending lines). Parameters: first day, end (exclusive), limit.
   */
  static final String PENDING_IN_HALF_MONTH =
      "SELECT count(*) FROM (SELECT 1 FROM invoice_line WHERE anonymised_at IS NULL"
          + " AND event_date >= ? AND event_date < ? LIMIT ?) t";

  /**
   * Plan: of a sample of pending lines of one half month, how many are due (invoice settled), and
   * how many were sampled. Parameters: settled statuses, first day, end (exclusive), sample size.
   */
  static final String DUE_IN_SAMPLE =
      "SELECT count(*) FILTER (WHERE i.status = ANY(?)), count(*) FROM (SELECT l.account_id,"
          + " l.billing_period FROM invoice_line l WHERE l.anonymised_at IS NULL"
          + " AND l.event_date >= ? AND l.event_date < ? LIMIT ?) l LEFT JOIN invoice i"
          + " ON i.account_id = l.account_id AND i.billing_period = l.billing_period";

  /** The SQLSTATE of a half month left to the row-by-row statements (migration V7). */
  static final String HALF_MONTH_LEFT_TO_ROWS = "CDR01";

  /**
   * One half month of both tables written anew in anonymised form, in the caller's transaction (the
   * function of migration V7). Returns (lines, settlement rows) anonymised. Parameters: first day,
   * run id, cutoff, settled statuses.
   */
  static final String ANONYMISE_HALF_MONTH =
      "SELECT lines, settlement FROM cdrflow_anonymise_half_month(?, ?::uuid, ?, ?)";

  /**
   * Keeps half-month partitions ahead of the data: a run adds those of the month before its as-of
   * date to three months after it. Parameters: first day, last day.
   */
  static final String ADD_HALF_MONTHS = "SELECT cdrflow_add_half_month_partitions(?, ?)";

  /** One split of rejects: purges payloads. Returns the count. Parameters: cutoff, from, until. */
  static final String PURGE_REJECTS_IN_RANGE =
      "WITH purged AS (UPDATE rejected_cdr SET "
          + REJECT_CLEARING
          + " WHERE payload IS NOT NULL AND "
          + REJECT_AGE
          + " < ? AND "
          + REJECT_AGE
          + " >= ? AND "
          + REJECT_AGE
          + " < ? RETURNING 1) SELECT count(*) FROM purged";

  private static final String DUE_LINES =
      "due AS MATERIALIZED (SELECT l.line_id, l.event_date, i.status FROM invoice_line l"
          + " LEFT JOIN invoice i"
          + " ON i.account_id = l.account_id AND i.billing_period = l.billing_period"
          + " WHERE l.anonymised_at IS NULL AND l.event_start < ?)";

  private static final String RETAINED =
      "count(*) FILTER (WHERE status IS NOT NULL AND NOT status = ANY(?)"
          + " AND NOT status = ANY(?)),"
          + " count(*) FILTER (WHERE status = ANY(?)),"
          + " count(*) FILTER (WHERE status IS NULL)";

  /**
   * The closing pass of a run, over every due line: anonymises what the splits did not reach (lines
   * written while the run went on) and counts what stays; their settlement rows follow with {@link
   * #ANONYMISE_ORPHANED_SETTLEMENT}. Returns (lines, retained unpaid, retained disputed, retained
   * without invoice). Parameters: cutoff, run id, settled statuses, cutoff, settled statuses,
   * disputed statuses, disputed statuses.
   */
  static final String CLOSE_LINES =
      "WITH "
          + DUE_LINES
          + ", lines AS (UPDATE invoice_line l SET "
          + LINE_CLEARING
          + " FROM due d WHERE d.status = ANY(?) AND l.line_id = d.line_id"
          + " AND l.event_date = d.event_date"
          + " AND l.anonymised_at IS NULL AND l.event_start < ?"
          + " RETURNING l.line_id)"
          + " SELECT (SELECT count(*) FROM lines), "
          + RETAINED
          + " FROM due";

  /**
   * A dry run: what {@link #CLOSE_LINES} would do if no split ran. Returns the same columns.
   * Parameters: cutoff, settled statuses, settled statuses, settled statuses, disputed statuses,
   * disputed statuses.
   */
  static final String COUNT_LINES =
      "WITH "
          + DUE_LINES
          + " SELECT count(*) FILTER (WHERE status = ANY(?)),"
          + " (SELECT count(*) FROM settlement_call s JOIN due d"
          + " ON s.line_id = d.line_id AND s.event_date = d.event_date"
          + " WHERE d.status = ANY(?) AND s.anonymised_at IS NULL), "
          + RETAINED
          + " FROM due";

  private static final String ORPHANED_SETTLEMENT =
      " s.anonymised_at IS NULL AND s.event_start < ? AND " + LINE_IS_ANONYMISED;

  /**
   * Settlement rows of anonymised lines that are still pending: those of the lines the closing pass
   * anonymised, and rows written after their line was anonymised (the streaming job writes lines
   * and settlement rows with separate sinks, so a late event processed during a run can land its
   * settlement row just after the line was anonymised). Parameter: cutoff.
   */
  static final String ANONYMISE_ORPHANED_SETTLEMENT =
      "UPDATE settlement_call s SET " + CALL_CLEARING + " WHERE" + ORPHANED_SETTLEMENT;

  /** Dry run of {@link #ANONYMISE_ORPHANED_SETTLEMENT}. Parameter: cutoff. */
  static final String COUNT_ORPHANED_SETTLEMENT =
      "SELECT count(*) FROM settlement_call s WHERE" + ORPHANED_SETTLEMENT;

  /** Dry run of the reject purge. Parameter: cutoff. */
  static final String COUNT_REJECTS =
      "SELECT count(*) FROM rejected_cdr WHERE payload IS NOT NULL AND " + REJECT_AGE + " < ?";

  /** Fraud alerts of windows before the cutoff. Parameters: run id, cutoff; returns the count. */
  static final String ANONYMISE_ALERTS =
      "WITH a AS (UPDATE fraud_alert SET subscription_id = NULL, account_id = NULL,"
          + " anonymised_at = now(), anonymisation_run_id = ?::uuid"
          + " WHERE anonymised_at IS NULL AND window_start < ? RETURNING 1)"
          + " SELECT count(*) FROM a";

  /** Dry run of {@link #ANONYMISE_ALERTS}; same parameters (the run id is not used). */
  static final String COUNT_ALERTS =
      "SELECT count(*) FROM fraud_alert WHERE ?::uuid IS NOT NULL AND anonymised_at IS NULL"
          + " AND window_start < ?";

  /** Parameters: alerts, run id. */
  static final String COUNT_ALERTS_IN_RUN =
      "UPDATE anonymisation_run SET alerts_anonymised = ? WHERE run_id = ?::uuid";

  static final String INSERT_RUN =
      "INSERT INTO anonymisation_run (run_id, as_of, cutoff, started_at, status, dry_run)"
          + " VALUES (?::uuid, ?, ?, now(), 'RUNNING', ?)";

  /** Runs left RUNNING by a process that died (whoever holds the run lock knows none is alive). */
  static final String ABANDON_RUNNING =
      "UPDATE anonymisation_run SET status = 'FAILED', finished_at = now()"
          + " WHERE status = 'RUNNING'";

  /**
   * Adds a committed split's changes to its run. Only while the run is RUNNING: a run that lost its
   * lock and was marked FAILED by a newer one commits nothing more. Parameters: lines, settlement,
   * rejects, run id.
   */
  static final String ADD_TO_RUN =
      "UPDATE anonymisation_run SET lines_anonymised = lines_anonymised + ?,"
          + " settlement_anonymised = settlement_anonymised + ?,"
          + " rejects_purged = rejects_purged + ? WHERE run_id = ?::uuid AND status = 'RUNNING'";

  /**
   * Parameters: lines, settlement, rejects (added), retained unpaid, disputed, no invoice (set),
   * run id.
   */
  static final String COMPLETE_RUN =
      "UPDATE anonymisation_run SET lines_anonymised = lines_anonymised + ?,"
          + " settlement_anonymised = settlement_anonymised + ?,"
          + " rejects_purged = rejects_purged + ?,"
          + " retained_unpaid = ?, retained_disputed = ?, retained_no_invoice = ?,"
          + " status = 'COMPLETED', finished_at = now() WHERE run_id = ?::uuid AND status = 'RUNNING'";

  /** Parameter: run id. */
  static final String FAIL_RUN =
      "UPDATE anonymisation_run SET status = 'FAILED', finished_at = now()"
          + " WHERE run_id = ?::uuid AND status = 'RUNNING'";

  /** Parameter: run id. */
  static final String READ_RUN =
      "SELECT status, lines_anonymised, settlement_anonymised, rejects_purged, retained_unpaid,"
          + " retained_disputed, retained_no_invoice FROM anonymisation_run WHERE run_id = ?::uuid";

  /**
   * One run at a time: a session advisory lock held by the driver for the whole run. The key is
   * arbitrary but fixed ("cdrflow" + 1 in ASCII).
   */
  static final long RUN_LOCK_KEY = 0x6364_7266_6c6f_7701L;

  static final String TRY_LOCK = "SELECT pg_try_advisory_lock(?)";
}
