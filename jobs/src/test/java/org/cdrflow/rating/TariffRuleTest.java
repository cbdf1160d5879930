package org.cdrflow.rating;

import static org.cdrflow.domain.VisitedZone.EU;
import static org.cdrflow.domain.VisitedZone.HOME;
import static org.cdrflow.domain.VisitedZone.WORLD2;
import static org.cdrflow.numbers.NumberClass.FIXED;
import static org.cdrflow.numbers.NumberClass.MOBILE;
import static org.cdrflow.numbers.NumberClass.PREMIUM;
import static org.cdrflow.numbers.NumberClass.SHARED_COST;
import static org.cdrflow.numbers.NumberClass.SHORT;
import static org.cdrflow.rating.RatingFixture.EVENT;
import static org.cdrflow.rating.RatingFixture.call;
import static org.cdrflow.rating.RatingFixture.data;
import static org.cdrflow.schema.RecordType.MOC;
import static org.cdrflow.schema.RecordType.MTC;
import static org.cdrflow.schema.RecordType.SMS_MO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.stream.Stream;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.Tariff;
import org.cdrflow.reference.ReferenceData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "Can this event be priced" is decided once, from the record and the reference data
 * (docs/rating.md, "Rejected events"), against the rates of {@link RatingFixture}; plan PX has no
 * FAIR_USE and no ROAM_EU_DATA rows.
 */
class TariffRuleTest {
  private final TariffRule rule = new TariffRule();
  private final ReferenceData ref = RatingFixture.reference();

  private TariffDecision decide(MediatedCall c) {
    return rule.decide(
        c,
        ref.plan(c.planId, java.time.Instant.ofEpochMilli(c.eventStartMillis)).orElseThrow(),
        ref);
  }

  private static MediatedCall onPlan(String plan, MediatedCall c) {
    c.planId = plan;
    return c;
  }

  static Stream<Arguments> noRate() {
    return Stream.of(
        Arguments.of(
            "premium without a special_number row",
            call(MOC, HOME, null, "+4782912345", PREMIUM, "NO", 10),
            "special_number"),
        Arguments.of(
            "shared cost without a special_number row",
            call(SMS_MO, EU, "ES", "+4781512345", SHARED_COST, "NO", 0),
            "special_number"),
        Arguments.of(
            "SMS to a special number whose row has no SMS price",
            call(SMS_MO, HOME, null, "+4782019999", PREMIUM, "NO", 0),
            "special_number"),
        Arguments.of(
            "no ROAM_WORLD2_MO rate row",
            call(MOC, WORLD2, "TH", "+4791111111", MOBILE, "NO", 10),
            "ROAM_WORLD2_MO"),
        Arguments.of(
            "no country_zone row for the counterpart's country",
            call(MOC, HOME, null, "+99912345", FIXED, "XX", 10),
            "country_zone"),
        Arguments.of(
            "EU data of a plan with an EU limit and no ROAM_EU_DATA row",
            onPlan("PX", data(EU, "DE", 1_000)),
            "ROAM_EU_DATA"),
        Arguments.of(
            "roam like at home from Spain without FAIR_USE",
            onPlan("PX", call(MOC, EU, "ES", "+4791111111", MOBILE, "NO", 61)),
            "FAIR_USE"),
        Arguments.of(
            "INTL from Spain without FAIR_USE",
            onPlan("PX", call(MOC, EU, "ES", "+12025550123", MOBILE, "US", 61)),
            "FAIR_USE"),
        Arguments.of(
            "SHORT from Spain without FAIR_USE",
            onPlan("PX", call(SMS_MO, EU, "ES", "1881", SHORT, null, 0)),
            "FAIR_USE"),
        Arguments.of(
            "special number from Spain without FAIR_USE",
            onPlan("PX", call(MOC, EU, "ES", "+4782012345", PREMIUM, "NO", 61)),
            "FAIR_USE"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void noRate(String name, MediatedCall c, String names) {
    TariffDecision.NoRate r = assertInstanceOf(TariffDecision.NoRate.class, decide(c));
    assertTrue(r.detail().contains(names), r.detail());
    assertFalse(r.detail().matches(".*\\d{6,}.*"), () -> "phone number in " + r.detail());
  }

  static Stream<Arguments> pricedWithoutTheRowsItCannotNeed() {
    MediatedCall blocked = onPlan("PX", call(MOC, EU, "ES", "+4791111111", MOBILE, "NO", 61));
    blocked.simBlockedAtMillis = EVENT.toEpochMilli();
    MediatedCall newSubscription =
        onPlan("PX", call(MOC, EU, "ES", "+4791111111", MOBILE, "NO", 61));
    newSubscription.subscriptionValidFromMillis = EVENT.minus(Duration.ofDays(12)).toEpochMilli();
    return Stream.of(
        Arguments.of("blocked SIM: not charged", blocked),
        Arguments.of("window of fewer than 14 days: never surcharged", newSubscription),
        Arguments.of(
            "Nordic country: no fair use",
            onPlan("PX", call(MOC, EU, "SE", "+4791111111", MOBILE, "NO", 61))),
        Arguments.of(
            "received in Spain: free",
            onPlan("PX", call(MTC, EU, "ES", "+4791111111", MOBILE, "NO", 61))),
        Arguments.of("data at home", onPlan("PX", data(HOME, null, 1_000))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void pricedWithoutTheRowsItCannotNeed(String name, MediatedCall c) {
    Tariff t = assertInstanceOf(TariffDecision.Priced.class, decide(c)).tariff();
    assertNull(t.fairUsePrice);
    assertNull(t.euDataPrice);
  }

  @Test
  void aPricedEventCarriesItsZoneRowPlanAndOptionalPrices() {
    Tariff t =
        assertInstanceOf(TariffDecision.Priced.class, decide(data(EU, "ES", 1_000))).tariff();
    assertEquals("DOMESTIC", t.zone);
    assertTrue(t.drawsAllowance);
    assertTrue(t.euData);
    assertEquals(new BigDecimal("9.00"), t.price);
    assertEquals(new BigDecimal("4.50"), t.euDataPrice);
    assertEquals(new BigDecimal("2.50"), t.fairUsePrice);
    assertEquals(10, t.dataMb);
    assertEquals(4, t.euDataLimitMb);

    Tariff special =
        assertInstanceOf(
                TariffDecision.Priced.class,
                decide(call(MOC, HOME, null, "+4782099999", PREMIUM, "NO", 61)))
            .tariff();
    assertEquals("SPECIAL", special.zone);
    assertEquals(new BigDecimal("1.00"), special.connectFee);
    assertEquals(new BigDecimal("9.90"), special.price);
    assertNull(special.firstInterval, "per second");
  }
}
