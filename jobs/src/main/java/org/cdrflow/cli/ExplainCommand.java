package org.cdrflow.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.rating.LineDerivation;
import org.cdrflow.rating.RatingZone;
import org.cdrflow.reference.CountryZone;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceSnapshotReader;
import org.cdrflow.reference.Service;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cdrflow explain --line-id ID}: how one invoice line's amount was reached, in the steps of
 * docs/rating.md, for a billing agent answering a customer (docs/rerating.md, "Explaining a line").
 * Reads the line's stored inputs and the reference rows they name; prints no phone number.
 */
@Command(
    name = "explain",
    description =
        "Prints how an invoice line's amount was reached: source record, zone rule, rate version,"
            + " allowance, caps, fair use and the arithmetic.")
public class ExplainCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--line-id", required = true, paramLabel = "ID", description = "the line_id")
  UUID lineId;

  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;

  static final String COLUMNS =
      "line_id, network_element, call_reference, subscription_id, billing_period, usage_period,"
          + " event_start, service, direction, counterpart_number, counterpart_country,"
          + " counterpart_class, roaming_country, rating_zone, duration_s, volume_bytes,"
          + " billed_units, allowance_units, chargeable_units, amount, currency, flags, plan_id,"
          + " rate_valid_from, unit_price, connect_fee, fair_use_surcharge, allowance_before,"
          + " allowance_after, reference_version, visited_zone, raw_records, source_topic,"
          + " source_partition, source_offset, corrects_line_id, anonymised_at";

  @Override
  public Integer call() throws Exception {
    StackFolder.requireStack(common.config(), common.workDir);
    try (RuntimeStack stack = RuntimeStack.openDatabase(common.config(), common.workDir)) {
      CdrflowConfig.JdbcSettings jdbc = stack.config().jdbc();
      String out = explain(jdbc, lineId, json);
      if (out == null) {
        System.err.println("No invoice line " + lineId);
        return 1;
      }
      System.out.print(out);
      return 0;
    }
  }

  /** The explanation of a line as text or JSON; null when there is no such line. */
  public static String explain(CdrflowConfig.JdbcSettings jdbc, UUID lineId, boolean json)
      throws Exception {
    LineDerivation.Line l;
    String counterpartNumber;
    try (Connection c = jdbc.connect();
        PreparedStatement s =
            c.prepareStatement("SELECT " + COLUMNS + " FROM invoice_line WHERE line_id = ?")) {
      s.setObject(1, lineId);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return null;
        }
        l = read(r);
        counterpartNumber = r.getString("counterpart_number");
      }
    }
    LineDerivation.Reference reference =
        l.anonymisedAt != null || l.correctsLineId != null
            ? new LineDerivation.Reference(null, null, null, null, false, false)
            : referenceOf(new ReferenceSnapshotReader(jdbc).read(), l, counterpartNumber);
    List<LineDerivation.Step> steps = LineDerivation.derive(l, reference);
    if (json) {
      return new ObjectMapper()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(LineDerivation.toMap(l, steps))
          + "\n";
    }
    return LineDerivation.toText(l, steps);
  }

  /** The reference rows the line names, as of its event time. */
  static LineDerivation.Reference referenceOf(
      ReferenceData ref, LineDerivation.Line l, String counterpartNumber) {
    Service service = Service.valueOf(l.service);
    Instant at = l.eventStart;
    Instant rateAt = l.rateValidFrom != null ? l.rateValidFrom : at;
    String zoneOfRate =
        RatingZone.ROAM_EU_DATA.equals(l.ratingZone) ? RatingZone.DOMESTIC : l.ratingZone;
    String counterpartZone =
        "NO".equals(l.counterpartCountry)
            ? "NO"
            : ref.countryZone(l.counterpartCountry).map(CountryZone::zone).orElse(null);
    return new LineDerivation.Reference(
        l.planId == null ? null : ref.plan(l.planId, at).orElse(null),
        l.planId == null
            ? null
            : ref.rate(l.planId, service, l.ratingZone, rateAt)
                .or(() -> ref.rate(l.planId, service, zoneOfRate, rateAt))
                .orElse(null),
        l.fairUseSurcharge == null || l.planId == null
            ? null
            : ref.rate(l.planId, service, RatingZone.FAIR_USE, at).orElse(null),
        counterpartZone,
        ref.countryZone(l.roamingCountry).map(CountryZone::nordicBaltic).orElse(false),
        counterpartNumber != null
            && service != Service.DATA
            && ref.specialNumber(counterpartNumber).isPresent());
  }

  private static LineDerivation.Line read(ResultSet r) throws SQLException {
    LineDerivation.Line l = new LineDerivation.Line();
    l.lineId = r.getString("line_id");
    l.networkElement = r.getString("network_element");
    l.callReference = r.getString("call_reference");
    l.subscriptionId = r.getString("subscription_id");
    l.billingPeriod = r.getString("billing_period");
    l.usagePeriod = r.getString("usage_period");
    l.eventStart = instant(r, "event_start");
    l.service = r.getString("service");
    l.direction = r.getString("direction");
    l.counterpartCountry = r.getString("counterpart_country");
    l.counterpartClass = r.getString("counterpart_class");
    l.roamingCountry = r.getString("roaming_country");
    l.ratingZone = r.getString("rating_zone");
    l.durationS = (Integer) r.getObject("duration_s");
    l.volumeBytes = (Long) r.getObject("volume_bytes");
    l.billedUnits = r.getLong("billed_units");
    l.allowanceUnits = r.getLong("allowance_units");
    l.chargeableUnits = r.getLong("chargeable_units");
    l.amount = r.getBigDecimal("amount");
    l.currency = r.getString("currency");
    java.sql.Array flags = r.getArray("flags");
    l.flags = flags == null ? List.of() : Arrays.asList((String[]) flags.getArray());
    l.planId = r.getString("plan_id");
    l.rateValidFrom = instant(r, "rate_valid_from");
    l.unitPrice = r.getBigDecimal("unit_price");
    l.connectFee = r.getBigDecimal("connect_fee");
    l.fairUseSurcharge = r.getBigDecimal("fair_use_surcharge");
    l.allowanceBefore = (Long) r.getObject("allowance_before");
    l.allowanceAfter = (Long) r.getObject("allowance_after");
    l.referenceVersion = (Long) r.getObject("reference_version");
    l.visitedZone = r.getString("visited_zone");
    l.rawRecords = (Integer) r.getObject("raw_records");
    l.sourceTopic = r.getString("source_topic");
    l.sourcePartition = (Integer) r.getObject("source_partition");
    l.sourceOffset = (Long) r.getObject("source_offset");
    l.correctsLineId = r.getString("corrects_line_id");
    l.anonymisedAt = instant(r, "anonymised_at");
    return l;
  }

  private static Instant instant(ResultSet r, String column) throws SQLException {
    Timestamp t = r.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
