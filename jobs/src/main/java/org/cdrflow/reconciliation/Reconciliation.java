package org.cdrflow.reconciliation;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * Reconciles one partner's month (docs/reconciliation.md): the statement against {@code
 * finance_settlement_v1}, and, when given, the partner's calls against {@code
 * finance_settlement_call_v1}. Everything is read and compared before anything is stored, and the
 * run and its items are written in one transaction, so a failure stores nothing and a re-run of the
 * same inputs rewrites the same rows.
 *
 * <p>Pairing is set-based SQL in the session: the partner's calls are copied into a temporary
 * table, joined with ours on the normalised numbers and direction within the pairing window, and
 * pairs are taken in rounds, each round every pair whose calls are each other's nearest (ties by
 * their file line and our settlement id), until no pair is left. {@link CallComparison} then
 * classifies each pair; pairs well within every tolerance are only counted, in the database.
 */
public final class Reconciliation {
  /** Rounds of pairing before the rest are left unpaired (each round pairs at least one). */
  static final int MAX_ROUNDS = 50;

  private Reconciliation() {}

  /** The wall time of each step, in the order they ran. */
  static final class Steps {
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private long since = System.nanoTime();

    /** Ends the step {@code name} (begun when the last one ended). */
    void done(String name) {
      long now = System.nanoTime();
      seconds.merge(name, (now - since) / 1e9, Double::sum);
      since = now;
    }

    Map<String, Double> seconds() {
      return java.util.Collections.unmodifiableMap(seconds);
    }
  }

  /**
   * What a run found; {@code items} are the rows of {@code reconciliation_item}; {@code
   * stepSeconds} the wall time of each step of the run, in order (docs/benchmarks.md,
   * "Reconciliation").
   */
  public record Result(
      String runId,
      String currency,
      long ourCalls,
      long theirCalls,
      Map<ReconciliationClass, Long> callCounts,
      Map<ReconciliationClass, Long> dayCounts,
      BigDecimal ourCallsAmount,
      BigDecimal theirCallsAmount,
      BigDecimal ourTotal,
      BigDecimal theirTotal,
      Map<String, Map<ReconciliationClass, Long>> callsByProduct,
      List<ReconciliationItem> items,
      int pairingRounds,
      Map<String, Double> stepSeconds) {

    public BigDecimal difference() {
      return theirTotal.subtract(ourTotal);
    }
  }

  /** The id of a run: the same inputs and tolerances give the same id. */
  public static String runIdOf(
      String partner, YearMonth month, String statementSha, String callsSha, Tolerances tol) {
    String key =
        "reconciliation|"
            + partner
            + '|'
            + month
            + '|'
            + statementSha
            + '|'
            + (callsSha == null ? "" : callsSha)
            + '|'
            + tol.describe();
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /**
   * Reconciles and stores the result, committing on success and rolling back on failure.
   *
   * @param calls the partner's per-call file; null when only a statement was sent
   */
  public static Result run(
      Connection c,
      String partner,
      YearMonth month,
      PartnerFiles.Statement statement,
      PartnerFiles.Calls calls,
      Tolerances tol)
      throws SQLException, IOException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      String runId =
          runIdOf(partner, month, statement.sha256(), calls == null ? null : calls.sha256(), tol);
      Steps steps = new Steps();
      Result r = compute(c, runId, partner, month, statement, calls, tol, steps);
      store(c, partner, month, statement, calls, tol, r);
      steps.done("store");
      c.commit();
      steps.done("commit");
      return r;
    } catch (SQLException | IOException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static Result compute(
      Connection c,
      String runId,
      String partner,
      YearMonth month,
      PartnerFiles.Statement statement,
      PartnerFiles.Calls calls,
      Tolerances tol,
      Steps steps)
      throws SQLException, IOException {
    List<ReconciliationItem> items = new ArrayList<>();
    Map<ReconciliationClass, Long> dayCounts = zeroCounts();
    String currency = statement.currency();

    // ---- Statement rows against our daily rows.
    Map<String, StatementRow> ours = new TreeMap<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT direction, product, currency, day, events, seconds, amount"
                + " FROM finance_settlement_v1 WHERE partner_id = ? AND day >= ? AND day < ?")) {
      s.setString(1, partner);
      s.setDate(2, Date.valueOf(month.atDay(1)));
      s.setDate(3, Date.valueOf(month.plusMonths(1).atDay(1)));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          StatementRow row =
              new StatementRow(
                  0,
                  rs.getString(1),
                  rs.getString(2),
                  rs.getDate(4).toLocalDate(),
                  rs.getLong(5),
                  BigDecimal.valueOf(rs.getLong(6))
                      .divide(BigDecimal.valueOf(60), 2, RoundingMode.HALF_UP),
                  rs.getBigDecimal(7),
                  rs.getString(3));
          ours.put(row.key(), row);
        }
      }
    }
    BigDecimal ourTotal = BigDecimal.ZERO;
    BigDecimal theirTotal = BigDecimal.ZERO;
    Map<String, StatementRow> theirs = new LinkedHashMap<>();
    for (StatementRow t : statement.rows()) {
      theirs.put(t.key(), t);
      theirTotal = theirTotal.add(t.amount());
    }
    for (StatementRow o : ours.values()) {
      if (currency == null || currency.equals(o.currency())) {
        ourTotal = ourTotal.add(o.amount());
      }
    }
    List<String> keys = new ArrayList<>(ours.keySet());
    for (String k : theirs.keySet()) {
      if (!ours.containsKey(k)) {
        keys.add(k);
      }
    }
    for (String k : keys) {
      StatementRow o = ours.get(k);
      StatementRow t = theirs.get(k);
      ReconciliationClass cls;
      List<CallComparison.Difference> d = List.of();
      if (o == null) {
        cls = ReconciliationClass.THEIRS_ONLY;
      } else if (t == null) {
        cls = ReconciliationClass.OURS_ONLY;
      } else {
        d = DayComparison.compare(o, t, tol);
        cls =
            d.isEmpty() ? ReconciliationClass.MATCHED : ReconciliationClass.MATCHED_WITH_DIFFERENCE;
      }
      dayCounts.merge(cls, 1L, Long::sum);
      StatementRow any = o != null ? o : t;
      BigDecimal ourAmount = o == null ? null : o.amount();
      BigDecimal theirAmount = t == null ? null : t.amount();
      items.add(
          new ReconciliationItem(
              "day:" + k,
              ReconciliationItem.DAY,
              cls,
              any.direction(),
              any.product(),
              null,
              any.day(),
              null,
              null,
              t == null ? null : t.line(),
              null,
              null,
              null,
              null,
              o == null ? null : o.events(),
              t == null ? null : t.events(),
              ourAmount,
              theirAmount,
              d,
              null,
              null,
              o != null && t != null ? t.events() - o.events() : null,
              nz(theirAmount).subtract(nz(ourAmount))));
    }

    steps.done("statement");
    Map<ReconciliationClass, Long> callCounts = zeroCounts();
    Map<String, Map<ReconciliationClass, Long>> byProduct = new TreeMap<>();
    long ourCalls = 0;
    long theirCalls = 0;
    BigDecimal ourCallsAmount = null;
    BigDecimal theirCallsAmount = null;
    int rounds = 0;
    if (calls != null) {
      ourCallsAmount = BigDecimal.ZERO;
      theirCallsAmount = BigDecimal.ZERO;
      List<PartnerCall> their = calls.calls();
      theirCalls = their.size();
      for (PartnerCall t : their) {
        theirCallsAmount = theirCallsAmount.add(t.amount());
      }
      rounds = pair(c, partner, month, their, tol, steps);
      // A pair whose every field is well within its tolerance is MATCHED whatever the rounding
      // of the starts to milliseconds in CallComparison (a millisecond of margin): such pairs are
      // only counted, in the database; the others, and our unpaired calls, are read back and
      // classified by CallComparison (docs/benchmarks.md, "Reconciliation, third round").
      long startMicros = tol.start().toMillis() * 1000 - 1000;
      String surely =
          startMicros < 0
              ? "false"
              : "coalesce(p.row_no IS NOT NULL AND t.start_at BETWEEN o.event_start - make_interval(secs"
                  + " => "
                  + BigDecimal.valueOf(startMicros, 6).toPlainString()
                  + ") AND o.event_start + make_interval(secs => "
                  + BigDecimal.valueOf(startMicros, 6).toPlainString()
                  + ") AND abs(t.seconds - o.seconds) * 1000 <= "
                  + tol.duration().toMillis()
                  + " AND abs(t.amount - o.amount) <= "
                  + tol.amount().toPlainString()
                  + " AND t.product IS NOT DISTINCT FROM o.product, false)";
      String pairs =
          " FROM recon_ours o LEFT JOIN recon_pair p ON p.settlement_id = o.settlement_id"
              + " LEFT JOIN recon_theirs t ON t.row_no = p.row_no";
      try (Statement st = c.createStatement()) {
        try (ResultSet rs =
            st.executeQuery(
                "SELECT o.product, count(*), coalesce(sum(o.amount), 0), count(*) FILTER (WHERE "
                    + surely
                    + ")"
                    + pairs
                    + " GROUP BY o.product")) {
          while (rs.next()) {
            String product = rs.getString(1);
            ourCalls += rs.getLong(2);
            ourCallsAmount = ourCallsAmount.add(rs.getBigDecimal(3));
            long matched = rs.getLong(4);
            callCounts.merge(ReconciliationClass.MATCHED, matched, Long::sum);
            byProduct
                .computeIfAbsent(product, k -> zeroCounts())
                .merge(ReconciliationClass.MATCHED, matched, Long::sum);
          }
        }
        steps.done("count matched");
        st.setFetchSize(10_000);
        try (ResultSet rs =
            st.executeQuery(
                "SELECT o.settlement_id, p.row_no, o.event_start, o.seconds, o.direction,"
                    + " o.product, o.amount"
                    + pairs
                    + " WHERE NOT "
                    + surely)) {
          while (rs.next()) {
            OurCall o =
                new OurCall(
                    rs.getString(1),
                    rs.getTimestamp(3).toInstant(),
                    rs.getLong(4),
                    rs.getString(5),
                    rs.getString(6),
                    rs.getBigDecimal(7));
            int row = rs.getInt(2);
            if (rs.wasNull()) {
              count(callCounts, byProduct, o.product(), ReconciliationClass.OURS_ONLY);
              items.add(oursOnly(o));
              continue;
            }
            PartnerCall t = their.get(row);
            CallComparison.Outcome out = CallComparison.compare(o, t, tol);
            count(callCounts, byProduct, o.product(), out.reconciliationClass());
            if (out.reconciliationClass() != ReconciliationClass.MATCHED) {
              items.add(paired(o, t, out));
            }
          }
        }
        steps.done("read back and classify");
        try (ResultSet rs =
            st.executeQuery(
                "SELECT t.row_no FROM recon_theirs t WHERE NOT EXISTS (SELECT 1 FROM recon_pair p"
                    + " WHERE p.row_no = t.row_no) ORDER BY t.row_no")) {
          while (rs.next()) {
            PartnerCall t = their.get(rs.getInt(1));
            count(callCounts, byProduct, t.product(), ReconciliationClass.THEIRS_ONLY);
            items.add(theirsOnly(t));
          }
        }
        steps.done("theirs unpaired");
      }
    }
    return new Result(
        runId,
        currency,
        ourCalls,
        theirCalls,
        callCounts,
        dayCounts,
        ourCallsAmount,
        theirCallsAmount,
        ourTotal,
        theirTotal,
        byProduct,
        items,
        rounds,
        steps.seconds());
  }

  /** Pairs our calls and theirs in session tables; returns the rounds it took. */
  static int pair(
      Connection c,
      String partner,
      YearMonth month,
      List<PartnerCall> their,
      Tolerances tol,
      Steps steps)
      throws SQLException, IOException {
    workSettings(c);
    try (Statement st = c.createStatement()) {
      st.execute(
          "CREATE TEMPORARY TABLE recon_theirs (row_no integer, a text, b text,"
              + " start_at timestamptz, direction text, seconds bigint, product text,"
              + " amount numeric) ON COMMIT DROP");
      st.execute(
          "CREATE TEMPORARY TABLE recon_ours (settlement_id uuid, a text, b text,"
              + " event_start timestamptz, seconds bigint, direction text, product text,"
              + " amount numeric(18, 6)) ON COMMIT DROP");
      st.execute(
          "CREATE TEMPORARY TABLE recon_pair (settlement_id uuid, row_no integer,"
              + " round integer) ON COMMIT DROP");
    }
    StringBuilder sb = new StringBuilder(their.size() * 64);
    for (int i = 0; i < their.size(); i++) {
      PartnerCall t = their.get(i);
      sb.append(i)
          .append('\t')
          .append(t.aNumber() == null ? "" : copyText(t.aNumber()))
          .append('\t')
          .append(copyText(t.bNumber()))
          .append('\t')
          .append(t.start())
          .append('\t')
          .append(t.direction())
          .append('\t')
          .append(t.product() == null ? "\\N" : copyText(t.product()))
          .append('\t')
          .append(t.seconds())
          .append('\t')
          .append(t.amount().toPlainString())
          .append('\n');
    }
    ((PGConnection) c.unwrap(PGConnection.class))
        .getCopyAPI()
        .copyIn(
            "COPY recon_theirs (row_no, a, b, start_at, direction, product, seconds, amount)"
                + " FROM STDIN",
            new StringReader(sb.toString()));
    steps.done("copy theirs");
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO recon_ours SELECT settlement_id, coalesce(a_number, ''),"
                + " coalesce(b_number, ''), event_start, seconds, direction, product, amount"
                + " FROM finance_settlement_call_v1"
                + " WHERE partner_id = ? AND event_date >= ? AND event_date < ?")) {
      s.setString(1, partner);
      s.setDate(2, Date.valueOf(month.atDay(1)));
      s.setDate(3, Date.valueOf(month.plusMonths(1).atDay(1)));
      s.executeUpdate();
    }
    steps.done("insert ours");
    double window = tol.pairingWindow().toMillis() / 1000.0;
    try (Statement st = c.createStatement()) {
      st.execute("ANALYZE recon_theirs");
      st.execute("ANALYZE recon_ours");
      steps.done("analyze");
      st.execute(
          "CREATE TEMPORARY TABLE recon_candidate ON COMMIT DROP AS"
              + " SELECT settlement_id, row_no, distance,"
              + " row_number() OVER (PARTITION BY settlement_id ORDER BY distance, row_no)"
              + " AS by_ours,"
              + " row_number() OVER (PARTITION BY row_no ORDER BY distance, settlement_id)"
              + " AS by_theirs FROM (SELECT o.settlement_id, t.row_no,"
              + " abs(extract(epoch FROM t.start_at - o.event_start)) AS distance"
              + " FROM recon_ours o JOIN recon_theirs t"
              + " ON t.a = o.a AND t.b = o.b AND t.direction = o.direction"
              + " AND t.start_at BETWEEN o.event_start - make_interval(secs => "
              + window
              + ") AND o.event_start + make_interval(secs => "
              + window
              + ")) c");
      steps.done("candidates and the first round's ranks");
      int round = 0;
      while (round < MAX_ROUNDS) {
        round++;
        // The first round's ranks came with the candidates, in the same statement; a later
        // round ranks what is left of them again.
        int added =
            st.executeUpdate(
                round == 1
                    ? "INSERT INTO recon_pair SELECT settlement_id, row_no, 1 FROM recon_candidate"
                        + " WHERE by_ours = 1 AND by_theirs = 1"
                    : "INSERT INTO recon_pair SELECT settlement_id, row_no, "
                        + round
                        + " FROM (SELECT settlement_id, row_no,"
                        + " row_number() OVER (PARTITION BY settlement_id ORDER BY distance,"
                        + " row_no) AS by_ours,"
                        + " row_number() OVER (PARTITION BY row_no ORDER BY distance,"
                        + " settlement_id) AS by_theirs FROM recon_candidate) c"
                        + " WHERE by_ours = 1 AND by_theirs = 1");
        steps.done("pairing rounds");
        if (added == 0) {
          break;
        }
        // Usually one round pairs everything: then no candidate has both calls still free, and
        // a read-only check ends the pairing without rewriting the candidates (docs/benchmarks.md,
        // "Reconciliation"). After the first round the cheapest such check: every candidate was
        // the first choice of both its calls, so every candidate is a pair. Otherwise the
        // candidates of paired calls go, and the next round runs.
        if (round == 1) {
          try (ResultSet rs =
              st.executeQuery(
                  "SELECT NOT EXISTS (SELECT 1 FROM recon_candidate"
                      + " WHERE by_ours > 1 OR by_theirs > 1)")) {
            rs.next();
            if (rs.getBoolean(1)) {
              steps.done("check for a next round");
              break;
            }
          }
        }
        try (ResultSet rs =
            st.executeQuery(
                "SELECT EXISTS (SELECT 1 FROM recon_candidate c WHERE NOT EXISTS (SELECT 1"
                    + " FROM recon_pair p WHERE p.settlement_id = c.settlement_id)"
                    + " AND NOT EXISTS (SELECT 1 FROM recon_pair p WHERE p.row_no = c.row_no))")) {
          rs.next();
          steps.done("check for a next round");
          if (!rs.getBoolean(1)) {
            break;
          }
        }
        st.executeUpdate(
            "DELETE FROM recon_candidate c WHERE EXISTS (SELECT 1 FROM recon_pair p"
                + " WHERE p.round = "
                + round
                + " AND p.settlement_id = c.settlement_id) OR EXISTS (SELECT 1 FROM"
                + " recon_pair p WHERE p.round = "
                + round
                + " AND p.row_no = c.row_no)");
        steps.done("pairing rounds");
      }
      return round;
    }
  }

  /**
   * Memory for the pairing, for this transaction only: the hash joins and the window sorts over the
   * candidates fit in {@code work_mem} instead of spilling to disk, and the session tables in local
   * buffers ({@code temp_buffers} can be set only before the session's first temporary table; a
   * session that already had one keeps its size). docs/benchmarks.md, "Reconciliation, third
   * round".
   */
  private static void workSettings(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCAL work_mem = '256MB'");
      Savepoint before = c.setSavepoint();
      try {
        st.execute("SET LOCAL temp_buffers = '256MB'");
        c.releaseSavepoint(before);
      } catch (SQLException alreadyUsed) {
        c.rollback(before);
      }
    }
  }

  private static void store(
      Connection c,
      String partner,
      YearMonth month,
      PartnerFiles.Statement statement,
      PartnerFiles.Calls calls,
      Tolerances tol,
      Result r)
      throws SQLException {
    String runId = r.runId();
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO reconciliation_run (run_id, partner_id, month, statement_sha256,"
                + " partner_cdrs_sha256, tolerances, currency, our_calls, their_calls, matched,"
                + " matched_with_difference, ours_only, theirs_only, our_calls_amount,"
                + " their_calls_amount, days_matched, days_with_difference, days_ours_only,"
                + " days_theirs_only, our_total_amount, their_total_amount, amount_difference)"
                + " VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?) ON CONFLICT (run_id) DO UPDATE SET currency = EXCLUDED.currency,"
                + " our_calls = EXCLUDED.our_calls, their_calls = EXCLUDED.their_calls,"
                + " matched = EXCLUDED.matched,"
                + " matched_with_difference = EXCLUDED.matched_with_difference,"
                + " ours_only = EXCLUDED.ours_only, theirs_only = EXCLUDED.theirs_only,"
                + " our_calls_amount = EXCLUDED.our_calls_amount,"
                + " their_calls_amount = EXCLUDED.their_calls_amount,"
                + " days_matched = EXCLUDED.days_matched,"
                + " days_with_difference = EXCLUDED.days_with_difference,"
                + " days_ours_only = EXCLUDED.days_ours_only,"
                + " days_theirs_only = EXCLUDED.days_theirs_only,"
                + " our_total_amount = EXCLUDED.our_total_amount,"
                + " their_total_amount = EXCLUDED.their_total_amount,"
                + " amount_difference = EXCLUDED.amount_difference")) {
      int i = 0;
      s.setString(++i, runId);
      s.setString(++i, partner);
      s.setString(++i, month.toString());
      s.setString(++i, statement.sha256());
      s.setString(++i, calls == null ? null : calls.sha256());
      s.setString(++i, tol.describe());
      s.setString(++i, r.currency());
      s.setLong(++i, r.ourCalls());
      s.setLong(++i, r.theirCalls());
      for (ReconciliationClass k : ReconciliationClass.values()) {
        s.setLong(++i, r.callCounts().get(k));
      }
      s.setBigDecimal(++i, r.ourCallsAmount());
      s.setBigDecimal(++i, r.theirCallsAmount());
      for (ReconciliationClass k : ReconciliationClass.values()) {
        s.setLong(++i, r.dayCounts().get(k));
      }
      s.setBigDecimal(++i, r.ourTotal());
      s.setBigDecimal(++i, r.theirTotal());
      s.setBigDecimal(++i, r.difference());
      s.executeUpdate();
    }
    try (PreparedStatement s =
        c.prepareStatement("DELETE FROM reconciliation_item WHERE run_id = ?::uuid")) {
      s.setString(1, runId);
      s.executeUpdate();
    }
    // One COPY of every item instead of batched INSERTs (docs/benchmarks.md, "Reconciliation,
    // third round"); the run's rows were deleted above, so nothing conflicts.
    StringBuilder sb = new StringBuilder(Math.max(1024, r.items().size() * 160));
    for (ReconciliationItem it : r.items()) {
      sb.append(runId);
      field(sb, it.itemId());
      field(sb, it.level());
      field(sb, it.reconciliationClass().name());
      field(sb, it.direction());
      field(sb, it.product());
      field(sb, it.theirProduct());
      field(sb, it.day());
      field(sb, it.settlementId());
      field(sb, it.theirCallId());
      field(sb, it.theirLine());
      field(sb, it.ourStart());
      field(sb, it.theirStart());
      field(sb, it.ourSeconds());
      field(sb, it.theirSeconds());
      field(sb, it.ourEvents());
      field(sb, it.theirEvents());
      field(sb, it.ourAmount());
      field(sb, it.theirAmount());
      StringBuilder literal = new StringBuilder("{");
      for (CallComparison.Difference d : it.differences()) {
        if (literal.length() > 1) {
          literal.append(',');
        }
        literal
            .append('"')
            .append(d.toString().replace("\\", "\\\\").replace("\"", "\\\""))
            .append('"');
      }
      field(sb, literal.append('}').toString());
      field(sb, it.startDifferenceSeconds());
      field(sb, it.secondsDifference());
      field(sb, it.eventsDifference());
      field(sb, it.amountDifference());
      sb.append('\n');
    }
    try {
      ((PGConnection) c.unwrap(PGConnection.class))
          .getCopyAPI()
          .copyIn(
              "COPY reconciliation_item (run_id, item_id, level, class, direction, product,"
                  + " their_product, day, settlement_id, their_call_id, their_line, our_start,"
                  + " their_start, our_seconds, their_seconds, our_events, their_events,"
                  + " our_amount, their_amount, differences, start_difference_s,"
                  + " seconds_difference, events_difference, amount_difference) FROM STDIN",
              new StringReader(sb.toString()));
    } catch (IOException e) {
      throw new SQLException("writing the reconciliation items failed", e);
    }
  }

  /** A tab and a value in COPY's text format: {@code \N} for null, text escaped. */
  private static void field(StringBuilder sb, Object value) {
    sb.append('\t');
    if (value == null) {
      sb.append("\\N");
    } else if (value instanceof BigDecimal d) {
      sb.append(d.toPlainString());
    } else {
      sb.append(copyText(value.toString()));
    }
  }

  private static BigDecimal nz(BigDecimal v) {
    return v == null ? BigDecimal.ZERO : v;
  }

  private static Map<ReconciliationClass, Long> zeroCounts() {
    Map<ReconciliationClass, Long> m = new EnumMap<>(ReconciliationClass.class);
    for (ReconciliationClass k : ReconciliationClass.values()) {
      m.put(k, 0L);
    }
    return m;
  }

  private static void count(
      Map<ReconciliationClass, Long> counts,
      Map<String, Map<ReconciliationClass, Long>> byProduct,
      String product,
      ReconciliationClass cls) {
    counts.merge(cls, 1L, Long::sum);
    byProduct.computeIfAbsent(product, p -> zeroCounts()).merge(cls, 1L, Long::sum);
  }

  private static ReconciliationItem oursOnly(OurCall o) {
    return new ReconciliationItem(
        "call:" + o.settlementId(),
        ReconciliationItem.CALL,
        ReconciliationClass.OURS_ONLY,
        o.direction(),
        o.product(),
        null,
        o.start().atZone(java.time.ZoneId.of("Europe/Oslo")).toLocalDate(),
        o.settlementId(),
        null,
        null,
        o.start(),
        null,
        o.seconds(),
        null,
        null,
        null,
        o.amount(),
        null,
        List.of(),
        null,
        null,
        null,
        o.amount().negate());
  }

  private static ReconciliationItem theirsOnly(PartnerCall t) {
    return new ReconciliationItem(
        "their:" + t.callId(),
        ReconciliationItem.CALL,
        ReconciliationClass.THEIRS_ONLY,
        t.direction(),
        null,
        t.product(),
        t.start().atZone(java.time.ZoneId.of("Europe/Oslo")).toLocalDate(),
        null,
        t.callId(),
        t.line(),
        null,
        t.start(),
        null,
        t.seconds(),
        null,
        null,
        null,
        t.amount(),
        List.of(),
        null,
        null,
        null,
        t.amount());
  }

  private static ReconciliationItem paired(OurCall o, PartnerCall t, CallComparison.Outcome out) {
    return new ReconciliationItem(
        "call:" + o.settlementId(),
        ReconciliationItem.CALL,
        out.reconciliationClass(),
        o.direction(),
        o.product(),
        t.product(),
        o.start().atZone(java.time.ZoneId.of("Europe/Oslo")).toLocalDate(),
        o.settlementId(),
        t.callId(),
        t.line(),
        o.start(),
        t.start(),
        o.seconds(),
        t.seconds(),
        null,
        null,
        o.amount(),
        t.amount(),
        out.differences(),
        BigDecimal.valueOf(out.startDifferenceMillis(), 3),
        out.secondsDifference(),
        null,
        out.amountDifference());
  }

  /** Escapes a value for COPY's text format. */
  private static String copyText(String v) {
    if (v.indexOf('\\') < 0 && v.indexOf('\t') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
      return v;
    }
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
  }
}
