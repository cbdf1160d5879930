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
   * adjustments of earlier re-ratings that point at it.
   */
  private static final String LINE_COLUMNS =
      "l.line_id, l.event_date, l.network_element, l.call_reference, l.account_id,"
          + " l.subscription_id, l.msisdn, l.imsi, l.billing_period, l.usage_period, l.event_start,"
          + " l.service, l.direction, l.counterpart_number, l.counterpart_country,"
          + " l.counterpart_class, l.roaming_country, l.rating_zone, l.duration_s, l.volume_bytes,"
          + " l.billed_units, l.allowance_units, l.chargeable_units,"
          + " l.amount + coalesce((SELECT sum(a.amount) FROM invoice_line a"
          + " WHERE a.corrects_line_id = l.line_id), 0),"
          + " l.currency, l.flags, l.plan_id, l.rate_valid_from, l.unit_price, l.connect_fee,"
          + " l.fair_use_surcharge, l.allowance_before, l.allowance_after, l.reference_version,"
          + " l.visited_zone, l.raw_records, l.source_topic, l.source_partition, l.source_offset";

  /**
   * A subscription's lines of a usage period that can be re-rated: not anonymised, no adjustment.
   */
  static List<InvoiceLine> lines(Connection c, String subscriptionId, YearMonth period)
      throws SQLException {
    List<InvoiceLine> lines = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT "
                + LINE_COLUMNS
                + " FROM invoice_line l WHERE l.subscription_id = ? AND l.usage_period = ?"
                + " AND l.anonymised_at IS NULL AND l.corrects_line_id IS NULL"
                + " AND l.event_date >= ? AND l.event_date < ?")) {
      s.setString(1, subscriptionId);
      s.setString(2, period.toString());
      s.setObject(3, period.atDay(1));
      s.setObject(4, period.plusMonths(1).atDay(1));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          lines.add(read(r));
        }
      }
    }
    return lines;
  }

  /**
   * The subscription's days at home before the period, as the streaming job recorded them: every
   * rated event at home that was not on a blocked SIM (docs/rating.md, "Decisions" 6).
   */
  static PresenceDays presenceBefore(Connection c, String subscriptionId, YearMonth period)
      throws SQLException {
    PresenceDays days = new PresenceDays();
    LocalDate start = period.atDay(1);
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT DISTINCT event_date FROM invoice_line WHERE subscription_id = ?"
                + " AND event_date >= ? AND event_date < ? AND visited_zone = 'HOME'"
                + " AND corrects_line_id IS NULL AND NOT ('BLOCKED_SIM' = ANY (flags))"
                + " ORDER BY event_date")) {
      s.setString(1, subscriptionId);
      s.setObject(2, start.minusDays(PresenceDays.DAYS));
      s.setObject(3, start);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          days.record(r.getObject(1, LocalDate.class));
        }
      }
    }
    return days;
  }

  /** Writes the changed lines of one subscription and adds its counts to the run, in one go. */
  static void write(Connection c, String runId, List<Rerating.Outcome> outcomes)
      throws SQLException {
    long changed = 0;
    BigDecimal before = BigDecimal.ZERO;
    BigDecimal after = BigDecimal.ZERO;
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO rerate_line (run_id, line_id, event_date, account_id, subscription_id,"
                + " billing_period, changed, old_amount, old_rating_zone, old_billed_units,"
                + " old_allowance_units, old_chargeable_units, old_flags, rating_zone,"
                + " billed_units, allowance_units, chargeable_units, amount, flags, plan_id,"
                + " rate_valid_from, unit_price, connect_fee, fair_use_surcharge,"
                + " allowance_before, allowance_after)"
                + " VALUES (?::uuid, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (run_id, line_id) DO NOTHING")) {
      for (Rerating.Outcome o : outcomes) {
        InvoiceLine b = o.before();
        InvoiceLine a = o.after();
        before = before.add(b.amount);
        after = after.add(a.amount);
        if (!o.isChanged()) {
          continue;
        }
        changed++;
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
      }
      s.executeBatch();
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE rerate_run SET lines_selected = lines_selected + ?,"
                + " lines_changed = lines_changed + ?, total_before = total_before + ?,"
                + " total_after = total_after + ? WHERE run_id = ?::uuid")) {
      s.setLong(1, outcomes.size());
      s.setLong(2, changed);
      s.setBigDecimal(3, before);
      s.setBigDecimal(4, after);
      s.setString(5, runId);
      s.executeUpdate();
    }
  }

  /**
   * The {@code settlement_call} rows of the lines {@link #lines} selects: settled again by the run
   * (docs/rerating.md, "Settlement"). Anonymised rows are never re-settled. The numbers are not
   * read: re-settling does not need them.
   */
  static List<SettlementCall> settlements(Connection c, String subscriptionId, YearMonth period)
      throws SQLException {
    List<SettlementCall> rows = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT sc.settlement_id, sc.line_id, sc.partner_id, sc.direction, sc.product,"
                + " sc.event_start, sc.event_date, sc.seconds, sc.units, sc.price, sc.amount,"
                + " sc.currency, sc.interconnect_rate_valid_from"
                + " FROM invoice_line l JOIN settlement_call sc ON sc.line_id = l.line_id"
                + " WHERE l.subscription_id = ? AND l.usage_period = ?"
                + " AND l.anonymised_at IS NULL AND l.corrects_line_id IS NULL"
                + " AND l.event_date >= ? AND l.event_date < ? AND sc.anonymised_at IS NULL"
                + " AND sc.partner_id IS NOT NULL AND sc.amount IS NOT NULL")) {
      s.setString(1, subscriptionId);
      s.setString(2, period.toString());
      s.setObject(3, period.atDay(1));
      s.setObject(4, period.plusMonths(1).atDay(1));
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
          rows.add(row);
        }
      }
    }
    return rows;
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
