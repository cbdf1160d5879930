package org.cdrflow.pipeline;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;

/**
 * Which state may write the aggregate rows ({@code settlement_daily}, {@code mediation_audit}):
 * they hold absolute values taken from keyed state, so a job that starts without state would
 * overwrite what an earlier state counted with its own partial counts (docs/reliability.md, "A
 * start without state").
 *
 * <p>A lineage begins when the job starts without state; its id is kept in operator state (and so
 * in every checkpoint and savepoint) and written into every aggregate row. Lineages are numbered in
 * table {@code state_lineage}; the id of lineage n is derived from n, so a clean run and a run that
 * was killed and resumed write the same ids. When the job starts without state:
 *
 * <ul>
 *   <li>no aggregate rows: a new lineage;
 *   <li>rows only of the newest lineage, which never completed a checkpoint: that lineage is taken
 *       over (nothing it consumed was committed, so its input is read again from where it began;
 *       this is also how parallel instances and a restart before the first checkpoint agree);
 *   <li>otherwise: refused, unless the start asks to rebuild the aggregates ({@code
 *       --rebuild-aggregates}, configuration key {@value #REBUILD_KEY}), which begins a new lineage
 *       from what the detail tables and the existing rows hold ({@link #rebuild}).
 * </ul>
 *
 * Plain JDBC, no Flink types: the aggregate operators call it when they start without state, the
 * local commands call {@link #decide} first to refuse with a message that names their newest
 * checkpoint.
 */
public final class StateLineage implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Configuration key (true/false): a start without state rebuilds the aggregates. */
  public static final String REBUILD_KEY =
      org.cdrflow.connectors.config.CdrflowConfig.AGGREGATES_REBUILD;

  /** The command-line option that sets {@link #REBUILD_KEY}. */
  public static final String REBUILD_OPTION = "--rebuild-aggregates";

  private final JdbcSettings jdbc;
  private final boolean rebuild;

  public StateLineage(JdbcSettings jdbc, boolean rebuild) {
    this.jdbc = jdbc;
    this.rebuild = rebuild;
  }

  /** What a start without state does. */
  public enum Action {
    NEW,
    TAKE_OVER,
    REBUILD,
    REFUSE
  }

  /** The outcome of {@link #decide}: the lineage to write with, or why the start is refused. */
  public record Decision(Action action, int seq, String lineageId) {}

  /** The id of the n-th lineage of a database. */
  public static String idOf(int seq) {
    return UUID.nameUUIDFromBytes(("cdrflow state lineage " + seq).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /** What a start without state would do over what {@code c} holds now (reads only). */
  public static Decision decide(Connection c, boolean rebuild) throws SQLException {
    String latest = null;
    int latestSeq = 0;
    boolean checkpointed = false;
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select lineage_id, seq, checkpointed_at is not null from state_lineage"
                    + " order by seq desc limit 1")) {
      if (r.next()) {
        latest = r.getString(1);
        latestSeq = r.getInt(2);
        checkpointed = r.getBoolean(3);
      }
    }
    boolean anyRows =
        exists(c, "select 1 from settlement_daily union all select 1 from mediation_audit");
    if (!anyRows) {
      return latest != null && !checkpointed
          ? new Decision(Action.TAKE_OVER, latestSeq, latest)
          : new Decision(Action.NEW, latestSeq + 1, idOf(latestSeq + 1));
    }
    if (latest != null && !checkpointed && !foreignRows(c, latest)) {
      return new Decision(Action.TAKE_OVER, latestSeq, latest);
    }
    return rebuild
        ? new Decision(Action.REBUILD, latestSeq + 1, idOf(latestSeq + 1))
        : new Decision(Action.REFUSE, latestSeq, latest);
  }

  /**
   * Called by every aggregate operator instance that starts without state: decides under a lock
   * (the instances start together), acts and returns the lineage to write with.
   *
   * @throws IllegalStateException when the start is refused
   */
  public String claim() throws SQLException {
    try (Connection c = jdbc.connect()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("lock table state_lineage in exclusive mode");
      }
      Decision d = decide(c, rebuild);
      switch (d.action()) {
        case REFUSE -> {
          c.rollback();
          throw new IllegalStateException(refusal(d, null));
        }
        case NEW -> register(c, d, "NEW");
        case REBUILD -> {
          register(c, d, "REBUILT");
          rebuild(c, d.lineageId());
        }
        case TAKE_OVER -> {}
      }
      c.commit();
      return d.lineageId();
    }
  }

  /**
   * Notes that a checkpoint or savepoint carrying the lineage has completed: from now on a start
   * without state refuses. Called on the completion of a checkpoint, not on its snapshot (a
   * checkpoint that never completes leaves nothing to restore), and again on a restore.
   */
  public void markCheckpointed(String lineageId) throws SQLException {
    try (Connection c = jdbc.connect();
        PreparedStatement s =
            c.prepareStatement(
                "update state_lineage set checkpointed_at = now()"
                    + " where lineage_id = ?::uuid and checkpointed_at is null")) {
      s.setString(1, lineageId);
      s.executeUpdate();
    }
  }

  /**
   * The one line a refused start prints: the cause and the two ways on. {@code newestCheckpoint}
   * names the newest retained checkpoint or savepoint found, or is null.
   */
  public static String refusal(Decision d, String newestCheckpoint) {
    String restore =
        newestCheckpoint == null
            ? "restore the job from its newest checkpoint or savepoint"
                + " (execution.state-recovery.path)"
            : "restore from checkpoint " + newestCheckpoint;
    return "refusing to start without state: settlement_daily and mediation_audit hold totals of"
        + " state lineage "
        + (d.lineageId() == null ? "(unlabelled, written before lineages)" : d.seq())
        + " that this start does not descend from, and it would overwrite them with partial"
        + " counts; either "
        + restore
        + ", or rebuild the aggregates from the detail tables with "
        + REBUILD_OPTION
        + " (docs/operations.md, \"A start without state\")";
  }

  private static void register(Connection c, Decision d, String origin) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "insert into state_lineage (lineage_id, seq, origin) values (?::uuid, ?, ?)")) {
      s.setString(1, d.lineageId());
      s.setInt(2, d.seq());
      s.setString(3, origin);
      s.executeUpdate();
    }
  }

  /**
   * Begins lineage {@code lineageId} from the tables (docs/operations.md, "A start without state"):
   *
   * <ul>
   *   <li>{@code settlement_daily}: every key that has {@code settlement_call} rows is recomputed
   *       from them (events, seconds, amount); keys without detail rows keep their values;
   *   <li>{@code mediation_audit}: kept as written. Its counters (received, duplicates, unanswered,
   *       pending partials, partials joined) record what the lost state saw and cannot be derived
   *       from any table, and recounting only some of them would break the equation.
   * </ul>
   *
   * Both become the base of the new lineage ({@code settlement_daily_base}, {@code
   * mediation_audit_base}): it writes base + its own totals, so what the rows held is never lost
   * and a restore of the new lineage rewrites the same values.
   */
  static void rebuild(Connection c, String lineageId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "insert into settlement_daily (partner_id, direction, product, currency, day, events,"
                + " seconds, amount, lineage_id, updated_at)"
                + " select partner_id, direction, product, currency, event_date, count(*),"
                + " coalesce(sum(seconds), 0), coalesce(sum(amount), 0), ?::uuid, now()"
                + " from settlement_call where partner_id is not null and direction is not null"
                + " and product is not null and currency is not null and event_date is not null"
                + " group by partner_id, direction, product, currency, event_date"
                + " on conflict (partner_id, direction, product, currency, day) do update set"
                + " events = excluded.events, seconds = excluded.seconds,"
                + " amount = excluded.amount, lineage_id = excluded.lineage_id,"
                + " updated_at = now()")) {
      s.setString(1, lineageId);
      s.executeUpdate();
    }
    update(c, "update settlement_daily set lineage_id = ?::uuid", lineageId);
    update(c, "update mediation_audit set lineage_id = ?::uuid", lineageId);
    update(
        c,
        "insert into settlement_daily_base (lineage_id, partner_id, direction, product, currency,"
            + " day, events, seconds, amount) select lineage_id, partner_id, direction, product,"
            + " currency, day, events, seconds, amount from settlement_daily"
            + " where lineage_id = ?::uuid",
        lineageId);
    update(
        c,
        "insert into mediation_audit_base (lineage_id, hour, received, rejected,"
            + " rejected_by_reason, duplicates, partials_joined, unanswered, rated, lines_written,"
            + " settlement_rows_written, pending_partials, reprocessed)"
            + " select lineage_id, hour, received, rejected, rejected_by_reason, duplicates,"
            + " partials_joined, unanswered, rated, lines_written, settlement_rows_written,"
            + " pending_partials, reprocessed from mediation_audit where lineage_id = ?::uuid",
        lineageId);
  }

  private static void update(Connection c, String sql, String lineageId) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, lineageId);
      s.executeUpdate();
    }
  }

  private static boolean foreignRows(Connection c, String lineageId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "select 1 from settlement_daily where lineage_id is distinct from ?::uuid union all"
                + " select 1 from mediation_audit where lineage_id is distinct from ?::uuid"
                + " limit 1")) {
      s.setString(1, lineageId);
      s.setString(2, lineageId);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  private static boolean exists(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql + " limit 1")) {
      return r.next();
    }
  }
}
