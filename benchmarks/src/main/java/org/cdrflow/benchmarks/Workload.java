package org.cdrflow.benchmarks;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratorSettings;
import org.cdrflow.mediation.CdrMediation;
import org.cdrflow.mediation.MediationOutcome;
import org.cdrflow.reference.CountryZone;
import org.cdrflow.reference.DataOverage;
import org.cdrflow.reference.InterconnectRate;
import org.cdrflow.reference.Partner;
import org.cdrflow.reference.PortedNumber;
import org.cdrflow.reference.PricePlan;
import org.cdrflow.reference.Rate;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.Service;
import org.cdrflow.reference.SimBlock;
import org.cdrflow.reference.SpecialNumber;
import org.cdrflow.reference.Subscription;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.CdrFeedReader;
import org.cdrflow.schema.codec.FeedRecord;
import org.cdrflow.schema.codec.RawCdrDecoder;

/**
 * The input of the benchmarks: a feed and reference data from the same generator the bench and the
 * tests use ({@code cdrflow generate}), so the mix of record types, numbers, roaming and rejects is
 * the pipeline's. The reference CSVs are read straight into a {@link ReferenceData} snapshot (what
 * the job reads from PostgreSQL), with no database.
 */
final class Workload {
  static final String HOME = GeneratorSettings.DEFAULT_HOME_OPERATOR;

  /** Processing time of the run: after the feed's month, as in the bench. */
  static final long NOW = Instant.parse("2026-11-20T12:00:00Z").toEpochMilli();

  final List<byte[]> payloads = new ArrayList<>();
  final List<IncomingCdr> incoming = new ArrayList<>();
  final List<String> numbers = new ArrayList<>();
  final List<MediatedCall> calls = new ArrayList<>();
  final ReferenceData reference;

  private Workload(ReferenceData reference) {
    this.reference = reference;
  }

  /** Generates {@code records} records for {@code subscribers} subscriptions and reads them. */
  static Workload generate(long records, int subscribers) throws Exception {
    Path dir = Files.createTempDirectory("cdrflow-jmh-");
    try {
      Path feed = dir.resolve("feed.jsonl");
      Path refDir = dir.resolve("reference");
      FeedGenerator.write(
          GeneratorSettings.of(records, subscribers, 42L)
              .withStart(java.time.LocalDate.of(2026, 4, 1)),
          feed,
          refDir);
      Workload w = new Workload(readReference(refDir));
      RawCdrDecoder decoder = new RawCdrDecoder();
      try (CdrFeedReader reader = CdrFeedReader.open(feed)) {
        while (reader.hasNext()) {
          FeedRecord r = reader.next();
          w.payloads.add(r.value());
          if (!r.decoded()) {
            continue;
          }
          RawCdr cdr = decoder.decode(r.value());
          IncomingCdr in = incoming(cdr, r.value());
          w.incoming.add(in);
          for (String n : new String[] {in.servedMsisdn, in.callingNumber, in.calledNumber}) {
            if (n != null) {
              w.numbers.add(n);
            }
          }
        }
      }
      CdrMediation mediation = new CdrMediation(HOME);
      for (IncomingCdr in : w.incoming) {
        if (mediation.mediate(in, w.reference, NOW) instanceof MediationOutcome.Mediated m) {
          w.calls.add(m.call());
        }
      }
      return w;
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  /** A decoded record as the Kafka deserialiser hands it to mediation. */
  private static IncomingCdr incoming(RawCdr cdr, byte[] payload) {
    IncomingCdr in = new IncomingCdr();
    in.sourceTopic = "cdr.raw";
    in.payload = payload;
    in.copyFrom(cdr);
    return in;
  }

  /** The generated reference CSVs as one snapshot, as the job would read them from PostgreSQL. */
  static ReferenceData readReference(Path dir) throws IOException {
    ReferenceData.Builder b = ReferenceData.builder();
    csv(
        dir,
        "subscription",
        r ->
            b.subscription(
                new Subscription(
                    r.get("subscription_id"),
                    r.get("account_id"),
                    r.get("msisdn"),
                    text(r, "imsi"),
                    r.get("plan_id"),
                    instant(r, "valid_from"),
                    instant(r, "valid_to"))));
    csv(dir, "sim_block", r -> b.simBlock(new SimBlock(r.get("msisdn"), instant(r, "blocked_at"))));
    csv(
        dir,
        "price_plan",
        r ->
            b.plan(
                new PricePlan(
                    r.get("plan_id"),
                    r.get("name"),
                    integer(r, "voice_minutes"),
                    integer(r, "sms_count"),
                    integer(r, "data_mb"),
                    integer(r, "eu_data_limit_mb"),
                    text(r, "data_overage") == null
                        ? DataOverage.THROTTLE
                        : DataOverage.valueOf(r.get("data_overage")),
                    decimal(r, "data_overage_cap"))));
    csv(
        dir,
        "rate",
        r ->
            b.rate(
                new Rate(
                    r.get("plan_id"),
                    Service.valueOf(r.get("service")),
                    r.get("zone"),
                    decimal(r, "connect_fee"),
                    decimal(r, "price"),
                    integer(r, "first_interval"),
                    integer(r, "next_interval"))));
    csv(
        dir,
        "special_number",
        r ->
            b.specialNumber(
                new SpecialNumber(
                    r.get("prefix"),
                    r.get("description"),
                    decimal(r, "connect_fee"),
                    decimal(r, "price_per_minute"),
                    decimal(r, "price_per_sms"))));
    csv(
        dir,
        "country_zone",
        r ->
            b.countryZone(
                new CountryZone(
                    r.get("country"),
                    r.get("zone"),
                    Boolean.parseBoolean(r.get("nordic_baltic")))));
    csv(dir, "number_range", r -> b.numberRange(r.get("prefix"), r.get("operator_id")));
    csv(
        dir,
        "ported_number",
        r ->
            b.portedNumber(
                new PortedNumber(r.get("msisdn"), r.get("operator_id"), instant(r, "valid_from"))));
    csv(
        dir,
        "partner",
        r -> b.partner(new Partner(r.get("partner_id"), r.get("name"), r.get("operator_id"))));
    csv(dir, "trunk", r -> b.trunk(r.get("trunk_id"), r.get("partner_id")));
    csv(dir, "transit_route", r -> b.transitRoute(r.get("country"), r.get("partner_id")));
    csv(
        dir,
        "interconnect_rate",
        r ->
            b.interconnectRate(
                new InterconnectRate(
                    r.get("partner_id"),
                    r.get("direction"),
                    r.get("product"),
                    decimal(r, "price"),
                    r.get("unit"),
                    r.get("currency"),
                    instant(r, "valid_from"))));
    csv(
        dir,
        "billing_period",
        r -> b.billingPeriod(YearMonth.parse(r.get("period")), instant(r, "closed_at")));
    return b.build();
  }

  private static void csv(Path dir, String table, Consumer<CSVRecord> row) throws IOException {
    Path file = dir.resolve(table + ".csv");
    if (!Files.exists(file)) {
      return;
    }
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (CSVRecord r :
          CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(in)) {
        row.accept(r);
      }
    }
  }

  private static String text(CSVRecord r, String column) {
    String v = r.get(column);
    return v == null || v.isEmpty() ? null : v;
  }

  private static Instant instant(CSVRecord r, String column) {
    String v = text(r, column);
    return v == null ? null : OffsetDateTime.parse(v).toInstant();
  }

  private static Integer integer(CSVRecord r, String column) {
    String v = text(r, column);
    return v == null ? null : Integer.valueOf(v);
  }

  private static java.math.BigDecimal decimal(CSVRecord r, String column) {
    String v = text(r, column);
    return v == null ? null : new java.math.BigDecimal(v);
  }
}
