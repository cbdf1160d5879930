package org.cdrflow.rerating;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.rating.LineFlag;
import org.cdrflow.settlement.SettlementCall;
import org.cdrflow.settlement.SettlementRepricing;

/**
 * {@code cdrflow rerate publish RUN} (docs/rerating.md, "Publishing"): applies a run's changed
 * lines. A line of a period that is not {@code INVOICED} is updated in place (same line_id, flag
 * {@code RERATED}); a line of an {@code INVOICED} period stays as it was and gets an adjustment
 * line (flag {@code ADJUSTMENT}, the difference as its amount) in the first open period; an
 * anonymised line is never touched.
 *
 * <p>Idempotent and resumable: every shadow line is applied in the same transaction that marks it
 * published, a batch at a time, and an adjustment line's id is derived from the run and the line.
 * Killed half-way, the same command carries on where it stopped; a published run changes nothing. A
 * line that changed since the run rated it (the streaming job wrote it again, or another run was
 * published) is skipped, never overwritten: rate again.
 */
public final class ShadowPublisher {

  /** What a publication did. */
  public record Result(
      long updated,
      long adjusted,
      long skipped,
      boolean alreadyPublished,
      long settlementUpdated,
      long settlementSkipped) {}

  private static final int BATCH = 500;

  private final JdbcSettings jdbc;
  private final int batchSize;
  private final int stopAfterBatches;

  public ShadowPublisher(JdbcSettings jdbc) {
    this(jdbc, BATCH, 0);
  }

  /**
   * @param batchSize lines per transaction
   * @param stopAfterBatches for tests of a kill half-way: stop (as if killed) after this many
   *     committed batches; 0 never stops
   */
  public ShadowPublisher(JdbcSettings jdbc, int batchSize, int stopAfterBatches) {
    this.jdbc = jdbc;
    this.batchSize = batchSize;
    this.stopAfterBatches = stopAfterBatches;
  }

  /** Thrown by the test hook in place of a kill. */
  public static final class Interrupted extends RuntimeException {
    Interrupted() {
      super("publishing stopped half-way");
    }
  }

  public Result publish(String runId) throws SQLException {
    try (Connection c = jdbc.connect()) {
      c.setAutoCommit(false);
      String status = status(c, runId);
      if (status.equals("PUBLISHED")) {
        c.rollback();
        return new Result(0, 0, 0, true, 0, 0);
      }
      if (!status.equals("RATED") && !status.equals("PUBLISHING")) {
        c.rollback();
        throw new IllegalStateException(
            "re-rating run " + runId + " is " + status + ": only a RATED run can be published");
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE rerate_run SET status = 'PUBLISHING' WHERE run_id = ?::uuid")) {
        s.setString(1, runId);
        s.executeUpdate();
      }
      c.commit();
      Map<String, PeriodState> periods = periods(c);
      long updated = 0;
      long adjusted = 0;
      long skipped = 0;
      int batches = 0;
      while (true) {
        List<Shadow> batch = nextBatch(c, runId, batchSize);
        if (batch.isEmpty()) {
          break;
        }
        for (Shadow s : batch) {
          String outcome = apply(c, runId, s, periods);
          switch (outcome) {
            case "UPDATED" -> updated++;
            case "ADJUSTED" -> adjusted++;
            default -> skipped++;
          }
          markPublished(c, runId, s.lineId, outcome);
        }
        c.commit();
        if (stopAfterBatches > 0 && ++batches >= stopAfterBatches) {
          throw new Interrupted();
        }
      }
      // Then the settlement rows, in the same batches and marks: killed here, the lines are
      // already marked and the rerun carries on with the settlement rows not yet marked.
      long settlementUpdated = 0;
      long settlementSkipped = 0;
      while (true) {
        List<SettlementShadow> batch = nextSettlementBatch(c, runId, batchSize);
        if (batch.isEmpty()) {
          break;
        }
        for (SettlementShadow s : batch) {
          String outcome = applySettlement(c, s);
          if (outcome.equals("UPDATED")) {
            settlementUpdated++;
          } else {
            settlementSkipped++;
          }
          markSettlementPublished(c, runId, s.before().settlementId, outcome);
        }
        c.commit();
        if (stopAfterBatches > 0 && ++batches >= stopAfterBatches) {
          throw new Interrupted();
        }
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE rerate_run r SET status = 'PUBLISHED', published_at = now(),"
                  + " lines_updated = (SELECT count(*) FROM rerate_line l WHERE l.run_id = r.run_id"
                  + " AND l.outcome = 'UPDATED'),"
                  + " adjustment_lines = (SELECT count(*) FROM rerate_line l"
                  + " WHERE l.run_id = r.run_id AND l.outcome = 'ADJUSTED')"
                  + " WHERE run_id = ?::uuid")) {
        s.setString(1, runId);
        s.executeUpdate();
      }
      c.commit();
      return new Result(updated, adjusted, skipped, false, settlementUpdated, settlementSkipped);
    }
  }

  /** One changed line of the run, with the line as it is now. */
  private record Shadow(
      String lineId,
      java.time.LocalDate eventDate,
      BigDecimal oldAmount,
      BigDecimal newAmount,
      String[] newFlags,
      String ratingZone,
      long billedUnits,
      long allowanceUnits,
      long chargeableUnits,
      String planId,
      Timestamp rateValidFrom,
      BigDecimal unitPrice,
      BigDecimal connectFee,
      BigDecimal fairUseSurcharge,
      Long allowanceBefore,
      Long allowanceAfter,
      long referenceVersion,
      BigDecimal currentAmount,
      String billingPeriod,
      boolean anonymised) {}

  private static List<Shadow> nextBatch(Connection c, String runId, int batchSize)
      throws SQLException {
    List<Shadow> batch = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT r.line_id, r.event_date, r.old_amount, r.amount, r.flags, r.rating_zone,"
                + " r.billed_units, r.allowance_units, r.chargeable_units, r.plan_id,"
                + " r.rate_valid_from, r.unit_price, r.connect_fee, r.fair_use_surcharge,"
                + " r.allowance_before, r.allowance_after, run.reference_version,"
                + " l.amount + coalesce((SELECT sum(a.amount) FROM invoice_line a"
                + " WHERE a.corrects_line_id = l.line_id), 0),"
                + " l.billing_period, l.anonymised_at IS NOT NULL"
                + " FROM rerate_line r JOIN rerate_run run ON run.run_id = r.run_id"
                + " JOIN invoice_line l ON l.line_id = r.line_id AND l.event_date = r.event_date"
                + " WHERE r.run_id = ?::uuid AND r.published_at IS NULL"
                + " ORDER BY r.line_id LIMIT "
                + batchSize)) {
      s.setString(1, runId);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          batch.add(
              new Shadow(
                  r.getString(1),
                  r.getObject(2, java.time.LocalDate.class),
                  r.getBigDecimal(3),
                  r.getBigDecimal(4),
                  (String[]) r.getArray(5).getArray(),
                  r.getString(6),
                  r.getLong(7),
                  r.getLong(8),
                  r.getLong(9),
                  r.getString(10),
                  r.getTimestamp(11),
                  r.getBigDecimal(12),
                  r.getBigDecimal(13),
                  r.getBigDecimal(14),
                  (Long) r.getObject(15),
                  (Long) r.getObject(16),
                  r.getLong(17),
                  r.getBigDecimal(18),
                  r.getString(19),
                  r.getBoolean(20)));
        }
      }
    }
    if (batch.isEmpty()) {
      // Shadow lines whose invoice line is gone (anonymised by a half-month swap keeps the row, so
      // this is only a line deleted by hand): marked so the run can finish.
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE rerate_line r SET published_at = now(), outcome = 'SKIPPED_MISSING'"
                  + " WHERE r.run_id = ?::uuid AND r.published_at IS NULL")) {
        s.setString(1, runId);
        s.executeUpdate();
      }
    }
    return batch;
  }

  private String apply(Connection c, String runId, Shadow s, Map<String, PeriodState> periods)
      throws SQLException {
    if (s.anonymised) {
      return "SKIPPED_ANONYMISED";
    }
    if (s.currentAmount.compareTo(s.oldAmount) != 0) {
      return "SKIPPED_CHANGED";
    }
    PeriodState period = periods.get(s.billingPeriod);
    if (period != null && period.invoiced) {
      BigDecimal delta = s.newAmount.subtract(s.oldAmount);
      if (delta.signum() == 0) {
        return "SKIPPED_NO_DIFFERENCE";
      }
      insertAdjustment(c, runId, s, delta, firstOpenAfter(periods, s.billingPeriod));
      return "ADJUSTED";
    }
    List<String> flags = new ArrayList<>(Arrays.asList(s.newFlags));
    flags.remove(LineFlag.RERATED.name());
    flags.add(LineFlag.RERATED.name());
    flags.sort(null);
    try (PreparedStatement u =
        c.prepareStatement(
            "UPDATE invoice_line SET rating_zone = ?, billed_units = ?, allowance_units = ?,"
                + " chargeable_units = ?, amount = ?, flags = ?, plan_id = ?,"
                + " rate_valid_from = ?, unit_price = ?, connect_fee = ?, fair_use_surcharge = ?,"
                + " allowance_before = ?, allowance_after = ?, reference_version = ?,"
                + " rerate_run_id = ?::uuid, updated_at = now()"
                + " WHERE line_id = ?::uuid AND event_date = ? AND anonymised_at IS NULL"
                + " AND amount = ?")) {
      int i = 1;
      u.setString(i++, s.ratingZone);
      u.setLong(i++, s.billedUnits);
      u.setLong(i++, s.allowanceUnits);
      u.setLong(i++, s.chargeableUnits);
      u.setBigDecimal(i++, s.newAmount);
      u.setArray(i++, c.createArrayOf("text", flags.toArray()));
      u.setString(i++, s.planId);
      u.setTimestamp(i++, s.rateValidFrom);
      u.setBigDecimal(i++, s.unitPrice);
      u.setBigDecimal(i++, s.connectFee);
      u.setBigDecimal(i++, s.fairUseSurcharge);
      ShadowStore.setLong(u, i++, s.allowanceBefore);
      ShadowStore.setLong(u, i++, s.allowanceAfter);
      u.setLong(i++, s.referenceVersion);
      u.setString(i++, runId);
      u.setString(i++, s.lineId);
      u.setObject(i++, s.eventDate);
      u.setBigDecimal(i, s.oldAmount);
      return u.executeUpdate() == 1 ? "UPDATED" : "SKIPPED_CHANGED";
    }
  }

  /**
   * The adjustment line: the corrected line's event and subscriber, the new rating's inputs, the
   * difference as its amount, invoiced in the first open period. Its id is derived from the run and
   * the line, so publishing again writes nothing twice.
   */
  private static void insertAdjustment(
      Connection c, String runId, Shadow s, BigDecimal delta, String billingPeriod)
      throws SQLException {
    String id =
        UUID.nameUUIDFromBytes(
                ("adjustment|" + runId + '|' + s.lineId).getBytes(StandardCharsets.UTF_8))
            .toString();
    try (PreparedStatement i =
        c.prepareStatement(
            "INSERT INTO invoice_line (line_id, event_date, network_element, call_reference,"
                + " account_id, subscription_id, msisdn, imsi, billing_period, usage_period,"
                + " event_start, service, direction, counterpart_number, counterpart_country,"
                + " counterpart_class, roaming_country, rating_zone, duration_s, volume_bytes,"
                + " billed_units, allowance_units, chargeable_units, amount, currency, flags,"
                + " plan_id, rate_valid_from, unit_price, connect_fee, fair_use_surcharge,"
                + " reference_version, visited_zone, corrects_line_id, rerate_run_id)"
                + " SELECT ?::uuid, l.event_date, l.network_element, l.call_reference,"
                + " l.account_id, l.subscription_id, l.msisdn, l.imsi, ?, l.usage_period,"
                + " l.event_start, l.service, l.direction, l.counterpart_number,"
                + " l.counterpart_country, l.counterpart_class, l.roaming_country, ?,"
                + " l.duration_s, l.volume_bytes, 0, 0, 0, ?, l.currency, ARRAY['ADJUSTMENT'],"
                + " ?, ?, ?, ?, ?, ?, l.visited_zone, l.line_id, ?::uuid"
                + " FROM invoice_line l WHERE l.line_id = ?::uuid AND l.event_date = ?"
                + " ON CONFLICT (line_id, event_date) DO NOTHING")) {
      int n = 1;
      i.setString(n++, id);
      i.setString(n++, billingPeriod);
      i.setString(n++, s.ratingZone);
      i.setBigDecimal(n++, delta);
      i.setString(n++, s.planId);
      i.setTimestamp(n++, s.rateValidFrom);
      i.setBigDecimal(n++, s.unitPrice);
      i.setBigDecimal(n++, s.connectFee);
      i.setBigDecimal(n++, s.fairUseSurcharge);
      i.setLong(n++, s.referenceVersion);
      i.setString(n++, runId);
      i.setString(n++, s.lineId);
      i.setObject(n, s.eventDate);
      i.executeUpdate();
    }
  }

  /**
   * One changed settlement row of the run: as the run read it and as it priced it, with whether the
   * stored row is still there and anonymised.
   */
  private record SettlementShadow(
      SettlementCall before, SettlementCall after, boolean present, boolean anonymised) {}

  private static List<SettlementShadow> nextSettlementBatch(
      Connection c, String runId, int batchSize) throws SQLException {
    List<SettlementShadow> batch = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT r.settlement_id, r.line_id, r.partner_id, r.direction, r.product, r.day,"
                + " r.seconds, r.units, r.old_price, r.old_amount, r.old_currency,"
                + " r.old_interconnect_rate_valid_from, r.price, r.amount, r.currency,"
                + " r.interconnect_rate_valid_from, sc.settlement_id IS NOT NULL,"
                + " sc.anonymised_at IS NOT NULL"
                + " FROM rerate_settlement r"
                + " LEFT JOIN settlement_call sc ON sc.settlement_id = r.settlement_id"
                + " WHERE r.run_id = ?::uuid AND r.published_at IS NULL"
                + " ORDER BY r.settlement_id LIMIT "
                + batchSize)) {
      s.setString(1, runId);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          SettlementCall before = new SettlementCall();
          before.settlementId = r.getString(1);
          before.lineId = r.getString(2);
          before.partnerId = r.getString(3);
          before.direction = r.getString(4);
          before.product = r.getString(5);
          before.eventDate = r.getObject(6, java.time.LocalDate.class).toString();
          before.seconds = r.getLong(7);
          before.units = r.getLong(8);
          before.price = r.getBigDecimal(9);
          before.amount = r.getBigDecimal(10);
          before.currency = r.getString(11);
          Timestamp oldFrom = r.getTimestamp(12);
          before.interconnectRateValidFrom = oldFrom == null ? null : oldFrom.getTime();
          SettlementCall after = new SettlementCall();
          after.settlementId = before.settlementId;
          after.lineId = before.lineId;
          after.partnerId = before.partnerId;
          after.direction = before.direction;
          after.product = before.product;
          after.eventDate = before.eventDate;
          after.seconds = before.seconds;
          after.units = before.units;
          after.price = r.getBigDecimal(13);
          after.amount = r.getBigDecimal(14);
          after.currency = r.getString(15);
          after.interconnectRateValidFrom = r.getTimestamp(16).getTime();
          batch.add(new SettlementShadow(before, after, r.getBoolean(17), r.getBoolean(18)));
        }
      }
    }
    return batch;
  }

  /**
   * Updates one {@code settlement_call} row in place (same key), guarded by what the run read, and
   * corrects {@code settlement_daily} by the difference in the same transaction.
   */
  private static String applySettlement(Connection c, SettlementShadow s) throws SQLException {
    if (!s.present()) {
      return "SKIPPED_MISSING";
    }
    if (s.anonymised()) {
      return "SKIPPED_ANONYMISED";
    }
    SettlementCall b = s.before();
    SettlementCall a = s.after();
    try (PreparedStatement u =
        c.prepareStatement(
            "UPDATE settlement_call SET price = ?, amount = ?, currency = ?,"
                + " interconnect_rate_valid_from = ?"
                + " WHERE settlement_id = ?::uuid AND anonymised_at IS NULL AND amount = ?"
                + " AND currency = ?"
                + " AND interconnect_rate_valid_from IS NOT DISTINCT FROM ?")) {
      int i = 1;
      u.setBigDecimal(i++, a.price);
      u.setBigDecimal(i++, a.amount);
      u.setString(i++, a.currency);
      ShadowStore.setTime(u, i++, a.interconnectRateValidFrom);
      u.setString(i++, b.settlementId);
      u.setBigDecimal(i++, b.amount);
      u.setString(i++, b.currency);
      ShadowStore.setTime(u, i, b.interconnectRateValidFrom);
      if (u.executeUpdate() != 1) {
        // The streaming job wrote the row again (a replay, with the reference data of then), or
        // another run was published: never overwritten, re-rate again.
        return "SKIPPED_CHANGED";
      }
    }
    String lineage = lineageOf(c, b);
    for (SettlementRepricing.DailyDelta d : SettlementRepricing.dailyDeltas(b, a)) {
      addToDaily(c, d, lineage);
    }
    return "UPDATED";
  }

  /** The state lineage that wrote the day of {@code row}; null when none did. */
  private static String lineageOf(Connection c, SettlementCall row) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT lineage_id FROM settlement_daily WHERE partner_id = ? AND direction = ?"
                + " AND product = ? AND currency = ? AND day = ?")) {
      s.setString(1, row.partnerId);
      s.setString(2, row.direction);
      s.setString(3, row.product);
      s.setString(4, row.currency);
      s.setObject(5, java.time.LocalDate.parse(row.eventDate));
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  /**
   * Adds a correction to the day's totals, and to the base of the lineage that wrote the day: the
   * streaming job writes a day's absolute totals from its state plus that base (a late event of the
   * day, a restore), so the correction survives its next write.
   */
  private static void addToDaily(Connection c, SettlementRepricing.DailyDelta d, String lineage)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO settlement_daily (partner_id, direction, product, currency, day, events,"
                + " seconds, amount, lineage_id, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::uuid, now())"
                + " ON CONFLICT (partner_id, direction, product, currency, day) DO UPDATE SET"
                + " events = settlement_daily.events + excluded.events,"
                + " seconds = settlement_daily.seconds + excluded.seconds,"
                + " amount = settlement_daily.amount + excluded.amount, updated_at = now()")) {
      bindDelta(s, d);
      s.setString(9, lineage);
      s.executeUpdate();
    }
    if (lineage == null) {
      return;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO settlement_daily_base (partner_id, direction, product, currency, day,"
                + " events, seconds, amount, lineage_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::uuid)"
                + " ON CONFLICT (lineage_id, partner_id, direction, product, currency, day)"
                + " DO UPDATE SET events = settlement_daily_base.events + excluded.events,"
                + " seconds = settlement_daily_base.seconds + excluded.seconds,"
                + " amount = settlement_daily_base.amount + excluded.amount")) {
      bindDelta(s, d);
      s.setString(9, lineage);
      s.executeUpdate();
    }
  }

  private static void bindDelta(PreparedStatement s, SettlementRepricing.DailyDelta d)
      throws SQLException {
    s.setString(1, d.partnerId());
    s.setString(2, d.direction());
    s.setString(3, d.product());
    s.setString(4, d.currency());
    s.setObject(5, java.time.LocalDate.parse(d.day()));
    s.setLong(6, d.events());
    s.setLong(7, d.seconds());
    s.setBigDecimal(8, d.amount());
  }

  private static void markSettlementPublished(
      Connection c, String runId, String settlementId, String outcome) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE rerate_settlement SET published_at = now(), outcome = ?"
                + " WHERE run_id = ?::uuid AND settlement_id = ?::uuid")) {
      s.setString(1, outcome);
      s.setString(2, runId);
      s.setString(3, settlementId);
      s.executeUpdate();
    }
  }

  private static void markPublished(Connection c, String runId, String lineId, String outcome)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE rerate_line SET published_at = now(), outcome = ?"
                + " WHERE run_id = ?::uuid AND line_id = ?::uuid")) {
      s.setString(1, outcome);
      s.setString(2, runId);
      s.setString(3, lineId);
      s.executeUpdate();
    }
  }

  private record PeriodState(boolean invoiced, Instant closedAt) {}

  private static Map<String, PeriodState> periods(Connection c) throws SQLException {
    Map<String, PeriodState> periods = new HashMap<>();
    try (PreparedStatement s =
            c.prepareStatement("SELECT period, readiness, closed_at FROM billing_period");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        Timestamp closed = r.getTimestamp(3);
        periods.put(
            r.getString(1),
            new PeriodState(
                "INVOICED".equals(r.getString(2)), closed == null ? null : closed.toInstant()));
      }
    }
    c.commit();
    return periods;
  }

  /**
   * The first period after an issued one that is still open (not closed, not invoiced; a period
   * without a row is open), as late lines find theirs (docs/rating.md, "Late lines").
   */
  static String firstOpenAfter(Map<String, PeriodState> periods, String issued) {
    YearMonth p = YearMonth.parse(issued).plusMonths(1);
    Instant now = Instant.now();
    while (true) {
      PeriodState s = periods.get(p.toString());
      if (s == null || (!s.invoiced && (s.closedAt == null || s.closedAt.isAfter(now)))) {
        return p.toString();
      }
      p = p.plusMonths(1);
    }
  }

  private static String status(Connection c, String runId) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT status FROM rerate_run WHERE run_id = ?::uuid FOR UPDATE")) {
      s.setString(1, runId);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new IllegalArgumentException("no re-rating run " + runId);
        }
        return r.getString(1);
      }
    }
  }
}
