package org.cdrflow.rerating;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
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

  /**
   * The columns of a stored line; amount is what the customer was charged so far: the line plus the
   * adjustments of earlier re-ratings that point at it ({@code a}, joined by {@link #RANGE_LINES}).
   */
  private static final String LINE_COLUMNS =
      "l.line_id, l.event_date, l.network_element, l.call_reference, l.account_id,"
          + " l.subscription_id, l.msisdn, l.imsi, l.billing_period, l.usage_period, l.event_start,"
          + " l.service, l.direction, l.counterpart_number, l.counterpart_country,"
          + " l.counterpart_class, l.roaming_country, l.rating_zone, l.duration_s, l.volume_bytes,"
          + " l.billed_units, l.allowance_units, l.chargeable_units,"
          + " l.amount + coalesce(a.adjusted, 0),"
          + " l.currency, l.flags, l.plan_id, l.rate_valid_from, l.unit_price, l.connect_fee,"
          + " l.fair_use_surcharge, l.allowance_before, l.allowance_after, l.reference_version,"
          + " l.visited_zone, l.raw_records, l.source_topic, l.source_partition, l.source_offset";

  /**
   * The lines of a range of subscriptions of a usage period that can be re-rated (not anonymised,
   * no adjustment), grouped by subscription. The adjustments are summed once for the whole table
   * (few rows, a partial index) and hash-joined, instead of a probe of every partition per line.
   */
  private static final String RANGE_LINES =
      "SELECT "
          + LINE_COLUMNS
          + " FROM invoice_line l LEFT JOIN (SELECT corrects_line_id, sum(amount) AS adjusted"
          + " FROM invoice_line WHERE corrects_line_id IS NOT NULL GROUP BY corrects_line_id) a"
          + " ON a.corrects_line_id = l.line_id"
          + " WHERE l.subscription_id = ANY (?) AND l.usage_period = ?"
          + " AND l.anonymised_at IS NULL AND l.corrects_line_id IS NULL"
          + " AND l.event_date >= ? AND l.event_date < ?"
          + " ORDER BY l.subscription_id COLLATE \"C\"";

  /** Rows fetched at a time by the streamed range queries. */
  private static final int FETCH = 5_000;

  /**
   * Subscription ids in the order of {@code COLLATE "C"} (bytes of UTF-8, that is code points), the
   * order the range queries are sorted in, so that they can be merged.
   */
  static int compareIds(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /**
   * The lines of a range of subscriptions, read by one streamed query, a subscription at a time.
   */
  static final class RangeLines implements AutoCloseable {
    private final PreparedStatement statement;
    private final ResultSet rows;
    private InvoiceLine next;

    RangeLines(Connection c, String[] subscriptions, YearMonth period) throws SQLException {
      statement = c.prepareStatement(RANGE_LINES);
      statement.setFetchSize(FETCH);
      statement.setArray(1, c.createArrayOf("text", subscriptions));
      statement.setString(2, period.toString());
      statement.setObject(3, period.atDay(1));
      statement.setObject(4, period.plusMonths(1).atDay(1));
      rows = statement.executeQuery();
      next = rows.next() ? read(rows) : null;
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
        next = rows.next() ? read(rows) : null;
      }
      return lines;
    }

    @Override
    public void close() throws SQLException {
      rows.close();
      statement.close();
    }
  }

  /**
   * The days at home before the period of a range of subscriptions, as the streaming job recorded
   * them: every rated event at home that was not on a blocked SIM (docs/rating.md, "Decisions" 6).
   * One streamed query in the order of {@link RangeLines}; {@link #of} is asked in that order.
   */
  static final class RangePresence implements AutoCloseable {
    private final PreparedStatement statement;
    private final ResultSet rows;
    private String subscription;
    private LocalDate day;

    RangePresence(Connection c, String[] subscriptions, YearMonth period) throws SQLException {
      LocalDate start = period.atDay(1);
      statement =
          c.prepareStatement(
              "SELECT DISTINCT subscription_id COLLATE \"C\", event_date FROM invoice_line"
                  + " WHERE subscription_id = ANY (?)"
                  + " AND event_date >= ? AND event_date < ? AND visited_zone = 'HOME'"
                  + " AND corrects_line_id IS NULL AND NOT ('BLOCKED_SIM' = ANY (flags))"
                  + " ORDER BY 1, 2");
      statement.setFetchSize(FETCH);
      statement.setArray(1, c.createArrayOf("text", subscriptions));
      statement.setObject(2, start.minusDays(PresenceDays.DAYS));
      statement.setObject(3, start);
      rows = statement.executeQuery();
      advance();
    }

    private void advance() throws SQLException {
      if (rows.next()) {
        subscription = rows.getString(1);
        day = rows.getObject(2, LocalDate.class);
      } else {
        subscription = null;
      }
    }

    /** The days at home of {@code subscriptionId}; asked in increasing order of the ids. */
    PresenceDays of(String subscriptionId) throws SQLException {
      PresenceDays days = new PresenceDays();
      while (subscription != null && compareIds(subscription, subscriptionId) < 0) {
        advance();
      }
      while (subscription != null && subscription.equals(subscriptionId)) {
        days.record(day);
        advance();
      }
      return days;
    }

    @Override
    public void close() throws SQLException {
      rows.close();
      statement.close();
    }
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

  /**
   * The {@code settlement_call} rows of the lines {@link RangeLines} selects, one streamed query:
   * settled again by the run (docs/rerating.md, "Settlement"). Anonymised rows are never
   * re-settled. The numbers are not read: re-settling does not need them. A settlement row has its
   * line's event date (both are the Europe/Oslo date of the event), which limits the partitions
   * read.
   */
  static void settlements(
      Connection c, String[] subscriptions, YearMonth period, Consumer<SettlementCall> each)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT sc.settlement_id, sc.line_id, sc.partner_id, sc.direction, sc.product,"
                + " sc.event_start, sc.event_date, sc.seconds, sc.units, sc.price, sc.amount,"
                + " sc.currency, sc.interconnect_rate_valid_from"
                + " FROM invoice_line l JOIN settlement_call sc ON sc.line_id = l.line_id"
                + " AND sc.event_date = l.event_date"
                + " WHERE l.subscription_id = ANY (?) AND l.usage_period = ?"
                + " AND l.anonymised_at IS NULL AND l.corrects_line_id IS NULL"
                + " AND l.event_date >= ? AND l.event_date < ?"
                + " AND sc.event_date >= ? AND sc.event_date < ? AND sc.anonymised_at IS NULL"
                + " AND sc.partner_id IS NOT NULL AND sc.amount IS NOT NULL")) {
      s.setFetchSize(FETCH);
      s.setArray(1, c.createArrayOf("text", subscriptions));
      s.setString(2, period.toString());
      s.setObject(3, period.atDay(1));
      s.setObject(4, period.plusMonths(1).atDay(1));
      s.setObject(5, period.atDay(1));
      s.setObject(6, period.plusMonths(1).atDay(1));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          SettlementCall row = new SettlementCall();
          row.settlementId = r.getString(1);
          row.lineId = r.getString(2);
          row.partnerId = r.getString(3);
          row.direction = r.getString(4);
          row.product = r.getString(5);
          row.eventStart = r.getTimestamp(6).getTime();
          row.eventDate = r.getObject(7, LocalDate.class).toString();
          row.seconds = r.getLong(8);
          row.units = r.getLong(9);
          row.price = r.getBigDecimal(10);
          row.amount = r.getBigDecimal(11);
          row.currency = r.getString(12);
          Timestamp from = r.getTimestamp(13);
          row.interconnectRateValidFrom = from == null ? null : from.getTime();
          each.accept(row);
        }
      }
    }
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

  static InvoiceLine read(ResultSet r) throws SQLException {
    InvoiceLine l = new InvoiceLine();
    int i = 1;
    l.lineId = r.getString(i++);
    l.eventDate = Math.toIntExact(r.getObject(i++, LocalDate.class).toEpochDay());
    l.networkElement = r.getString(i++);
    l.callReference = r.getString(i++);
    l.accountId = r.getString(i++);
    l.subscriptionId = r.getString(i++);
    l.msisdn = r.getString(i++);
    l.imsi = r.getString(i++);
    l.billingPeriod = r.getString(i++);
    l.usagePeriod = r.getString(i++);
    l.eventStart = r.getTimestamp(i++).getTime();
    l.service = r.getString(i++);
    l.direction = r.getString(i++);
    l.counterpartNumber = r.getString(i++);
    l.counterpartCountry = r.getString(i++);
    l.counterpartClass = r.getString(i++);
    l.roamingCountry = r.getString(i++);
    l.ratingZone = r.getString(i++);
    l.durationS = (Integer) r.getObject(i++);
    l.volumeBytes = (Long) r.getObject(i++);
    l.billedUnits = r.getLong(i++);
    l.allowanceUnits = r.getLong(i++);
    l.chargeableUnits = r.getLong(i++);
    l.amount = r.getBigDecimal(i++).setScale(2);
    l.currency = r.getString(i++);
    Array flags = r.getArray(i++);
    l.flags = flags == null ? new String[0] : (String[]) flags.getArray();
    l.planId = r.getString(i++);
    Timestamp from = r.getTimestamp(i++);
    l.rateValidFrom = from == null ? null : from.getTime();
    l.unitPrice = r.getBigDecimal(i++);
    l.connectFee = r.getBigDecimal(i++);
    l.fairUseSurcharge = r.getBigDecimal(i++);
    l.allowanceBefore = (Long) r.getObject(i++);
    l.allowanceAfter = (Long) r.getObject(i++);
    l.referenceVersion = (Long) r.getObject(i++);
    l.visitedZone = r.getString(i++);
    Integer raw = (Integer) r.getObject(i++);
    l.rawRecords = raw == null ? 1 : raw;
    l.sourceTopic = r.getString(i++);
    l.sourcePartition = (Integer) r.getObject(i++);
    l.sourceOffset = (Long) r.getObject(i);
    return l;
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
