package org.cdrflow.rerating;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.cdrflow.connectors.jdbc.BinaryCopyReader;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.rating.PresenceDays;
import org.cdrflow.rating.Rerating;
import org.cdrflow.settlement.SettlementCall;

/**
 * The SQL of shadow re-rating (docs/rerating.md): reading a subscription's lines of a period and
 * its presence days before it, and writing the lines that changed to {@code rerate_line}. Never
 * writes {@code invoice_line}; that is {@link ShadowPublisher}'s.
 */
final class ShadowStore {
  private ShadowStore() {}

  /** Rows fetched at a time by the streamed queries. */
  private static final int FETCH = 5_000;

  /**
   * The columns of a stored line that re-rating reads: what rating needs (what happened, where the
   * subscriber was) and the columns it compares ({@link Rerating#changedColumns}); not the line's
   * provenance (network element, call reference, IMSI, raw records, topic, partition, offset), its
   * currency or reference version, which the re-rater neither prices by nor writes. Amount is what
   * the customer was charged so far: the line plus the adjustments of earlier re-ratings that point
   * at it ({@code a}, joined by {@link #rangeLines}). Integers are cast to bigint, so {@link #read}
   * reads one form.
   */
  private static final String LINE_COLUMNS =
      "l.line_id, l.event_date, l.account_id, l.subscription_id, l.msisdn, l.billing_period,"
          + " l.usage_period, l.event_start, l.service, l.direction, l.counterpart_number,"
          + " l.counterpart_country, l.counterpart_class, l.roaming_country, l.rating_zone,"
          + " l.duration_s::bigint, l.volume_bytes::bigint, l.billed_units::bigint,"
          + " l.allowance_units::bigint, l.chargeable_units::bigint,"
          + " l.amount + coalesce(a.adjusted, 0), l.flags, l.plan_id, l.rate_valid_from,"
          + " l.unit_price, l.connect_fee, l.fair_use_surcharge, l.allowance_before::bigint,"
          + " l.allowance_after::bigint, l.visited_zone";

  /**
   * Range {@code index} of {@code ranges} of the selected subscriptions: those whose id hashes to
   * it ({@code hashtext}, PostgreSQL's own), so a task's range needs no list of subscriptions and
   * the run no query to make one (docs/benchmarks.md, "Re-rating"). A selection of one account or
   * subscription ({@code accountId}, {@code subscriptionId}, at most one) narrows every range.
   */
  record Range(YearMonth period, int index, int ranges, String accountId, String subscriptionId) {

    /**
     * The condition on the lines of {@code alias} that the range re-rates: of the usage period, not
     * anonymised, no adjustment, of the range's subscriptions. SQL text, not parameters: COPY takes
     * none; the period is a validated {@link YearMonth}, ids are quoted ({@link #quote}).
     */
    String lines(String alias) {
      String l = alias + ".";
      return l
          + "usage_period = '"
          + period
          + "' AND "
          + l
          + "event_date >= '"
          + period.atDay(1)
          + "' AND "
          + l
          + "event_date < '"
          + period.plusMonths(1).atDay(1)
          + "' AND "
          + l
          + "anonymised_at IS NULL AND "
          + l
          + "corrects_line_id IS NULL AND "
          + l
          + "subscription_id IS NOT NULL AND "
          + bucket(l)
          + (accountId != null ? " AND " + l + "account_id = " + quote(accountId) : "")
          + (subscriptionId != null
              ? " AND " + l + "subscription_id = " + quote(subscriptionId)
              : "");
    }

    /** The range's subscriptions by their hash, on the rows of {@code l} ("alias." or ""). */
    private String bucket(String l) {
      return "(hashtext(" + l + "subscription_id) & 2147483647) % " + ranges + " = " + index;
    }

    /**
     * The condition on {@code invoice_line} rows of the range's subscriptions, for their days at
     * home before the period. Without a selection by account, by the hash and subscription alone:
     * days of a subscription that has no line to re-rate are read but never asked for, and the
     * period's lines are not scanned a second time to name the subscriptions (docs/benchmarks.md,
     * "Re-rating, third round"). An account's subscriptions are those of its lines of the period (a
     * subscription's earlier lines may belong to another account).
     */
    String presenceSubscriptions() {
      if (accountId != null) {
        return "subscription_id IN (SELECT l.subscription_id FROM invoice_line l WHERE "
            + lines("l")
            + ")";
      }
      return bucket("")
          + (subscriptionId != null ? " AND subscription_id = " + quote(subscriptionId) : "");
    }
  }

  /** {@code value} as a SQL string literal (standard conforming strings: quotes doubled). */
  static String quote(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /**
   * The lines of a range that can be re-rated, grouped by subscription, as a binary COPY
   * (docs/benchmarks.md, "Re-rating"): the server formats no timestamp, numeric or array as text
   * and nothing parses them back. The adjustments are summed once for the whole table (few rows, a
   * partial index) and hash-joined, instead of a probe of every partition per line.
   */
  static String rangeLines(Range range) {
    YearMonth period = range.period();
    return "COPY (SELECT "
        + LINE_COLUMNS
        + ", "
        + SETTLEMENT_COLUMNS
        + " FROM invoice_line l LEFT JOIN (SELECT corrects_line_id, sum(amount) AS adjusted"
        + " FROM invoice_line WHERE corrects_line_id IS NOT NULL GROUP BY corrects_line_id) a"
        + " ON a.corrects_line_id = l.line_id"
        // A settlement row has its line's event date (both are the Europe/Oslo date of the
        // event), which limits the partitions read.
        + " LEFT JOIN settlement_call sc ON sc.line_id = l.line_id"
        + " AND sc.event_date = l.event_date AND sc.event_date >= '"
        + period.atDay(1)
        + "' AND sc.event_date < '"
        + period.plusMonths(1).atDay(1)
        + "' AND sc.anonymised_at IS NULL AND sc.partner_id IS NOT NULL"
        + " AND sc.amount IS NOT NULL WHERE "
        + range.lines("l")
        + " ORDER BY l.subscription_id COLLATE \"C\") TO STDOUT (FORMAT binary)";
  }

  /**
   * The columns of a line's {@code settlement_call} row, beside the line in {@link #rangeLines}:
   * settled again by the run (docs/rerating.md, "Settlement"). Anonymised rows are never
   * re-settled. The numbers are not read: re-settling does not need them. All null for a line
   * without one; {@code line_id} and {@code event_date} are the line's.
   */
  private static final String SETTLEMENT_COLUMNS =
      "sc.settlement_id, sc.partner_id, sc.direction, sc.product, sc.event_start,"
          + " sc.seconds::bigint, sc.units::bigint, sc.price, sc.amount, sc.currency,"
          + " sc.interconnect_rate_valid_from";

  /** The index of the first of {@link #SETTLEMENT_COLUMNS} in a row of {@link #rangeLines}. */
  private static final int SETTLEMENT = 30;

  /**
   * The lines of a range of subscriptions, read by one streamed binary COPY, a subscription at a
   * time. The connection is busy with the COPY until the last subscription is read.
   */
  static final class RangeLines implements AutoCloseable {
    private final BinaryCopyReader rows;
    private final Consumer<SettlementCall> settled;
    private InvoiceLine next;

    /** The ids of the lines of subscription {@link #settledOf} that had a settlement row. */
    private Set<String> settledLines = new HashSet<>();

    private String settledOf;

    /**
     * @param settled takes each settlement row of the range's lines as it is read
     */
    RangeLines(Connection c, Range range, Consumer<SettlementCall> settled) throws SQLException {
      rows = BinaryCopyReader.open(c, rangeLines(range));
      this.settled = settled;
      next = advance();
    }

    /** The next subscription's lines (at least one); null when the range is done. */
    List<InvoiceLine> nextSubscription() throws SQLException {
      if (next == null) {
        return null;
      }
      List<InvoiceLine> lines = new ArrayList<>();
      String subscription = next.subscriptionId;
      while (next != null && next.subscriptionId.equals(subscription)) {
        lines.add(next);
        next = advance();
      }
      return lines;
    }

    /**
     * The next row's line, its settlement row handed to {@link #settled}. A line with two
     * settlement rows comes twice (a join): its second row gives only the settlement row (the sort
     * by subscription keeps both in the same subscription).
     */
    private InvoiceLine advance() throws SQLException {
      while (rows.next()) {
        InvoiceLine line = read(rows);
        if (rows.isNull(SETTLEMENT)) {
          return line;
        }
        if (!line.subscriptionId.equals(settledOf)) {
          // clear() would walk a table that a large subscription grew
          settledLines = settledLines.size() > 64 ? new HashSet<>() : settledLines;
          settledLines.clear();
          settledOf = line.subscriptionId;
        }
        boolean first = settledLines.add(line.lineId);
        settled.accept(settlementOf(rows, line));
        if (first) {
          return line;
        }
      }
      return null;
    }

    @Override
    public void close() throws SQLException {
      rows.close();
    }
  }

  /**
   * The days at home before the period of a range of subscriptions, as the streaming job recorded
   * them: every rated event at home that was not on a blocked SIM (docs/rating.md, "Decisions" 6).
   * Read whole before the range's lines (they take the connection with their COPY).
   */
  static Map<String, PresenceDays> presence(Connection c, Range range) throws SQLException {
    LocalDate start = range.period().atDay(1);
    Map<String, PresenceDays> days = new HashMap<>();
    try (Statement s = c.createStatement()) {
      s.setFetchSize(FETCH);
      try (ResultSet rows =
          s.executeQuery(
              "SELECT DISTINCT subscription_id, event_date FROM invoice_line WHERE "
                  + range.presenceSubscriptions()
                  + " AND event_date >= '"
                  + start.minusDays(PresenceDays.DAYS)
                  + "' AND event_date < '"
                  + start
                  + "' AND visited_zone = 'HOME'"
                  + " AND corrects_line_id IS NULL AND NOT ('BLOCKED_SIM' = ANY (flags))")) {
        while (rows.next()) {
          days.computeIfAbsent(rows.getString(1), k -> new PresenceDays())
              .record(rows.getObject(2, LocalDate.class));
        }
      }
    }
    return days;
  }

  /**
   * Writes the changed lines of a range, a batch at a time, and adds the range's counts to the run
   * once, at {@link #finish}, in the range's transaction.
   */
  static final class Writer {
    private static final int BATCH = 1_000;
    private final Connection c;
    private final String runId;
    private final PreparedStatement insert;
    private long selected;
    private long changed;
    private int batched;
    private BigDecimal before = BigDecimal.ZERO;
    private BigDecimal after = BigDecimal.ZERO;

    Writer(Connection c, String runId) throws SQLException {
      this.c = c;
      this.runId = runId;
      insert =
          c.prepareStatement(
              "INSERT INTO rerate_line (run_id, line_id, event_date, account_id, subscription_id,"
                  + " billing_period, changed, old_amount, old_rating_zone, old_billed_units,"
                  + " old_allowance_units, old_chargeable_units, old_flags, rating_zone,"
                  + " billed_units, allowance_units, chargeable_units, amount, flags, plan_id,"
                  + " rate_valid_from, unit_price, connect_fee, fair_use_surcharge,"
                  + " allowance_before, allowance_after)"
                  + " VALUES (?::uuid, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                  + " ?, ?, ?, ?, ?, ?, ?)"
                  + " ON CONFLICT (run_id, line_id) DO NOTHING");
    }

    /** One subscription's outcomes. */
    void write(List<Rerating.Outcome> outcomes) throws SQLException {
      for (Rerating.Outcome o : outcomes) {
        InvoiceLine b = o.before();
        InvoiceLine a = o.after();
        selected++;
        before = before.add(b.amount);
        after = after.add(a.amount);
        if (!o.isChanged()) {
          continue;
        }
        changed++;
        PreparedStatement s = insert;
        int i = 1;
        s.setString(i++, runId);
        s.setString(i++, b.lineId);
        s.setObject(i++, LocalDate.ofEpochDay(b.eventDate));
        s.setString(i++, b.accountId);
        s.setString(i++, b.subscriptionId);
        s.setString(i++, b.billingPeriod);
        s.setArray(i++, c.createArrayOf("text", o.changed().toArray()));
        s.setBigDecimal(i++, b.amount);
        s.setString(i++, b.ratingZone);
        s.setLong(i++, b.billedUnits);
        s.setLong(i++, b.allowanceUnits);
        s.setLong(i++, b.chargeableUnits);
        s.setArray(i++, c.createArrayOf("text", b.flags));
        s.setString(i++, a.ratingZone);
        s.setLong(i++, a.billedUnits);
        s.setLong(i++, a.allowanceUnits);
        s.setLong(i++, a.chargeableUnits);
        s.setBigDecimal(i++, a.amount);
        s.setArray(i++, c.createArrayOf("text", a.flags));
        s.setString(i++, a.planId);
        setTime(s, i++, a.rateValidFrom);
        s.setBigDecimal(i++, a.unitPrice);
        s.setBigDecimal(i++, a.connectFee);
        s.setBigDecimal(i++, a.fairUseSurcharge);
        setLong(s, i++, a.allowanceBefore);
        setLong(s, i, a.allowanceAfter);
        s.addBatch();
        if (++batched == BATCH) {
          s.executeBatch();
          batched = 0;
        }
      }
    }

    /** Writes the last batch and the range's counts; returns the lines rated. */
    long finish() throws SQLException {
      if (batched > 0) {
        insert.executeBatch();
      }
      insert.close();
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE rerate_run SET lines_selected = lines_selected + ?,"
                  + " lines_changed = lines_changed + ?, total_before = total_before + ?,"
                  + " total_after = total_after + ? WHERE run_id = ?::uuid")) {
        s.setLong(1, selected);
        s.setLong(2, changed);
        s.setBigDecimal(3, before);
        s.setBigDecimal(4, after);
        s.setString(5, runId);
        s.executeUpdate();
      }
      return selected;
    }
  }

  /** The settlement row of {@link #SETTLEMENT_COLUMNS} beside {@code line}. */
  private static SettlementCall settlementOf(BinaryCopyReader r, InvoiceLine line) {
    SettlementCall row = new SettlementCall();
    row.settlementId = r.uuid(SETTLEMENT);
    row.lineId = line.lineId;
    row.partnerId = r.text(SETTLEMENT + 1);
    row.direction = r.text(SETTLEMENT + 2);
    row.product = r.text(SETTLEMENT + 3);
    row.eventStart = r.epochMillis(SETTLEMENT + 4);
    row.eventDate = LocalDate.ofEpochDay(line.eventDate).toString();
    row.seconds = orZero(r.int8(SETTLEMENT + 5));
    row.units = orZero(r.int8(SETTLEMENT + 6));
    row.price = r.numeric(SETTLEMENT + 7);
    row.amount = r.numeric(SETTLEMENT + 8);
    row.currency = r.text(SETTLEMENT + 9);
    row.interconnectRateValidFrom = r.epochMillis(SETTLEMENT + 10);
    return row;
  }

  /** A settlement row as stored and as the reference data prices it now. */
  record SettlementChange(SettlementCall before, SettlementCall after) {}

  /** Writes the settlement rows that changed, in the subscription's transaction. */
  static void writeSettlements(Connection c, String runId, List<SettlementChange> changes)
      throws SQLException {
    if (changes.isEmpty()) {
      return;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO rerate_settlement (run_id, settlement_id, line_id, partner_id,"
                + " direction, product, day, seconds, units, old_price, old_amount, old_currency,"
                + " old_interconnect_rate_valid_from, price, amount, currency,"
                + " interconnect_rate_valid_from)"
                + " VALUES (?::uuid, ?::uuid, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (run_id, settlement_id) DO NOTHING")) {
      for (SettlementChange ch : changes) {
        SettlementCall b = ch.before();
        SettlementCall a = ch.after();
        int i = 1;
        s.setString(i++, runId);
        s.setString(i++, b.settlementId);
        s.setString(i++, b.lineId);
        s.setString(i++, b.partnerId);
        s.setString(i++, b.direction);
        s.setString(i++, b.product);
        s.setObject(i++, LocalDate.parse(b.eventDate));
        s.setLong(i++, b.seconds);
        s.setLong(i++, b.units);
        s.setBigDecimal(i++, b.price);
        s.setBigDecimal(i++, b.amount);
        s.setString(i++, b.currency);
        setTime(s, i++, b.interconnectRateValidFrom);
        s.setBigDecimal(i++, a.price);
        s.setBigDecimal(i++, a.amount);
        s.setString(i++, a.currency);
        setTime(s, i, a.interconnectRateValidFrom);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** A line of {@link #LINE_COLUMNS}. */
  static InvoiceLine read(BinaryCopyReader r) {
    InvoiceLine l = new InvoiceLine();
    l.lineId = r.uuid(0);
    l.eventDate = r.epochDay(1);
    l.accountId = r.text(2);
    l.subscriptionId = r.text(3);
    l.msisdn = r.text(4);
    l.billingPeriod = r.text(5);
    l.usagePeriod = r.text(6);
    l.eventStart = r.epochMillis(7);
    l.service = r.text(8);
    l.direction = r.text(9);
    l.counterpartNumber = r.text(10);
    l.counterpartCountry = r.text(11);
    l.counterpartClass = r.text(12);
    l.roamingCountry = r.text(13);
    l.ratingZone = r.text(14);
    Long duration = r.int8(15);
    l.durationS = duration == null ? null : Math.toIntExact(duration);
    l.volumeBytes = r.int8(16);
    l.billedUnits = orZero(r.int8(17));
    l.allowanceUnits = orZero(r.int8(18));
    l.chargeableUnits = orZero(r.int8(19));
    l.amount = r.numeric(20).setScale(2);
    String[] flags = r.textArray(21);
    l.flags = flags == null ? new String[0] : flags;
    l.planId = r.text(22);
    l.rateValidFrom = r.epochMillis(23);
    l.unitPrice = r.numeric(24);
    l.connectFee = r.numeric(25);
    l.fairUseSurcharge = r.numeric(26);
    l.allowanceBefore = r.int8(27);
    l.allowanceAfter = r.int8(28);
    l.visitedZone = r.text(29);
    return l;
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  static void setTime(PreparedStatement s, int i, Long millis) throws SQLException {
    if (millis == null) {
      s.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      s.setTimestamp(i, new Timestamp(millis));
    }
  }

  static void setLong(PreparedStatement s, int i, Long v) throws SQLException {
    if (v == null) {
      s.setNull(i, Types.BIGINT);
    } else {
      s.setLong(i, v);
    }
  }
}
