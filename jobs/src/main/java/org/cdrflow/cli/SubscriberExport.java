package org.cdrflow.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.Schema;
import org.cdrflow.anonymisation.AnonymisationCutoff;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.numbers.NormalisedNumber;
import org.cdrflow.numbers.NumberNormaliser;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.RawCdrCodec;
import org.cdrflow.schema.codec.UndecodableRecordException;

/**
 * Everything held about one number, as JSON, for an access or portability request (R13,
 * docs/privacy.md): the invoice lines where it is the subscriber, the settlement rows where it is
 * the calling or called number, and the kept rejects whose original record was for it. Lines where
 * the number is only the counterpart belong to another customer's invoice and are not included.
 * Anonymised rows no longer hold the number and so are not found: that is the point of anonymising
 * them.
 */
final class SubscriberExport {

  /** What was written; no number in it, so it may be printed. */
  record Summary(int invoiceLines, int settlementCalls, int rejectedRecords, int accounts) {}

  static final String LINE_COLUMNS =
      "line_id, network_element, call_reference, account_id, subscription_id, msisdn, imsi,"
          + " billing_period, usage_period, event_start, event_date, service, direction,"
          + " counterpart_number, counterpart_country, counterpart_class, roaming_country,"
          + " rating_zone, duration_s, volume_bytes, billed_units, allowance_units,"
          + " chargeable_units, amount, currency, flags, created_at, updated_at";

  /**
   * The call facts and who carried the call; not the wholesale price and amount, which are the
   * operators' commercial terms, not the customer's data (docs/privacy.md).
   */
  static final String SETTLEMENT_COLUMNS =
      "settlement_id, line_id, partner_id, direction, product, event_start, event_date, seconds,"
          + " units, a_number, b_number";

  private static final String REJECT_AGE = "coalesce(event_time, first_seen)";

  private final JdbcSettings jdbc;
  private final NumberNormaliser normaliser = new NumberNormaliser();

  SubscriberExport(JdbcSettings jdbc) {
    this.jdbc = Objects.requireNonNull(jdbc, "jdbc");
  }

  /** The number as stored (E.164), from any raw form; the message never repeats the input. */
  String normalise(String raw) {
    NormalisedNumber n = normaliser.normalise(raw);
    if (n.isBad()) {
      throw new IllegalArgumentException(
          "--msisdn is not a phone number (" + n.badReason().description() + ")");
    }
    return n.number();
  }

  /**
   * Writes the export of {@code msisdn} (E.164) for the event dates {@code from}..{@code to}
   * (inclusive, Europe/Oslo; null = unbounded) to {@code out}, from one consistent snapshot.
   */
  Summary write(String msisdn, LocalDate from, LocalDate to, OutputStream out)
      throws SQLException, IOException {
    if (from != null && to != null && from.isAfter(to)) {
      throw new IllegalArgumentException("--from " + from + " is after --to " + to);
    }
    try (Connection c = jdbc.connect();
        JsonGenerator json =
            new JsonFactory()
                .createGenerator(out)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .useDefaultPrettyPrinter()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      // Before the snapshot is taken: a half month the anonymisation writes anew while the export
      // runs is a new table, whose rows a snapshot older than it would not see at all
      // (docs/anonymisation.md, "Half-month partitions"). Holding the tables, the export waits for
      // such a swap to finish first, and the swap waits for the export.
      try (Statement st = c.createStatement()) {
        st.execute("LOCK TABLE invoice_line, settlement_call, rejected_cdr IN ACCESS SHARE MODE");
      }
      json.writeStartObject();
      json.writeStringField("msisdn", msisdn);
      json.writeStringField("from", from == null ? null : from.toString());
      json.writeStringField("to", to == null ? null : to.toString());
      json.writeStringField("generated_at", Instant.now().toString());

      Set<String> accounts = new HashSet<>();
      json.writeArrayFieldStart("invoice_lines");
      int lines = 0;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT "
                  + LINE_COLUMNS
                  + " FROM invoice_line WHERE msisdn = ?"
                  + " AND event_date >= ? AND event_date <= ?"
                  + " ORDER BY event_start, line_id")) {
        ps.setString(1, msisdn);
        ps.setObject(2, from == null ? LocalDate.of(1, 1, 1) : from);
        ps.setObject(3, to == null ? LocalDate.of(9999, 12, 31) : to);
        ps.setFetchSize(1000);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            writeRow(json, r);
            lines++;
            if (r.getString("account_id") != null) {
              accounts.add(r.getString("account_id"));
            }
          }
        }
      }
      json.writeEndArray();

      json.writeArrayFieldStart("settlement_calls");
      int calls = 0;
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT "
                  + SETTLEMENT_COLUMNS
                  + " FROM settlement_call WHERE (a_number = ? OR b_number = ?)"
                  + " AND event_date >= ? AND event_date <= ?"
                  + " ORDER BY event_start, settlement_id")) {
        ps.setString(1, msisdn);
        ps.setString(2, msisdn);
        ps.setObject(3, from == null ? LocalDate.of(1, 1, 1) : from);
        ps.setObject(4, to == null ? LocalDate.of(9999, 12, 31) : to);
        ps.setFetchSize(1000);
        try (ResultSet r = ps.executeQuery()) {
          while (r.next()) {
            writeRow(json, r);
            calls++;
          }
        }
      }
      json.writeEndArray();

      json.writeArrayFieldStart("rejected_records");
      int rejects = writeRejects(c, json, msisdn, from, to);
      json.writeEndArray();
      json.writeEndObject();
      c.commit();
      return new Summary(lines, calls, rejects, accounts.size());
    }
  }

  /**
   * Rejects hold no number column, only the original record: decode every kept payload of the
   * period and keep those whose served number is this one in any of its raw forms.
   */
  private int writeRejects(
      Connection c, JsonGenerator json, String msisdn, LocalDate from, LocalDate to)
      throws SQLException, IOException {
    int n = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT reject_id, reason, detail, source_topic, source_partition, source_offset,"
                + " event_time, first_seen, reprocessed_at, payload FROM rejected_cdr"
                + " WHERE payload IS NOT NULL AND "
                + REJECT_AGE
                + " >= ? AND "
                + REJECT_AGE
                + " < ? ORDER BY "
                + REJECT_AGE
                + ", reject_id")) {
      ps.setObject(
          1,
          from == null
              ? OffsetDateTime.parse("0001-01-01T00:00:00Z")
              : from.atStartOfDay(AnonymisationCutoff.OSLO).toOffsetDateTime());
      ps.setObject(
          2,
          to == null
              ? OffsetDateTime.parse("9999-12-31T00:00:00Z")
              : to.plusDays(1).atStartOfDay(AnonymisationCutoff.OSLO).toOffsetDateTime());
      ps.setFetchSize(1000);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          RawCdr record = decode(r.getBytes("payload"));
          if (record == null || !msisdn.equals(servedNumber(record))) {
            continue;
          }
          json.writeStartObject();
          writeColumns(json, r, r.getMetaData().getColumnCount() - 1);
          json.writeObjectFieldStart("record");
          writeRecord(json, record);
          json.writeEndObject();
          json.writeEndObject();
          n++;
        }
      }
    }
    return n;
  }

  private String servedNumber(RawCdr record) {
    CharSequence served = record.getServedMsisdn();
    if (served == null) {
      return null;
    }
    NormalisedNumber n = normaliser.normalise(served.toString());
    return n.isBad() ? null : n.number();
  }

  /** The payload as a record, or null when it is not one (an undecodable line cannot be told). */
  private static RawCdr decode(byte[] payload) {
    try {
      return RawCdrCodec.decode(payload);
    } catch (UndecodableRecordException | RuntimeException e) {
      return null;
    }
  }

  private static void writeRow(JsonGenerator json, ResultSet r) throws SQLException, IOException {
    json.writeStartObject();
    writeColumns(json, r, r.getMetaData().getColumnCount());
    json.writeEndObject();
  }

  /** The first {@code count} columns, by SQL type, named as in the table. */
  private static void writeColumns(JsonGenerator json, ResultSet r, int count)
      throws SQLException, IOException {
    ResultSetMetaData md = r.getMetaData();
    for (int i = 1; i <= count; i++) {
      json.writeFieldName(md.getColumnLabel(i));
      if (r.getObject(i) == null) {
        json.writeNull();
        continue;
      }
      switch (md.getColumnType(i)) {
        case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE ->
            json.writeString(r.getObject(i, OffsetDateTime.class).toInstant().toString());
        case Types.DATE -> json.writeString(r.getObject(i, LocalDate.class).toString());
        case Types.NUMERIC, Types.DECIMAL -> json.writeNumber(r.getBigDecimal(i));
        case Types.INTEGER, Types.BIGINT, Types.SMALLINT -> json.writeNumber(r.getLong(i));
        case Types.BOOLEAN, Types.BIT -> json.writeBoolean(r.getBoolean(i));
        case Types.ARRAY -> {
          Array a = r.getArray(i);
          json.writeStartArray();
          for (Object o : (Object[]) a.getArray()) {
            json.writeString(o == null ? null : o.toString());
          }
          json.writeEndArray();
        }
        default -> json.writeString(r.getString(i));
      }
    }
  }

  /** Every field of the record, by its schema, so that later schema versions export in full. */
  private static void writeRecord(JsonGenerator json, RawCdr record) throws IOException {
    for (Schema.Field f : record.getSchema().getFields()) {
      Object v = record.get(f.pos());
      json.writeFieldName(f.name());
      if (v == null) {
        json.writeNull();
      } else if (v instanceof Instant t) {
        json.writeString(t.toString());
      } else if (v instanceof Integer || v instanceof Long) {
        json.writeNumber(((Number) v).longValue());
      } else if (v instanceof BigDecimal d) {
        json.writeNumber(d);
      } else if (v instanceof Number num) {
        json.writeNumber(num.doubleValue());
      } else if (v instanceof Boolean b) {
        json.writeBoolean(b);
      } else {
        json.writeString(v.toString());
      }
    }
  }
}
