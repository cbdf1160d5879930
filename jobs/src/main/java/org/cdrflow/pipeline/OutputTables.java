package org.cdrflow.pipeline;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.settlement.SettlementCall;
import org.cdrflow.settlement.SettlementDailyRow;

/**
 * The upserts that write the output tables. Every row's key is derived from the source record, so
 * writing it again after a replay or a recovery changes nothing; a row that was anonymised is never
 * written again (docs/anonymisation.md), so a late or replayed record cannot re-identify it.
 */
public final class OutputTables {
  private OutputTables() {}

  public static final String INVOICE_LINE_UPSERT =
      "insert into invoice_line (line_id, network_element, call_reference, account_id,"
          + " subscription_id, msisdn, imsi, billing_period, usage_period, event_start, event_date,"
          + " service, direction, counterpart_number, counterpart_country, counterpart_class,"
          + " roaming_country, rating_zone, duration_s, volume_bytes, billed_units,"
          + " allowance_units, chargeable_units, amount, currency, flags)"
          + " values (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
          + " ?, ?)"
          + " on conflict (line_id) do update set network_element = excluded.network_element,"
          + " call_reference = excluded.call_reference, account_id = excluded.account_id,"
          + " subscription_id = excluded.subscription_id, msisdn = excluded.msisdn,"
          + " imsi = excluded.imsi, billing_period = excluded.billing_period,"
          + " usage_period = excluded.usage_period, event_start = excluded.event_start,"
          + " event_date = excluded.event_date, service = excluded.service,"
          + " direction = excluded.direction, counterpart_number = excluded.counterpart_number,"
          + " counterpart_country = excluded.counterpart_country,"
          + " counterpart_class = excluded.counterpart_class,"
          + " roaming_country = excluded.roaming_country, rating_zone = excluded.rating_zone,"
          + " duration_s = excluded.duration_s, volume_bytes = excluded.volume_bytes,"
          + " billed_units = excluded.billed_units, allowance_units = excluded.allowance_units,"
          + " chargeable_units = excluded.chargeable_units, amount = excluded.amount,"
          + " currency = excluded.currency, flags = excluded.flags, updated_at = now()"
          + " where invoice_line.anonymised_at is null";

  public static final JdbcStatementBuilder<InvoiceLine> INVOICE_LINE =
      (ps, l) -> {
        int i = 1;
        ps.setString(i++, l.lineId);
        ps.setString(i++, l.networkElement);
        ps.setString(i++, l.callReference);
        ps.setString(i++, l.accountId);
        ps.setString(i++, l.subscriptionId);
        ps.setString(i++, l.msisdn);
        ps.setString(i++, l.imsi);
        ps.setString(i++, l.billingPeriod);
        ps.setString(i++, l.usagePeriod);
        ps.setTimestamp(i++, new Timestamp(l.eventStart));
        ps.setObject(i++, LocalDate.ofEpochDay(l.eventDate));
        ps.setString(i++, l.service);
        ps.setString(i++, l.direction);
        ps.setString(i++, l.counterpartNumber);
        ps.setString(i++, l.counterpartCountry);
        ps.setString(i++, l.counterpartClass);
        ps.setString(i++, l.roamingCountry);
        ps.setString(i++, l.ratingZone);
        setInteger(ps, i++, l.durationS);
        setLong(ps, i++, l.volumeBytes);
        ps.setLong(i++, l.billedUnits);
        ps.setLong(i++, l.allowanceUnits);
        ps.setLong(i++, l.chargeableUnits);
        ps.setBigDecimal(i++, l.amount);
        ps.setString(i++, l.currency);
        ps.setArray(
            i, ps.getConnection().createArrayOf("text", l.flags == null ? new String[0] : l.flags));
      };

  public static final String SETTLEMENT_CALL_UPSERT =
      "insert into settlement_call (settlement_id, line_id, partner_id, direction, product,"
          + " event_start, event_date, seconds, units, price, amount, currency, a_number,"
          + " b_number) values (?::uuid, ?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " on conflict (settlement_id) do update set line_id = excluded.line_id,"
          + " partner_id = excluded.partner_id, direction = excluded.direction,"
          + " product = excluded.product, event_start = excluded.event_start,"
          + " event_date = excluded.event_date, seconds = excluded.seconds,"
          + " units = excluded.units, price = excluded.price, amount = excluded.amount,"
          + " currency = excluded.currency, a_number = excluded.a_number,"
          + " b_number = excluded.b_number"
          + " where settlement_call.anonymised_at is null";

  public static final JdbcStatementBuilder<SettlementCall> SETTLEMENT_CALL =
      (ps, c) -> {
        int i = 1;
        ps.setString(i++, c.settlementId);
        ps.setString(i++, c.lineId);
        ps.setString(i++, c.partnerId);
        ps.setString(i++, c.direction);
        ps.setString(i++, c.product);
        ps.setTimestamp(i++, new Timestamp(c.eventStart));
        ps.setObject(i++, c.eventLocalDate());
        ps.setLong(i++, c.seconds);
        ps.setLong(i++, c.units);
        ps.setBigDecimal(i++, c.price);
        ps.setBigDecimal(i++, c.amount);
        ps.setString(i++, c.currency);
        ps.setString(i++, c.aNumber);
        ps.setString(i, c.bNumber);
      };

  public static final String SETTLEMENT_DAILY_UPSERT =
      "insert into settlement_daily (partner_id, direction, product, currency, day, events,"
          + " seconds, amount, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, now())"
          + " on conflict (partner_id, direction, product, currency, day) do update set"
          + " events = excluded.events, seconds = excluded.seconds, amount = excluded.amount,"
          + " updated_at = now()";

  public static final JdbcStatementBuilder<SettlementDailyRow> SETTLEMENT_DAILY =
      (ps, d) -> {
        ps.setString(1, d.partnerId);
        ps.setString(2, d.direction);
        ps.setString(3, d.product);
        ps.setString(4, d.currency);
        ps.setObject(5, d.localDay());
        ps.setLong(6, d.events);
        ps.setLong(7, d.seconds);
        ps.setBigDecimal(8, d.amount);
      };

  public static final String REJECTED_CDR_UPSERT =
      "insert into rejected_cdr (reject_id, reason, detail, source_topic, source_partition,"
          + " source_offset, payload, event_time, first_seen, reprocessed_at)"
          + " values (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, null)"
          + " on conflict (reject_id) do update set reason = excluded.reason,"
          + " detail = excluded.detail, payload = excluded.payload,"
          + " event_time = excluded.event_time, reprocessed_at = null";

  public static final JdbcStatementBuilder<Rejection> REJECTED_CDR =
      (ps, r) -> {
        ps.setString(1, r.rejectId);
        ps.setString(2, r.reason);
        ps.setString(3, r.detail);
        ps.setString(4, r.sourceTopic);
        ps.setInt(5, r.sourcePartition);
        ps.setLong(6, r.sourceOffset);
        ps.setBytes(7, r.payload);
        if (r.eventTime == null || !representable(r.eventTime)) {
          ps.setNull(8, Types.TIMESTAMP_WITH_TIMEZONE);
        } else {
          ps.setTimestamp(8, new Timestamp(r.eventTime));
        }
        ps.setTimestamp(9, new Timestamp(r.firstSeen));
      };

  public static final String MEDIATION_AUDIT_UPSERT =
      "insert into mediation_audit (hour, received, rejected, rejected_by_reason, duplicates,"
          + " partials_joined, unanswered, rated, lines_written, settlement_rows_written,"
          + " pending_partials, reprocessed, updated_at)"
          + " values (?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, now())"
          + " on conflict (hour) do update set received = excluded.received,"
          + " rejected = excluded.rejected, rejected_by_reason = excluded.rejected_by_reason,"
          + " duplicates = excluded.duplicates, partials_joined = excluded.partials_joined,"
          + " unanswered = excluded.unanswered, rated = excluded.rated,"
          + " lines_written = excluded.lines_written,"
          + " settlement_rows_written = excluded.settlement_rows_written,"
          + " pending_partials = excluded.pending_partials, reprocessed = excluded.reprocessed,"
          + " updated_at = now()";

  public static final JdbcStatementBuilder<HourlyAudit> MEDIATION_AUDIT =
      (ps, a) -> {
        int i = 1;
        ps.setTimestamp(i++, new Timestamp(a.hour));
        ps.setLong(i++, a.received);
        ps.setLong(i++, a.rejected);
        ps.setString(i++, a.rejectedByReasonJson());
        ps.setLong(i++, a.duplicates);
        ps.setLong(i++, a.partialsJoined);
        ps.setLong(i++, a.unanswered);
        ps.setLong(i++, a.rated);
        ps.setLong(i++, a.linesWritten);
        ps.setLong(i++, a.settlementRowsWritten);
        ps.setLong(i++, a.pendingPartials);
        ps.setLong(i, a.reprocessed);
      };

  /** PostgreSQL's timestamptz spans 4713 BC to 294276 AD; hostile times outside it are dropped. */
  private static boolean representable(long epochMillis) {
    return epochMillis > -210_000_000_000_000L && epochMillis < 9_000_000_000_000_000L;
  }

  private static void setInteger(PreparedStatement ps, int i, Integer v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setInt(i, v);
    }
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }
}
