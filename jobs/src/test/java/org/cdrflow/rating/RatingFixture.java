package org.cdrflow.rating;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.reference.CountryZone;
import org.cdrflow.reference.DataOverage;
import org.cdrflow.reference.PricePlan;
import org.cdrflow.reference.Rate;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.Service;
import org.cdrflow.reference.SpecialNumber;
import org.cdrflow.schema.RecordType;

/**
 * The reference data and events the rating tests are worked out against. Every plan has the same
 * allowances (10 minutes, 5 SMS, 10 MB) and the same rates:
 *
 * <pre>
 * VOICE DOMESTIC         fee 0.50  1.20/min  30/30
 * VOICE INTL_EU          fee 0.00  2.00/min  60/60
 * VOICE INTL_WORLD1      fee 1.00  5.00/min  60/1
 * VOICE SHORT            fee 0.00  3.00/min  per second
 * VOICE ROAM_WORLD1_MO            15.00/min  60/60
 * VOICE ROAM_WORLD2_MT            12.00/min  60/60
 * VOICE ROAM_FWD                   4.00/min  60/60
 * VOICE FAIR_USE                   0.30/min
 * SMS   DOMESTIC 0.69, SHORT 2.00, INTL_WORLD1 1.50, ROAM_WORLD1_MO 3.00, FAIR_USE 0.10
 * DATA  DOMESTIC 9.00/MB, ROAM_EU_DATA 4.50/MB, ROAM_WORLD1_DATA 50.00/MB,
 *       ROAM_MARITIME_DATA 100.00/MB, FAIR_USE 2.50/MB
 * special +47820  fee 1.00, 9.90/min, 5.00/SMS;  +478201  fee 0.00, 19.90/min, no SMS price
 * </pre>
 *
 * Plans: P1 THROTTLE with a 4 MB EU data limit; PC CHARGE capped at 10.00 NOK with the same limit;
 * PN THROTTLE without an EU limit; PX like P1 but without FAIR_USE and ROAM_EU_DATA rates.
 */
final class RatingFixture {
  static final String SUBSCRIPTION = "S1";
  static final String MSISDN = "+4791234567";

  /** 2026-03-10 10:00 in Oslo (CET). */
  static final Instant EVENT = oslo(2026, 3, 10, 10, 0);

  static final LocalDate EVENT_DATE = LocalDate.of(2026, 3, 10);

  /** Long before any window: fair use is judged on the full 90 days. */
  static final Instant VALID_FROM = oslo(2025, 1, 1, 0, 0);

  static final Instant NOW = oslo(2026, 3, 15, 12, 0);

  private RatingFixture() {}

  static Instant oslo(int y, int m, int d, int h, int min) {
    return LocalDateTime.of(y, m, d, h, min).atZone(RetailRater.OSLO).toInstant();
  }

  static ReferenceData reference() {
    return referenceBuilder().build();
  }

  static ReferenceData.Builder referenceBuilder() {
    ReferenceData.Builder b = ReferenceData.builder();
    b.plan(plan("P1", 4, DataOverage.THROTTLE, null));
    b.plan(plan("PC", 4, DataOverage.CHARGE, "10.00"));
    b.plan(plan("PN", null, DataOverage.THROTTLE, null));
    b.plan(plan("PX", 4, DataOverage.THROTTLE, null));
    for (String plan : new String[] {"P1", "PC", "PN", "PX"}) {
      rate(b, plan, Service.VOICE, "DOMESTIC", "0.50", "1.20", 30, 30);
      rate(b, plan, Service.VOICE, "INTL_EU", "0.00", "2.00", 60, 60);
      rate(b, plan, Service.VOICE, "INTL_WORLD1", "1.00", "5.00", 60, 1);
      rate(b, plan, Service.VOICE, "SHORT", "0.00", "3.00", null, null);
      rate(b, plan, Service.VOICE, "ROAM_WORLD1_MO", "0.00", "15.00", 60, 60);
      rate(b, plan, Service.VOICE, "ROAM_WORLD2_MT", "0.00", "12.00", 60, 60);
      rate(b, plan, Service.VOICE, "ROAM_FWD", "0.00", "4.00", 60, 60);
      rate(b, plan, Service.SMS, "DOMESTIC", "0.00", "0.69", null, null);
      rate(b, plan, Service.SMS, "SHORT", "0.00", "2.00", null, null);
      rate(b, plan, Service.SMS, "INTL_WORLD1", "0.00", "1.50", null, null);
      rate(b, plan, Service.SMS, "ROAM_WORLD1_MO", "0.00", "3.00", null, null);
      rate(b, plan, Service.DATA, "DOMESTIC", "0.00", "9.00", null, null);
      rate(b, plan, Service.DATA, "ROAM_WORLD1_DATA", "0.00", "50.00", null, null);
      rate(b, plan, Service.DATA, "ROAM_MARITIME_DATA", "0.00", "100.00", null, null);
      if (!plan.equals("PX")) {
        rate(b, plan, Service.DATA, "ROAM_EU_DATA", "0.00", "4.50", null, null);
        rate(b, plan, Service.VOICE, "FAIR_USE", "0.00", "0.30", null, null);
        rate(b, plan, Service.SMS, "FAIR_USE", "0.00", "0.10", null, null);
        rate(b, plan, Service.DATA, "FAIR_USE", "0.00", "2.50", null, null);
      }
    }
    b.specialNumber(
        new SpecialNumber("+47820", "Premium 820", dec("1.00"), dec("9.90"), dec("5.00")));
    b.specialNumber(new SpecialNumber("+478201", "Premium 8201", dec("0.00"), dec("19.90"), null));
    b.countryZone(new CountryZone("NO", "NO", true));
    b.countryZone(new CountryZone("SE", "EU", true));
    b.countryZone(new CountryZone("DE", "EU", false));
    b.countryZone(new CountryZone("ES", "EU", false));
    b.countryZone(new CountryZone("US", "WORLD1", false));
    b.countryZone(new CountryZone("TH", "WORLD2", false));
    return b;
  }

  private static PricePlan plan(String id, Integer euLimitMb, DataOverage overage, String capNok) {
    return new PricePlan(
        id, "Plan " + id, 10, 5, 10, euLimitMb, overage, capNok == null ? null : dec(capNok));
  }

  private static void rate(
      ReferenceData.Builder b,
      String plan,
      Service service,
      String zone,
      String fee,
      String price,
      Integer first,
      Integer next) {
    b.rate(new Rate(plan, service, zone, dec(fee), dec(price), first, next));
  }

  static BigDecimal dec(String s) {
    return new BigDecimal(s);
  }

  /** A call at {@link #EVENT} at home, of subscription S1 on plan P1. */
  static MediatedCall call(RecordType type) {
    MediatedCall c = new MediatedCall();
    c.lineId = "line-" + type;
    c.networkElement = "MSC-OSL-1";
    c.callReference = "ref-1";
    c.recordType = type;
    c.eventStartMillis = EVENT.toEpochMilli();
    c.msisdn = MSISDN;
    c.imsi = "242011234567890";
    c.subscriptionId = SUBSCRIPTION;
    c.accountId = "A1";
    c.planId = "P1";
    c.subscriptionValidFromMillis = VALID_FROM.toEpochMilli();
    c.visitedZone = VisitedZone.HOME;
    return c;
  }

  /** A voice or SMS event with the other party and where the subscriber was. */
  static MediatedCall call(
      RecordType type,
      VisitedZone where,
      String roamingCountry,
      String number,
      NumberClass cls,
      String country,
      int seconds) {
    MediatedCall c = call(type);
    c.visitedZone = where;
    c.roamingCountry = roamingCountry;
    c.roamingNordicBaltic = "SE".equals(roamingCountry);
    c.counterpartNumber = number;
    c.counterpartClass = cls;
    c.counterpartCountry = country;
    c.counterpartZone =
        country == null
            ? null
            : switch (country) {
              case "NO" -> "NO";
              case "DE", "ES", "SE" -> "EU";
              case "US" -> "WORLD1";
              case "TH" -> "WORLD2";
              default -> null;
            };
    c.durationSeconds =
        type == RecordType.MOC || type == RecordType.MTC || type == RecordType.FWD ? seconds : 0;
    return c;
  }

  static MediatedCall data(VisitedZone where, String roamingCountry, long bytes) {
    MediatedCall c = call(RecordType.DATA);
    c.visitedZone = where;
    c.roamingCountry = roamingCountry;
    c.roamingNordicBaltic = "SE".equals(roamingCountry);
    c.volumeBytes = bytes;
    return c;
  }

  /** At home every day of the 90 days before {@link #EVENT_DATE}: no fair-use surcharge. */
  static PresenceDays alwaysHome() {
    PresenceDays p = new PresenceDays();
    for (LocalDate d = EVENT_DATE.minusDays(90); d.isBefore(EVENT_DATE); d = d.plusDays(1)) {
      p.record(d);
    }
    return p;
  }

  static YearMonth march() {
    return YearMonth.of(2026, 3);
  }
}
