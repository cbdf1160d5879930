package org.cdrflow.pipeline;

import java.sql.Timestamp;
import java.sql.Types;
import java.util.List;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.cdrflow.connectors.jdbc.CopyRowEncoder;
import org.cdrflow.connectors.jdbc.UpsertTable;
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

  /**
   * Table {@code invoice_line} as the streaming job writes it (CopyUpsertSink: COPY into a staging
   * table, then one upsert per batch; docs/architecture.md, "Exactly-once effect"). A line written
   * again takes the new values and {@code updated_at}, unless it was anonymised. The key is
   * (line_id, event_date): the table is partitioned by event_date (docs/anonymisation.md,
   * "Half-month partitions"), and a line's event_date comes from the same record as its line_id.
   */
  public static final UpsertTable INVOICE_LINE_TABLE =
      new UpsertTable(
          "invoice_line",
          List.of(
              "line_id",
              "event_date",
              "network_element",
              "call_reference",
              "account_id",
              "subscription_id",
              "msisdn",
              "imsi",
              "billing_period",
              "usage_period",
              "event_start",
              "service",
              "direction",
              "counterpart_number",
              "counterpart_country",
              "counterpart_class",
              "roaming_country",
              "rating_zone",
              "duration_s",
              "volume_bytes",
              "billed_units",
              "allowance_units",
              "chargeable_units",
              "amount",
              "currency",
              "flags",
              "plan_id",
              "rate_valid_from",
              "unit_price",
              "connect_fee",
              "fair_use_surcharge",
              "allowance_before",
              "allowance_after",
              "reference_version",
              "visited_zone",
              "raw_records",
              "source_topic",
              "source_partition",
              "source_offset"),
          2,
          List.of("updated_at = now()"),
          "invoice_line.anonymised_at is null");

  private static final String[] NO_FLAGS = new String[0];

  /** An invoice line as a row of {@link #INVOICE_LINE_TABLE}, column by column. */
  public static final CopyRowEncoder<InvoiceLine> INVOICE_LINE_ROW =
      (l, row) ->
          row.uuid(l.lineId)
              .date(l.eventDate)
              .text(l.networkElement)
              .text(l.callReference)
              .text(l.accountId)
              .text(l.subscriptionId)
              .text(l.msisdn)
              .text(l.imsi)
              .text(l.billingPeriod)
              .text(l.usagePeriod)
              .timestamp(l.eventStart)
              .text(l.service)
              .text(l.direction)
              .text(l.counterpartNumber)
              .text(l.counterpartCountry)
              .text(l.counterpartClass)
              .text(l.roamingCountry)
              .text(l.ratingZone)
              .integer(l.durationS)
              .integer(l.volumeBytes)
              .integer(l.billedUnits)
              .integer(l.allowanceUnits)
              .integer(l.chargeableUnits)
              .number(l.amount)
              .text(l.currency)
              .textArray(l.flags == null ? NO_FLAGS : l.flags)
              .text(l.planId)
              .timestampOrNull(l.rateValidFrom)
              .number(l.unitPrice)
              .number(l.connectFee)
              .number(l.fairUseSurcharge)
              .integer(l.allowanceBefore)
              .integer(l.allowanceAfter)
              .integer(l.referenceVersion)
              .text(l.visitedZone)
              .integer(l.rawRecords)
              .text(l.sourceTopic)
              .integer(l.sourcePartition)
              .integer(l.sourceOffset);

  /** Table {@code settlement_call}, written like {@link #INVOICE_LINE_TABLE}. */
  public static final UpsertTable SETTLEMENT_CALL_TABLE =
      new UpsertTable(
          "settlement_call",
          List.of(
              "settlement_id",
              "event_date",
              "line_id",
              "partner_id",
              "direction",
              "product",
              "event_start",
              "seconds",
              "units",
              "price",
              "amount",
              "currency",
              "a_number",
              "b_number",
              "interconnect_rate_valid_from"),
          2,
          List.of(),
          "settlement_call.anonymised_at is null");

  /** A settlement row as a row of {@link #SETTLEMENT_CALL_TABLE}, column by column. */
  public static final CopyRowEncoder<SettlementCall> SETTLEMENT_CALL_ROW =
      (c, row) ->
          row.uuid(c.settlementId)
              .isoDate(c.eventDate)
              .uuid(c.lineId)
              .text(c.partnerId)
              .text(c.direction)
              .text(c.product)
              .timestamp(c.eventStart)
              .integer(c.seconds)
              .integer(c.units)
              .number(c.price)
              .number(c.amount)
              .text(c.currency)
              .text(c.aNumber)
              .text(c.bNumber)
              .timestampOrNull(c.interconnectRateValidFrom);

  /**
   * A day's absolute totals of the writer's lineage, plus what {@code --rebuild-aggregates} found
   * when it began that lineage ({@code settlement_daily_base}, none otherwise). A row of another
   * lineage is left alone: the job refuses to start over such rows (docs/reliability.md, "A start
   * without state"), and this guard keeps a writer that got past it from overwriting them.
   */
  public static final String SETTLEMENT_DAILY_UPSERT =
      "insert into settlement_daily (partner_id, direction, product, currency, day, events,"
          + " seconds, amount, lineage_id, updated_at)"
          + " select v.partner_id, v.direction, v.product, v.currency, v.day,"
          + " v.events + coalesce(b.events, 0), v.seconds + coalesce(b.seconds, 0),"
          + " v.amount + coalesce(b.amount, 0), v.lineage_id, now()"
          + " from (values (?, ?, ?, ?, ?::date, ?::bigint, ?::bigint, ?::numeric, ?::uuid))"
          + " as v(partner_id, direction, product, currency, day, events, seconds, amount,"
          + " lineage_id)"
          + " left join settlement_daily_base b on b.lineage_id = v.lineage_id"
          + " and b.partner_id = v.partner_id and b.direction = v.direction"
          + " and b.product = v.product and b.currency = v.currency and b.day = v.day"
          + " on conflict (partner_id, direction, product, currency, day) do update set"
          + " events = excluded.events, seconds = excluded.seconds, amount = excluded.amount,"
          + " lineage_id = excluded.lineage_id, updated_at = now()"
          + " where settlement_daily.lineage_id is null"
          + " or settlement_daily.lineage_id = excluded.lineage_id";

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
        ps.setString(9, d.lineageId);
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

  /** An hour's absolute counters, written like {@link #SETTLEMENT_DAILY_UPSERT}. */
  public static final String MEDIATION_AUDIT_UPSERT =
      "insert into mediation_audit (hour, received, rejected, rejected_by_reason, duplicates,"
          + " partials_joined, unanswered, rated, lines_written, settlement_rows_written,"
          + " pending_partials, reprocessed, lineage_id, updated_at)"
          + " select v.hour, v.received + coalesce(b.received, 0),"
          + " v.rejected + coalesce(b.rejected, 0),"
          + " audit_add_counts(b.rejected_by_reason, v.rejected_by_reason),"
          + " v.duplicates + coalesce(b.duplicates, 0),"
          + " v.partials_joined + coalesce(b.partials_joined, 0),"
          + " v.unanswered + coalesce(b.unanswered, 0), v.rated + coalesce(b.rated, 0),"
          + " v.lines_written + coalesce(b.lines_written, 0),"
          + " v.settlement_rows_written + coalesce(b.settlement_rows_written, 0),"
          + " v.pending_partials + coalesce(b.pending_partials, 0),"
          + " v.reprocessed + coalesce(b.reprocessed, 0), v.lineage_id, now()"
          + " from (values (?::timestamptz, ?::bigint, ?::bigint, ?::jsonb, ?::bigint, ?::bigint,"
          + " ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::bigint, ?::uuid))"
          + " as v(hour, received, rejected, rejected_by_reason, duplicates, partials_joined,"
          + " unanswered, rated, lines_written, settlement_rows_written, pending_partials,"
          + " reprocessed, lineage_id)"
          + " left join mediation_audit_base b on b.lineage_id = v.lineage_id and b.hour = v.hour"
          + " on conflict (hour) do update set received = excluded.received,"
          + " rejected = excluded.rejected, rejected_by_reason = excluded.rejected_by_reason,"
          + " duplicates = excluded.duplicates, partials_joined = excluded.partials_joined,"
          + " unanswered = excluded.unanswered, rated = excluded.rated,"
          + " lines_written = excluded.lines_written,"
          + " settlement_rows_written = excluded.settlement_rows_written,"
          + " pending_partials = excluded.pending_partials, reprocessed = excluded.reprocessed,"
          + " lineage_id = excluded.lineage_id, updated_at = now()"
          + " where mediation_audit.lineage_id is null"
          + " or mediation_audit.lineage_id = excluded.lineage_id";

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
        ps.setLong(i++, a.reprocessed);
        ps.setString(i, a.lineageId);
      };

  /** PostgreSQL's timestamptz spans 4713 BC to 294276 AD; hostile times outside it are dropped. */
  private static boolean representable(long epochMillis) {
    return epochMillis > -210_000_000_000_000L && epochMillis < 9_000_000_000_000_000L;
  }
}
