package org.cdrflow.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.reference.PricePlan;
import org.cdrflow.reference.Rate;
import org.cdrflow.reference.Service;
import org.cdrflow.schema.RecordType;

/**
 * How one invoice line's amount was reached, step by step, in the words of docs/rating.md: what a
 * billing agent reads to a customer who disputes a line ({@code cdrflow explain}). Built from the
 * line's stored inputs (docs/rating.md, "Invoice line") and the reference rows they name; the zone
 * is decided again by the same {@link RatingZone#decide} the rater used, so the text names the row
 * of the zone table that decided.
 *
 * <p>Plain rules, no JDBC: the command reads the row and the reference rows and hands them here.
 */
public final class LineDerivation {

  /** A stored invoice line: its columns as {@code invoice_line} holds them. */
  public static final class Line {
    public String lineId;
    public String networkElement;
    public String callReference;
    public String subscriptionId;
    public String billingPeriod;
    public String usagePeriod;
    public Instant eventStart;
    public String service;
    public String direction;
    public String counterpartCountry;
    public String counterpartClass;
    public String roamingCountry;
    public String ratingZone;
    public Integer durationS;
    public Long volumeBytes;
    public long billedUnits;
    public long allowanceUnits;
    public long chargeableUnits;
    public BigDecimal amount;
    public String currency;
    public List<String> flags = List.of();
    public String planId;
    public Instant rateValidFrom;
    public BigDecimal unitPrice;
    public BigDecimal connectFee;
    public BigDecimal fairUseSurcharge;
    public Long allowanceBefore;
    public Long allowanceAfter;
    public Long referenceVersion;
    public String visitedZone;
    public Integer rawRecords;
    public String sourceTopic;
    public Integer sourcePartition;
    public Long sourceOffset;
    public String correctsLineId;
    public Instant anonymisedAt;
  }

  /**
   * The reference rows the line names, as of its event time.
   *
   * @param plan the price_plan version, or null
   * @param zoneRate the rate row of the line's zone (the version the line names), or null
   * @param fairUseRate the FAIR_USE row, when the line carries the surcharge
   * @param counterpartZone country_zone.zone of the counterpart's country, or null
   * @param roamingNordicBaltic whether the visited country is Nordic or Baltic
   * @param specialNumberRow whether the counterpart's number matches a special_number prefix
   */
  public record Reference(
      PricePlan plan,
      Rate zoneRate,
      Rate fairUseRate,
      String counterpartZone,
      boolean roamingNordicBaltic,
      boolean specialNumberRow) {}

  /** One step of the derivation: a short title and its text. */
  public record Step(String title, String text) {}

  private static final DateTimeFormatter OSLO_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

  private LineDerivation() {}

  /** The steps of the line; a single step when the line was anonymised. */
  public static List<Step> derive(Line l, Reference ref) {
    List<Step> steps = new ArrayList<>();
    if (l.anonymisedAt != null) {
      steps.add(
          new Step(
              "Anonymised",
              "this line was anonymised at "
                  + l.anonymisedAt
                  + " (docs/anonymisation.md): its source record, subscriber and exact time are"
                  + " no longer kept, so its derivation cannot be shown. Amount "
                  + money(l.amount)
                  + ' '
                  + l.currency
                  + "."));
      return steps;
    }
    Service service = Service.valueOf(l.service);
    steps.add(new Step("Raw record", source(l)));
    steps.add(new Step("Normalised", normalised(l, service)));
    if (l.correctsLineId != null) {
      steps.add(
          new Step(
              "Adjustment",
              "corrects line "
                  + l.correctsLineId
                  + " of an issued invoice (docs/rerating.md); the amount is the difference"
                  + " between its re-rated and its invoiced amount."));
      steps.add(new Step("Amount", money(l.amount) + ' ' + l.currency));
      return steps;
    }
    steps.add(new Step("Zone", zone(l, ref)));
    steps.add(new Step("Rate", rate(l, ref, service)));
    steps.add(new Step("Billed", billed(l, service, ref.zoneRate())));
    steps.add(new Step("Allowance", allowance(l, service)));
    String caps = caps(l, ref);
    if (!caps.isEmpty()) {
      steps.add(new Step("Cap and blocks", caps));
    }
    steps.add(new Step("Fair use", fairUse(l, ref, service)));
    steps.add(new Step("Amount", arithmetic(l, ref, service)));
    if (l.flags.contains(LineFlag.LATE.name())) {
      steps.add(
          new Step(
              "Late",
              "usage period "
                  + l.usagePeriod
                  + " was closed when the line was rated: invoiced in "
                  + l.billingPeriod
                  + " (flag LATE)"));
    }
    return steps;
  }

  /** The steps as numbered lines of text. */
  public static String toText(Line l, List<Step> steps) {
    StringBuilder b = new StringBuilder();
    b.append("Line ").append(l.lineId);
    if (l.eventStart != null) {
      b.append(" (")
          .append(l.service)
          .append(' ')
          .append(l.direction)
          .append(", ")
          .append(
              LocalDateTime.ofInstant(l.eventStart, RetailRater.OSLO).format(OSLO_TIME)
                  + " Europe/Oslo")
          .append(')');
    }
    b.append('\n');
    int n = 1;
    for (Step s : steps) {
      b.append(n++).append(". ").append(s.title()).append(": ").append(s.text()).append('\n');
    }
    return b.toString();
  }

  /** The steps and the line's inputs as a map for JSON. */
  public static Map<String, Object> toMap(Line l, List<Step> steps) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("line_id", l.lineId);
    m.put("anonymised", l.anonymisedAt != null);
    m.put("amount", l.amount == null ? null : l.amount.toPlainString());
    m.put("currency", l.currency);
    m.put("flags", l.flags);
    if (l.anonymisedAt == null) {
      Map<String, Object> source = new LinkedHashMap<>();
      source.put("network_element", l.networkElement);
      source.put("call_reference", l.callReference);
      source.put("raw_records", l.rawRecords);
      source.put("topic", l.sourceTopic);
      source.put("partition", l.sourcePartition);
      source.put("offset", l.sourceOffset);
      m.put("source", source);
      Map<String, Object> inputs = new LinkedHashMap<>();
      inputs.put("rating_zone", l.ratingZone);
      inputs.put("plan_id", l.planId);
      inputs.put("rate_valid_from", l.rateValidFrom == null ? null : l.rateValidFrom.toString());
      inputs.put("unit_price", plain(l.unitPrice));
      inputs.put("connect_fee", plain(l.connectFee));
      inputs.put("fair_use_surcharge", plain(l.fairUseSurcharge));
      inputs.put("billed_units", l.billedUnits);
      inputs.put("allowance_units", l.allowanceUnits);
      inputs.put("chargeable_units", l.chargeableUnits);
      inputs.put("allowance_before", l.allowanceBefore);
      inputs.put("allowance_after", l.allowanceAfter);
      inputs.put("reference_version", l.referenceVersion);
      m.put("inputs", inputs);
    }
    List<Map<String, String>> list = new ArrayList<>();
    for (Step s : steps) {
      list.add(Map.of("step", s.title(), "text", s.text()));
    }
    m.put("steps", list);
    return m;
  }

  private static String source(Line l) {
    int raw = l.rawRecords == null ? 1 : l.rawRecords;
    StringBuilder b = new StringBuilder();
    b.append("network element ")
        .append(l.networkElement)
        .append(", call reference ")
        .append(l.callReference)
        .append(", ")
        .append(raw == 1 ? "1 raw record" : raw + " partial records joined into one event");
    if (l.sourceTopic != null) {
      b.append(", read from ")
          .append(l.sourceTopic)
          .append(" partition ")
          .append(l.sourcePartition)
          .append(" offset ")
          .append(l.sourceOffset);
    }
    if (l.flags.contains(LineFlag.INCOMPLETE.name())) {
      b.append("; not every partial arrived (flag INCOMPLETE): rated on what did");
    }
    return b.toString();
  }

  private static String normalised(Line l, Service service) {
    StringBuilder b = new StringBuilder();
    switch (service) {
      case VOICE -> b.append("duration ").append(l.durationS).append(" s");
      case SMS -> b.append("one message");
      case DATA -> b.append(l.volumeBytes).append(" bytes up and down");
    }
    if (service != Service.DATA) {
      b.append("; other party ")
          .append(l.counterpartClass == null ? "UNKNOWN" : l.counterpartClass)
          .append(" number of country ")
          .append(l.counterpartCountry == null ? "unknown" : l.counterpartCountry);
    }
    b.append("; subscriber ");
    if (l.roamingCountry != null) {
      b.append("roaming in ").append(l.roamingCountry).append(" (zone ").append(l.visitedZone);
      b.append(')');
    } else if (VisitedZone.MARITIME.name().equals(l.visitedZone)) {
      b.append("on a maritime or satellite network");
    } else {
      b.append("at home");
    }
    return b.toString();
  }

  private static String zone(Line l, Reference ref) {
    RecordType type = recordTypeOf(l.service, l.direction);
    VisitedZone where = l.visitedZone == null ? null : VisitedZone.valueOf(l.visitedZone);
    RatingZone z =
        RatingZone.decide(
            type,
            where,
            l.counterpartClass == null ? null : NumberClass.valueOf(l.counterpartClass),
            l.counterpartCountry,
            ref.counterpartZone(),
            ref.specialNumberRow());
    String text = "row " + z.row() + " of the zone table decided: " + RatingZone.rowText(z.row());
    if (RatingZone.ROAM_EU_DATA.equals(l.ratingZone)) {
      text += "; this record went beyond the EU data limit, so the line is ROAM_EU_DATA";
    } else if (z.name() != null && !z.name().equals(l.ratingZone)) {
      text +=
          " (the reference data now gives "
              + z.name()
              + "; the line was rated "
              + l.ratingZone
              + " with reference version "
              + l.referenceVersion
              + ")";
    }
    return text + " → " + l.ratingZone;
  }

  private static String rate(Line l, Reference ref, Service service) {
    if (RatingZone.FREE.equals(l.ratingZone)) {
      return "zone FREE needs no rate row: amount 0";
    }
    if (RatingZone.SPECIAL.equals(l.ratingZone)) {
      return "priced by the special_number row: connect fee "
          + money(l.connectFee)
          + ", "
          + money(l.unitPrice)
          + " per "
          + unitName(service)
          + ", billed per second";
    }
    Rate r = ref.zoneRate();
    StringBuilder b = new StringBuilder();
    b.append("plan ").append(l.planId).append(", rate row ").append(service).append(' ');
    b.append(l.ratingZone);
    if (l.rateValidFrom != null) {
      b.append(" valid from ").append(l.rateValidFrom);
    }
    if (r != null) {
      b.append(": connect fee ")
          .append(money(r.connectFee()))
          .append(", ")
          .append(money(r.price()))
          .append(" per ")
          .append(unitName(service));
      if (service == Service.VOICE) {
        b.append(
            r.firstInterval() == null
                ? ", billed per second"
                : ", intervals " + r.firstInterval() + "/" + r.nextInterval());
      }
    } else if (l.unitPrice != null) {
      b.append(": ").append(money(l.unitPrice)).append(" per ").append(unitName(service));
    }
    return b.toString();
  }

  private static String billed(Line l, Service service, Rate zoneRate) {
    return switch (service) {
      case SMS -> "one message → " + l.billedUnits;
      case DATA ->
          l.volumeBytes + " B rounded up to whole kB (1 kB = 1000 B) → " + l.billedUnits + " kB";
      case VOICE -> voiceBilled(l, zoneRate);
    };
  }

  private static String voiceBilled(Line l, Rate r) {
    int d = l.durationS == null ? 0 : l.durationS;
    boolean perSecond =
        r == null
            || r.firstInterval() == null
            || RatingZone.FREE.equals(l.ratingZone)
            || RatingZone.SPECIAL.equals(l.ratingZone);
    if (perSecond || d == 0) {
      return d + " s billed per second → " + l.billedUnits + " s";
    }
    int f = r.firstInterval();
    int n = r.nextInterval() == null ? f : r.nextInterval();
    if (d <= f) {
      return d + " s ≤ " + f + " → " + l.billedUnits + " s";
    }
    return d
        + " s > "
        + f
        + " → "
        + f
        + " + ⌈"
        + (d - f)
        + " / "
        + n
        + "⌉ × "
        + n
        + " = "
        + l.billedUnits
        + " s";
  }

  private static String allowance(Line l, Service service) {
    String unit = unitShort(service);
    if (l.flags.contains(LineFlag.BLOCKED_SIM.name())) {
      return "none drawn: the SIM was blocked before the event (flag BLOCKED_SIM)";
    }
    if (l.allowanceBefore == null) {
      return "zone " + l.ratingZone + " draws no allowance → chargeable_units " + l.chargeableUnits;
    }
    return l.allowanceBefore
        + " "
        + unit
        + " left before, "
        + l.allowanceAfter
        + " after → allowance_units "
        + l.allowanceUnits
        + ", chargeable_units "
        + l.chargeableUnits;
  }

  private static String caps(Line l, Reference ref) {
    List<String> parts = new ArrayList<>();
    if (l.flags.contains(LineFlag.THROTTLED.name())) {
      PricePlan p = ref.plan();
      String why =
          p == null || p.dataOverage() == null || p.dataOverage().name().equals("THROTTLE")
              ? "the plan throttles data past the allowance"
              : "the period's data overage reached the cap of " + money(p.dataOverageCap());
      parts.add(why + ": the uncovered part is not charged (flag THROTTLED)");
    }
    if (l.flags.contains(LineFlag.BLOCKED_SIM.name())) {
      parts.add("used at or after the SIM block notice: not charged (flag BLOCKED_SIM)");
    }
    return String.join("; ", parts);
  }

  private static String fairUse(Line l, Reference ref, Service service) {
    if (l.fairUseSurcharge == null) {
      if (l.roamingCountry != null && "EU".equals(l.visitedZone)) {
        return ref.roamingNordicBaltic()
            ? l.roamingCountry + " is Nordic or Baltic: no fair-use check"
            : "enough presence days at home in the 90 days before (or too short a window):"
                + " no surcharge";
      }
      return "not roaming in the EU zone: no fair-use check";
    }
    BigDecimal price = fairUsePrice(l, ref, service);
    return l.roamingCountry
        + " is not Nordic or Baltic and fewer than half of the days in the window were at home"
        + " → surcharge on all "
        + l.billedUnits
        + ' '
        + unitShort(service)
        + ": "
        + l.billedUnits
        + " × "
        + money(price)
        + divisor(service)
        + " = "
        + money(l.fairUseSurcharge)
        + " (flag FAIR_USE_SURCHARGE)";
  }

  private static String arithmetic(Line l, Reference ref, Service service) {
    List<String> terms = new ArrayList<>();
    List<BigDecimal> values = new ArrayList<>();
    if (l.connectFee != null && l.connectFee.signum() != 0) {
      terms.add(money(l.connectFee));
      values.add(l.connectFee);
    }
    if (l.chargeableUnits > 0 && l.unitPrice != null) {
      terms.add(l.chargeableUnits + " × " + money(l.unitPrice) + divisor(service));
      values.add(
          l.unitPrice
              .multiply(BigDecimal.valueOf(l.chargeableUnits))
              .divide(
                  BigDecimal.valueOf(BilledUnits.perPricedUnit(service)), 6, RoundingMode.HALF_UP));
    }
    if (l.fairUseSurcharge != null) {
      terms.add(l.billedUnits + " × " + money(fairUsePrice(l, ref, service)) + divisor(service));
      values.add(l.fairUseSurcharge);
    }
    if (terms.isEmpty()) {
      return "nothing charged → 0.00 " + l.currency;
    }
    BigDecimal sum = BigDecimal.ZERO;
    List<String> shown = new ArrayList<>();
    for (BigDecimal v : values) {
      sum = sum.add(v);
      shown.add(money(v));
    }
    String text = String.join(" + ", terms);
    if (values.size() > 1) {
      text += " = " + String.join(" + ", shown);
    }
    BigDecimal rounded = sum.setScale(2, RoundingMode.HALF_UP);
    if (rounded.compareTo(sum) != 0) {
      return text
          + " = "
          + sum.stripTrailingZeros().toPlainString()
          + " → rounded once, half-up, to øre: "
          + money(l.amount)
          + ' '
          + l.currency;
    }
    return text + " = " + money(l.amount) + ' ' + l.currency;
  }

  private static BigDecimal fairUsePrice(Line l, Reference ref, Service service) {
    if (ref.fairUseRate() != null) {
      return ref.fairUseRate().price();
    }
    // The FAIR_USE row changed since: the price that priced the line, from its surcharge.
    return l.fairUseSurcharge
        .multiply(BigDecimal.valueOf(BilledUnits.perPricedUnit(service)))
        .divide(BigDecimal.valueOf(Math.max(1, l.billedUnits)), 4, RoundingMode.HALF_UP);
  }

  private static String divisor(Service service) {
    return service == Service.SMS ? "" : " / " + BilledUnits.perPricedUnit(service);
  }

  private static String unitName(Service service) {
    return switch (service) {
      case VOICE -> "minute";
      case SMS -> "SMS";
      case DATA -> "MB";
    };
  }

  private static String unitShort(Service service) {
    return switch (service) {
      case VOICE -> "s";
      case SMS -> "SMS";
      case DATA -> "kB";
    };
  }

  /** NOK with at least two decimals and no trailing zeros beyond them. */
  static String money(BigDecimal d) {
    if (d == null) {
      return "0.00";
    }
    BigDecimal s = d.stripTrailingZeros();
    return (s.scale() < 2 ? s.setScale(2) : s).toPlainString();
  }

  private static String plain(BigDecimal d) {
    return d == null ? null : d.toPlainString();
  }

  /** The record type of a line from its service and direction (docs/rating.md, "Invoice line"). */
  public static RecordType recordTypeOf(String service, String direction) {
    return switch (service) {
      case "DATA" -> RecordType.DATA;
      case "SMS" -> "MT".equals(direction) ? RecordType.SMS_MT : RecordType.SMS_MO;
      default ->
          switch (direction) {
            case "MT" -> RecordType.MTC;
            case "FWD" -> RecordType.FWD;
            default -> RecordType.MOC;
          };
    };
  }
}
