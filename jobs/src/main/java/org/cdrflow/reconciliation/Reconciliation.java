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
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.cdrflow.connectors.jdbc.BinaryCopyReader;
import org.postgresql.PGConnection;

/**
 * Reconciles one partner's month (docs/reconciliation.md): the statement against {@code
 * finance_settlement_v1}, and, when given, the partner's calls against {@code
 * finance_settlement_call_v1}. Everything is read and compared before anything is stored, and the
 * run and its items are written in one transaction, so a failure stores nothing and a re-run of the
 * same inputs rewrites the same rows.
 *
 * <p>Our calls of the partner's month are read in one binary COPY and paired with theirs in memory
 * by {@link CallPairing} (same numbers and direction, starts within the pairing window, each
 * other's nearest, in rounds); {@link CallComparison} then classifies each pair. Only what is not a
 * plain match becomes an item (docs/benchmarks.md, "Reconciliation, next round").
 */
public final class Reconciliation {
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
      OurCalls settled = readOurs(c, partner, month);
      steps.done("read ours");
      ourCalls = settled.size();
      for (BigDecimal amount : settled.amount) {
        if (amount != null) {
          ourCallsAmount = ourCallsAmount.add(amount);
        }
      }
      CallPairing.Pairs pairs =
          CallPairing.pair(
              settled.side(), theirSide(their), tol.pairingWindow().toMillis() * 1000L);
      rounds = pairs.rounds();
      steps.done("pair");
      // Every pair is classified as CallComparison classifies it; a match (most pairs) is only
      // counted, per product, and only the others become items (their OurCall built for them).
      long[] matchedByProduct = new long[settled.products.size()];
      for (int i = 0; i < settled.size(); i++) {
        int row = pairs.theirOfOurs()[i];
        if (row < 0) {
          OurCall o = settled.call(i);
          count(callCounts, byProduct, o.product(), ReconciliationClass.OURS_ONLY);
          items.add(oursOnly(o));
          continue;
        }
        PartnerCall t = their.get(row);
        if (CallComparison.matches(
            Math.floorDiv(settled.startMicros[i], 1000L),
            settled.seconds[i],
            settled.products.get(settled.product[i]),
            settled.amount[i],
            t,
            tol)) {
          matchedByProduct[settled.product[i]]++;
          continue;
        }
        OurCall o = settled.call(i);
        CallComparison.Outcome out = CallComparison.compare(o, t, tol);
        count(callCounts, byProduct, o.product(), out.reconciliationClass());
        if (out.reconciliationClass() != ReconciliationClass.MATCHED) {
          items.add(paired(o, t, out));
        }
      }
      for (int p = 0; p < matchedByProduct.length; p++) {
        // Every product of ours is listed, with its matches (maybe none).
        String product = settled.products.get(p);
        callCounts.merge(ReconciliationClass.MATCHED, matchedByProduct[p], Long::sum);
        byProduct
            .computeIfAbsent(product, k -> zeroCounts())
            .merge(ReconciliationClass.MATCHED, matchedByProduct[p], Long::sum);
      }
      for (int row = 0; row < their.size(); row++) {
        if (pairs.ourOfTheirs()[row] < 0) {
          PartnerCall t = their.get(row);
          count(callCounts, byProduct, t.product(), ReconciliationClass.THEIRS_ONLY);
          items.add(theirsOnly(t));
        }
      }
      steps.done("classify");
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

  /**
   * Our calls of the partner's month, in the order read, as arrays: pairing and the check for a
   * match read them without an object per call; {@link #call} builds the {@link OurCall} of one
   * that is not a plain match.
   */
  static final class OurCalls {
    final String[] a;
    final String[] b;
    final String[] direction;
    final long[] idHigh;
    final long[] idLow;
    final long[] startMicros;
    final long[] seconds;
    final BigDecimal[] amount;

    /** The index of each call's product in {@code products}. */
    final int[] product;

    /** The products, each once (null, when a row has none, too). */
    final List<String> products;

    OurCalls(int n, List<String> products) {
      this(
          new String[n],
          new String[n],
          new String[n],
          new long[n],
          new long[n],
          new long[n],
          new long[n],
          new BigDecimal[n],
          new int[n],
          products);
    }

    private OurCalls(
        String[] a,
        String[] b,
        String[] direction,
        long[] idHigh,
        long[] idLow,
        long[] startMicros,
        long[] seconds,
        BigDecimal[] amount,
        int[] product,
        List<String> products) {
      this.a = a;
      this.b = b;
      this.direction = direction;
      this.idHigh = idHigh;
      this.idLow = idLow;
      this.startMicros = startMicros;
      this.seconds = seconds;
      this.amount = amount;
      this.product = product;
      this.products = products;
    }

    int size() {
      return startMicros.length;
    }

    /** A copy with room for {@code n} calls (or only the first {@code n}). */
    OurCalls grown(int n) {
      return new OurCalls(
          java.util.Arrays.copyOf(a, n),
          java.util.Arrays.copyOf(b, n),
          java.util.Arrays.copyOf(direction, n),
          java.util.Arrays.copyOf(idHigh, n),
          java.util.Arrays.copyOf(idLow, n),
          java.util.Arrays.copyOf(startMicros, n),
          java.util.Arrays.copyOf(seconds, n),
          java.util.Arrays.copyOf(amount, n),
          java.util.Arrays.copyOf(product, n),
          products);
    }

    CallPairing.Side side() {
      return new CallPairing.Side(a, b, direction, startMicros, idHigh, idLow);
    }

    OurCall call(int i) {
      long micros = startMicros[i];
      return new OurCall(
          new UUID(idHigh[i], idLow[i]).toString(),
          Instant.ofEpochSecond(
              Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L),
          seconds[i],
          direction[i],
          products.get(product[i]),
          amount[i]);
    }
  }

  /**
   * Our settled calls of the partner and month, from {@code finance_settlement_call_v1}, in one
   * binary COPY: no text formatting and parsing of timestamps and amounts, and starts at their full
   * (microsecond) precision, as pairing compares them.
   */
  static OurCalls readOurs(Connection c, String partner, YearMonth month) throws SQLException {
    String copy =
        "COPY (SELECT settlement_id, a_number, b_number, event_start, seconds, direction, product,"
            + " amount FROM finance_settlement_call_v1 WHERE partner_id = "
            + literal(partner)
            + " AND event_date >= DATE '"
            + month.atDay(1)
            + "' AND event_date < DATE '"
            + month.plusMonths(1).atDay(1)
            + "') TO STDOUT (FORMAT binary)";
    int capacity = 1024;
    OurCalls ours = new OurCalls(capacity, new ArrayList<>());
    Map<String, String> directions = new HashMap<>();
    Map<String, Integer> productIndex = new HashMap<>();
    int n = 0;
    try (BinaryCopyReader r = BinaryCopyReader.open(c, copy)) {
      while (r.next()) {
        if (n == capacity) {
          capacity *= 2;
          ours = ours.grown(capacity);
        }
        ours.idHigh[n] = r.uuidHigh(0);
        ours.idLow[n] = r.uuidLow(0);
        ours.a[n] = r.text(1);
        ours.b[n] = r.text(2);
        ours.startMicros[n] = r.epochMicros(3);
        Integer seconds = r.int4(4);
        ours.seconds[n] = seconds == null ? 0 : seconds;
        String direction = r.text(5);
        ours.direction[n] =
            direction == null ? null : directions.computeIfAbsent(direction, k -> k);
        String product = r.text(6);
        Integer index = productIndex.get(product);
        if (index == null) {
          index = ours.products.size();
          ours.products.add(product);
          productIndex.put(product, index);
        }
        ours.product[n] = index;
        ours.amount[n] = r.numeric(7);
        n++;
      }
    }
    return ours.grown(n);
  }

  /** The partner's calls as pairing looks at them; the index is the file order. */
  static CallPairing.Side theirSide(List<PartnerCall> their) {
    int n = their.size();
    String[] a = new String[n];
    String[] b = new String[n];
    String[] directions = new String[n];
    long[] micros = new long[n];
    for (int i = 0; i < n; i++) {
      PartnerCall t = their.get(i);
      a[i] = t.aNumber();
      b[i] = t.bNumber();
      directions[i] = t.direction();
      micros[i] = micros(t.start());
    }
    return new CallPairing.Side(a, b, directions, micros, null, null);
  }

  /**
   * An instant in microseconds, as PostgreSQL keeps a timestamptz (a finer fraction rounded to the
   * nearest microsecond, half to even): earlier versions paired in the database, and pairing gives
   * the same pairs.
   */
  static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + (long) Math.rint(t.getNano() / 1000.0);
  }

  /** A string literal of SQL (standard_conforming_strings, the default since PostgreSQL 9.1). */
  private static String literal(String v) {
    return "'" + v.replace("'", "''") + "'";
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
