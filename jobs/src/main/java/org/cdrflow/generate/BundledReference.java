package org.cdrflow.generate;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The reference tables the generator ships with: the operator's example tables (price plans, rates,
 * zones, number ranges, ported numbers, partners, trunks, transit routes, interconnect rates,
 * billing periods, special numbers), kept byte for byte equal to {@code examples/reference}. The
 * generated feed is built to rate against exactly these, so they are copied as they are into every
 * generated reference directory, next to the generated subscriber tables.
 *
 * <p>Only what the traffic model needs is parsed here; the files themselves are copied unchanged.
 */
final class BundledReference {

  /** Classpath folder of the copies. */
  static final String RESOURCE_DIR = "/generate/reference/";

  /** Every reference table except the subscriber-specific ones the generator writes itself. */
  static final List<String> TABLES =
      List.of(
          "billing_period",
          "country_zone",
          "fraud_rule",
          "high_risk_destination",
          "interconnect_rate",
          "number_range",
          "partner",
          "ported_number",
          "price_plan",
          "rate",
          "special_number",
          "transit_route",
          "trunk");

  private static final CSVFormat FORMAT =
      CSVFormat.RFC4180
          .builder()
          .setHeader()
          .setSkipHeaderRecord(true)
          .setIgnoreEmptyLines(true)
          .setTrim(true)
          .get();

  /** E.164 prefix → operator id, from {@code number_range}. */
  final Map<String, String> numberRanges;

  /** Numbers in {@code ported_number}: never given to a generated subscriber. */
  final Set<String> portedNumbers;

  /** Plan ids in file order. */
  final List<String> planIds;

  /** ISO country → zone, from {@code country_zone}. */
  final Map<String, String> countryZones;

  /** Countries with a {@code transit_route}. */
  final Set<String> transitCountries;

  /** Operator id → its trunk ids (through {@code partner}), in file order. */
  final Map<String, List<String>> trunksByOperator;

  /** Trunks of the transit carriers named in {@code transit_route}. */
  final List<String> transitTrunks;

  /** {@code special_number} prefixes priced both per minute and per SMS. */
  final List<String> specialPrefixes;

  /** Billing periods with a {@code closed_at}. */
  final Set<YearMonth> closedPeriods;

  private BundledReference(Map<String, List<CSVRecord>> tables) {
    Map<String, String> ranges = new LinkedHashMap<>();
    for (CSVRecord r : tables.get("number_range")) {
      ranges.put(r.get("prefix"), r.get("operator_id"));
    }
    numberRanges = Collections.unmodifiableMap(ranges);

    Set<String> ported = new HashSet<>();
    for (CSVRecord r : tables.get("ported_number")) {
      ported.add(r.get("msisdn"));
    }
    portedNumbers = Collections.unmodifiableSet(ported);

    List<String> plans = new ArrayList<>();
    for (CSVRecord r : tables.get("price_plan")) {
      plans.add(r.get("plan_id"));
    }
    planIds = List.copyOf(plans);

    Map<String, String> zones = new HashMap<>();
    for (CSVRecord r : tables.get("country_zone")) {
      zones.put(r.get("country"), r.get("zone"));
    }
    countryZones = Collections.unmodifiableMap(zones);

    Set<String> transitCountrySet = new HashSet<>();
    Set<String> transitPartners = new HashSet<>();
    for (CSVRecord r : tables.get("transit_route")) {
      transitCountrySet.add(r.get("country"));
      transitPartners.add(r.get("partner_id"));
    }
    transitCountries = Collections.unmodifiableSet(transitCountrySet);

    Map<String, String> operatorOfPartner = new HashMap<>();
    for (CSVRecord r : tables.get("partner")) {
      String operator = r.get("operator_id");
      if (!operator.isEmpty()) {
        operatorOfPartner.put(r.get("partner_id"), operator);
      }
    }
    Map<String, List<String>> trunks = new TreeMap<>();
    List<String> transit = new ArrayList<>();
    for (CSVRecord r : tables.get("trunk")) {
      String partner = r.get("partner_id");
      String operator = operatorOfPartner.get(partner);
      if (operator != null) {
        trunks.computeIfAbsent(operator, k -> new ArrayList<>()).add(r.get("trunk_id"));
      }
      if (transitPartners.contains(partner)) {
        transit.add(r.get("trunk_id"));
      }
    }
    trunks.replaceAll((k, v) -> List.copyOf(v));
    trunksByOperator = Collections.unmodifiableMap(trunks);
    transitTrunks = List.copyOf(transit);

    List<String> special = new ArrayList<>();
    for (CSVRecord r : tables.get("special_number")) {
      if (!r.get("price_per_minute").isEmpty() && !r.get("price_per_sms").isEmpty()) {
        special.add(r.get("prefix"));
      }
    }
    specialPrefixes = List.copyOf(special);

    Set<YearMonth> closed = new HashSet<>();
    for (CSVRecord r : tables.get("billing_period")) {
      if (!r.get("closed_at").isEmpty()) {
        closed.add(YearMonth.parse(r.get("period")));
      }
    }
    closedPeriods = Collections.unmodifiableSet(closed);
  }

  /** Reads the bundled tables from the classpath. */
  static BundledReference load() {
    Map<String, List<CSVRecord>> tables = new HashMap<>();
    for (String table : TABLES) {
      try (InputStream in = open(table);
          Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
          CSVParser parser = CSVParser.parse(reader, FORMAT)) {
        tables.put(table, parser.getRecords());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the bundled " + table + ".csv", e);
      }
    }
    return new BundledReference(tables);
  }

  /** Copies every bundled table unchanged into {@code dir} as {@code <table>.csv}. */
  static void copyTo(Path dir) throws IOException {
    for (String table : TABLES) {
      try (InputStream in = open(table)) {
        Files.copy(in, dir.resolve(table + ".csv"), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** The bundled file of one table. */
  static InputStream open(String table) throws IOException {
    InputStream in = BundledReference.class.getResourceAsStream(RESOURCE_DIR + table + ".csv");
    if (in == null) {
      throw new IOException("the bundled " + table + ".csv is missing from the classpath");
    }
    return in;
  }

  /** Operator of an E.164 number by the longest matching {@code number_range} prefix, or null. */
  String operatorOf(String e164) {
    for (int end = e164.length(); end > 1; end--) {
      String op = numberRanges.get(e164.substring(0, end));
      if (op != null) {
        return op;
      }
    }
    return null;
  }

  /**
   * The billing period a line of {@code month} ends up in once every period this reference closes
   * is closed: the month itself or, when it is closed, the first later month that is not
   * (docs/rating.md, "Late lines").
   */
  YearMonth landingPeriod(YearMonth month) {
    YearMonth m = month;
    while (closedPeriods.contains(m)) {
      m = m.plusMonths(1);
    }
    return m;
  }
}
