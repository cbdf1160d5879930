package org.cdrflow.rating;

import static org.cdrflow.domain.VisitedZone.EU;
import static org.cdrflow.domain.VisitedZone.HOME;
import static org.cdrflow.domain.VisitedZone.MARITIME;
import static org.cdrflow.domain.VisitedZone.WORLD1;
import static org.cdrflow.domain.VisitedZone.WORLD2;
import static org.cdrflow.numbers.NumberClass.EMERGENCY;
import static org.cdrflow.numbers.NumberClass.FIXED;
import static org.cdrflow.numbers.NumberClass.MOBILE;
import static org.cdrflow.numbers.NumberClass.PREMIUM;
import static org.cdrflow.numbers.NumberClass.SHORT;
import static org.cdrflow.numbers.NumberClass.TOLL_FREE;
import static org.cdrflow.rating.RatingFixture.EVENT;
import static org.cdrflow.rating.RatingFixture.EVENT_DATE;
import static org.cdrflow.rating.RatingFixture.MSISDN;
import static org.cdrflow.rating.RatingFixture.NOW;
import static org.cdrflow.rating.RatingFixture.alwaysHome;
import static org.cdrflow.rating.RatingFixture.call;
import static org.cdrflow.rating.RatingFixture.data;
import static org.cdrflow.rating.RatingFixture.dec;
import static org.cdrflow.rating.RatingFixture.oslo;
import static org.cdrflow.schema.RecordType.FWD;
import static org.cdrflow.schema.RecordType.MOC;
import static org.cdrflow.schema.RecordType.MTC;
import static org.cdrflow.schema.RecordType.SMS_MO;
import static org.cdrflow.schema.RecordType.SMS_MT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.schema.NotificationKind;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Worked cases of retail rating (docs/rating.md), each computed by hand from the rules against the
 * rates of {@link RatingFixture}.
 */
class RetailRaterTest {
  /** Prices each call as mediation does ({@link TariffRule}), then rates it. */
  private final PricedRater rater = new PricedRater();

  private final ReferenceData ref = RatingFixture.reference();

  private RatingOutcome rate(MediatedCall c, PeriodUsage usage) {
    return rater.rate(c, usage, alwaysHome(), ref, NOW);
  }

  /** A line's periods are written as YearMonth writes them, inside the made-once months or not. */
  @Test
  void periodTextIsTheMonthsOwnText() {
    for (YearMonth p :
        List.of(
            YearMonth.of(1999, 12),
            YearMonth.of(2000, 1),
            YearMonth.of(2026, 4),
            YearMonth.of(2199, 12),
            YearMonth.of(2200, 1),
            YearMonth.of(10_000, 1))) {
      assertEquals(p.toString(), RetailRater.periodText(p));
    }
  }

  private InvoiceLine rated(MediatedCall c, PeriodUsage usage) {
    return rate(c, usage).line();
  }

  private static void assertLine(
      InvoiceLine l,
      String zone,
      long billed,
      long allowance,
      long chargeable,
      String amount,
      String... flags) {
    assertEquals(zone, l.ratingZone, "zone");
    assertEquals(billed, l.billedUnits, "billed units");
    assertEquals(allowance, l.allowanceUnits, "allowance units");
    assertEquals(chargeable, l.chargeableUnits, "chargeable units");
    assertEquals(dec(amount), l.amount, "amount");
    assertArrayEquals(flags, l.flags, "flags");
  }

  private static PeriodUsage usage(Consumer<PeriodUsage> setUp) {
    PeriodUsage u = new PeriodUsage();
    setUp.accept(u);
    return u;
  }

  // ---------------------------------------------------------------------------------------------
  // One event against fresh state (allowances untouched, at home every day of the last 90).

  record Case(
      String name,
      MediatedCall call,
      String zone,
      long billed,
      long allowance,
      long chargeable,
      String amount) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> freshCases() {
    return Stream.of(
        new Case(
            "MOC home to NO mobile 45 s: 30/30 bills 60, allowance covers it, no connect fee",
            call(MOC, HOME, null, "+4791111111", MOBILE, "NO", 45),
            "DOMESTIC",
            60,
            60,
            0,
            "0.00"),
        new Case(
            "MOC home to 112, 300 s per second",
            call(MOC, HOME, null, "112", EMERGENCY, null, 300),
            "FREE",
            300,
            0,
            0,
            "0.00"),
        new Case(
            "MOC roaming WORLD1 to 112: emergency row comes first",
            call(MOC, WORLD1, "US", "112", EMERGENCY, null, 75),
            "FREE",
            75,
            0,
            0,
            "0.00"),
        new Case(
            "MOC home to toll free 61 s",
            call(MOC, HOME, null, "+4780012345", TOLL_FREE, "NO", 61),
            "FREE",
            61,
            0,
            0,
            "0.00"),
        new Case(
            "MOC home to +47820 61 s: 1.00 + 61 × 9.90 / 60 = 11.065",
            call(MOC, HOME, null, "+4782099999", PREMIUM, "NO", 61),
            "SPECIAL",
            61,
            0,
            61,
            "11.07"),
        new Case(
            "MOC home to +478201 (longest prefix wins) 30 s: 30 × 19.90 / 60",
            call(MOC, HOME, null, "+4782019999", PREMIUM, "NO", 30),
            "SPECIAL",
            30,
            0,
            30,
            "9.95"),
        new Case(
            "SMS_MO from the EU zone to +47820: 1.00 + 5.00",
            call(SMS_MO, EU, "DE", "+4782099999", PREMIUM, "NO", 0),
            "SPECIAL",
            1,
            0,
            1,
            "6.00"),
        new Case(
            "MOC home to short number 100 s, per second: 100 × 3.00 / 60",
            call(MOC, HOME, null, "1881", SHORT, null, 100),
            "SHORT",
            100,
            0,
            100,
            "5.00"),
        new Case(
            "MOC home to DE 61 s: calls from Norway to the EU zone are charged, 60/60",
            call(MOC, HOME, null, "+4930123456", FIXED, "DE", 61),
            "INTL_EU",
            120,
            0,
            120,
            "4.00"),
        new Case(
            "MOC home to US 61 s, 60/1: 1.00 + 61 × 5.00 / 60 = 6.0833",
            call(MOC, HOME, null, "+12125551234", FIXED, "US", 61),
            "INTL_WORLD1",
            61,
            0,
            61,
            "6.08"),
        new Case(
            "MOC in ES to NO 61 s: roam like at home, 30/30 bills 90",
            call(MOC, EU, "ES", "+4791111111", MOBILE, "NO", 61),
            "DOMESTIC",
            90,
            90,
            0,
            "0.00"),
        new Case(
            "MOC in ES to DE 20 s: between zone countries like at home",
            call(MOC, EU, "ES", "+4915112345678", MOBILE, "DE", 20),
            "DOMESTIC",
            30,
            30,
            0,
            "0.00"),
        new Case(
            "MOC in ES to US 61 s",
            call(MOC, EU, "ES", "+12125551234", FIXED, "US", 61),
            "INTL_WORLD1",
            61,
            0,
            61,
            "6.08"),
        new Case(
            "MTC at home 300 s",
            call(MTC, HOME, null, "+4791111111", MOBILE, "NO", 300),
            "FREE",
            300,
            0,
            0,
            "0.00"),
        new Case(
            "MTC in DE 300 s",
            call(MTC, EU, "DE", "+4791111111", MOBILE, "NO", 300),
            "FREE",
            300,
            0,
            0,
            "0.00"),
        new Case(
            "SMS_MT in ES",
            call(SMS_MT, EU, "ES", "+4791111111", MOBILE, "NO", 0),
            "FREE",
            1,
            0,
            0,
            "0.00"),
        new Case(
            "MTC in TH (WORLD2) 61 s: 120 × 12.00 / 60",
            call(MTC, WORLD2, "TH", "+4791111111", MOBILE, "NO", 61),
            "ROAM_WORLD2_MT",
            120,
            0,
            120,
            "24.00"),
        new Case(
            "MOC in US (WORLD1) to NO 61 s: 120 × 15.00 / 60",
            call(MOC, WORLD1, "US", "+4791111111", MOBILE, "NO", 61),
            "ROAM_WORLD1_MO",
            120,
            0,
            120,
            "30.00"),
        new Case(
            "SMS_MO in US to NO",
            call(SMS_MO, WORLD1, "US", "+4791111111", MOBILE, "NO", 0),
            "ROAM_WORLD1_MO",
            1,
            0,
            1,
            "3.00"),
        new Case(
            "FWD at home to NO 10 s: draws the allowance",
            call(FWD, HOME, null, "+4791111111", MOBILE, "NO", 10),
            "DOMESTIC",
            30,
            30,
            0,
            "0.00"),
        new Case(
            "FWD in ES to NO 61 s: forwarding is not roam like at home, 120 × 4.00 / 60",
            call(FWD, EU, "ES", "+4791111111", MOBILE, "NO", 61),
            "ROAM_FWD",
            120,
            0,
            120,
            "8.00"),
        new Case(
            "SMS_MO at home to NO",
            call(SMS_MO, HOME, null, "+4791111111", MOBILE, "NO", 0),
            "DOMESTIC",
            1,
            1,
            0,
            "0.00"),
        new Case(
            "SMS_MO at home to US",
            call(SMS_MO, HOME, null, "+12125551234", FIXED, "US", 0),
            "INTL_WORLD1",
            1,
            0,
            1,
            "1.50"),
        new Case(
            "DATA at home 1 500 001 bytes = 1501 kB, covered",
            data(HOME, null, 1_500_001),
            "DOMESTIC",
            1501,
            1501,
            0,
            "0.00"),
        new Case(
            "DATA in ES 2 000 000 bytes, within the 4 MB EU limit",
            data(EU, "ES", 2_000_000),
            "DOMESTIC",
            2000,
            2000,
            0,
            "0.00"),
        new Case(
            "DATA in US 1 500 000 bytes: 1500 × 50.00 / 1000",
            data(WORLD1, "US", 1_500_000),
            "ROAM_WORLD1_DATA",
            1500,
            0,
            1500,
            "75.00"),
        new Case(
            "DATA on a ship 10 001 bytes = 11 kB × 100.00 / 1000",
            data(MARITIME, null, 10_001),
            "ROAM_MARITIME_DATA",
            11,
            0,
            11,
            "1.10"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("freshCases")
  void freshState(Case c) {
    assertLine(
        rated(c.call(), new PeriodUsage()),
        c.zone(),
        c.billed(),
        c.allowance(),
        c.chargeable(),
        c.amount());
  }

  // ---------------------------------------------------------------------------------------------

  @Nested
  class Allowances {
    @Test
    void voiceSplitMidCall() {
      PeriodUsage u = usage(x -> x.voiceSeconds = 570); // 30 of 600 s left
      // 100 s bills 30 + ceil(70 / 30) × 30 = 120: 30 covered, 90 charged, connect fee applies.
      InvoiceLine first = rated(call(MOC, HOME, null, "+4791111111", MOBILE, "NO", 100), u);
      assertLine(first, "DOMESTIC", 120, 30, 90, "2.30"); // 0.50 + 90 × 1.20 / 60
      assertEquals(600, u.voiceSeconds);
      InvoiceLine next = rated(call(MOC, HOME, null, "+4791111111", MOBILE, "NO", 10), u);
      assertLine(next, "DOMESTIC", 30, 0, 30, "1.10"); // 0.50 + 30 × 1.20 / 60
      assertEquals(600, u.voiceSeconds);
    }

    @Test
    void voiceAllowanceExactlyUsedUpChargesNoConnectFee() {
      PeriodUsage u = usage(x -> x.voiceSeconds = 540);
      InvoiceLine l = rated(call(MOC, HOME, null, "+4791111111", MOBILE, "NO", 60), u);
      assertLine(l, "DOMESTIC", 60, 60, 0, "0.00");
    }

    @Test
    void roamLikeAtHomeDrawsTheSameAllowance() {
      PeriodUsage u = usage(x -> x.voiceSeconds = 590);
      InvoiceLine l = rated(call(MOC, EU, "DE", "+4791111111", MOBILE, "NO", 31), u);
      assertLine(l, "DOMESTIC", 60, 10, 50, "1.50"); // 0.50 + 50 × 1.20 / 60
    }

    @Test
    void smsSplit() {
      PeriodUsage u = usage(x -> x.smsCount = 4);
      MediatedCall sms = call(SMS_MO, HOME, null, "+4791111111", MOBILE, "NO", 0);
      assertLine(rated(sms, u), "DOMESTIC", 1, 1, 0, "0.00");
      assertLine(rated(sms, u), "DOMESTIC", 1, 0, 1, "0.69");
      assertEquals(5, u.smsCount);
    }

    @Test
    void dataSplitThenThrottled() {
      PeriodUsage u = usage(x -> x.dataKb = 9_500);
      // 1000 kB: 500 covered, 500 past the allowance on a THROTTLE plan.
      InvoiceLine l = rated(data(HOME, null, 1_000_000), u);
      assertLine(l, "DOMESTIC", 1000, 500, 0, "0.00", "THROTTLED");
      assertEquals(10_000, u.dataKb);
      assertLine(rated(data(HOME, null, 1), u), "DOMESTIC", 1, 0, 0, "0.00", "THROTTLED");
    }

    @Test
    void freeAndNonDomesticZonesDrawNothing() {
      PeriodUsage u = new PeriodUsage();
      rated(call(MOC, HOME, null, "+4930123456", FIXED, "DE", 61), u);
      rated(call(MTC, HOME, null, "+4791111111", MOBILE, "NO", 61), u);
      rated(call(SMS_MO, HOME, null, "1881", SHORT, null, 0), u);
      rated(data(WORLD1, "US", 5_000), u);
      assertEquals(0, u.voiceSeconds);
      assertEquals(0, u.smsCount);
      assertEquals(0, u.dataKb);
    }
  }

  @Nested
  class DataOverageCharge {
    /** Allowance used up and its notices sent. */
    private PeriodUsage exhausted(long overageOre) {
      PeriodUsage u = new PeriodUsage();
      u.dataKb = 10_000;
      u.overageOre = overageOre;
      u.markNotified(NotificationKind.DATA_80);
      u.markNotified(NotificationKind.DATA_100);
      return u;
    }

    private MediatedCall home(long bytes) {
      MediatedCall c = data(HOME, null, bytes);
      c.planId = "PC"; // CHARGE at 9.00/MB = 0.009 per kB, capped at 10.00 per period
      return c;
    }

    @Test
    void chargedUntilTheCapOnRoundedAmountsThenThrottled() {
      PeriodUsage u = exhausted(0);

      RatingOutcome first = rate(home(500_000), u);
      assertLine(first.line(), "DOMESTIC", 500, 0, 500, "4.50");
      assertEquals(450, u.overageOre);
      assertTrue(first.notices().isEmpty());

      // 550 øre left. k kB cost round(k × 0.009): 611 kB = 5.499 → 5.50 fits, 612 kB = 5.508 →
      // 5.51 does not. 611 kB charged, 89 kB throttled, the cap is reached.
      RatingOutcome second = rate(home(700_000), u);
      assertLine(second.line(), "DOMESTIC", 700, 0, 611, "5.50", "THROTTLED");
      assertEquals(1000, u.overageOre);
      assertEquals(List.of(NotificationKind.OVERAGE_CAP), kinds(second));

      RatingOutcome third = rate(home(100_000), u);
      assertLine(third.line(), "DOMESTIC", 100, 0, 0, "0.00", "THROTTLED");
      assertTrue(third.notices().isEmpty(), "OVERAGE_CAP once");
      assertEquals(1000, u.overageOre);
    }

    @Test
    void reachingTheCapExactlyChargesTheWholeLine() {
      PeriodUsage u = exhausted(910);
      RatingOutcome o = rate(home(100_000), u); // 100 kB = 0.90 → exactly 10.00
      assertLine(o.line(), "DOMESTIC", 100, 0, 100, "0.90");
      assertEquals(List.of(NotificationKind.OVERAGE_CAP), kinds(o));
      // Even a line that would round to 0.00 is throttled once the cap is reached.
      assertLine(rate(home(400), u).line(), "DOMESTIC", 1, 0, 0, "0.00", "THROTTLED");
    }

    @Test
    void splitAcrossAllowanceAndOverage() {
      PeriodUsage u = usage(x -> x.dataKb = 9_900);
      InvoiceLine l = rated(home(300_000), u); // 100 covered, 200 kB × 0.009 = 1.80
      assertLine(l, "DOMESTIC", 300, 100, 200, "1.80");
      assertEquals(180, u.overageOre);
    }
  }

  @Nested
  class EuData {
    @Test
    void beyondTheEuLimitIsOneRoamEuDataLine() {
      PeriodUsage u =
          usage(
              x -> {
                x.dataKb = 3_500;
                x.euDataKb = 3_500;
              });
      // 1200 kB: 500 within the 4000 kB limit (covered by the allowance), 700 beyond it.
      InvoiceLine l = rated(data(EU, "ES", 1_200_000), u);
      assertLine(l, "ROAM_EU_DATA", 1200, 500, 700, "3.15"); // 700 × 4.50 / 1000
      assertEquals(4_000, u.dataKb);
      assertEquals(4_700, u.euDataKb);

      assertLine(rated(data(EU, "ES", 100_000), u), "ROAM_EU_DATA", 100, 0, 100, "0.45");
      assertEquals(4_000, u.dataKb, "data beyond the EU limit draws no allowance");
      // At home the allowance is still there.
      assertLine(rated(data(HOME, null, 1_000_000), u), "DOMESTIC", 1000, 1000, 0, "0.00");
    }

    @Test
    void withinTheLimitButPastTheAllowanceIsThrottled() {
      PeriodUsage u = usage(x -> x.dataKb = 10_000);
      assertLine(rated(data(EU, "DE", 1_000_000), u), "DOMESTIC", 1000, 0, 0, "0.00", "THROTTLED");
      assertEquals(1_000, u.euDataKb);
    }

    @Test
    void partThrottledPartBeyondTheLimit() {
      PeriodUsage u =
          usage(
              x -> {
                x.dataKb = 10_000;
                x.euDataKb = 3_500;
              });
      InvoiceLine l = rated(data(EU, "DE", 1_000_000), u);
      assertLine(l, "ROAM_EU_DATA", 1000, 0, 500, "2.25", "THROTTLED"); // 500 × 4.50 / 1000
    }

    @Test
    void noEuLimitMeansDomesticThroughout() {
      MediatedCall c = data(EU, "ES", 8_000_000);
      c.planId = "PN";
      PeriodUsage u = usage(x -> x.euDataKb = 50_000);
      assertLine(rated(c, u), "DOMESTIC", 8000, 8000, 0, "0.00");
    }
  }

  @Nested
  class BlockedSim {
    @Test
    void atTheBlockItemisedFreeAndDrawsNothing() {
      MediatedCall c = call(MOC, HOME, null, "+4791111111", MOBILE, "NO", 45);
      c.simBlockedAtMillis = c.eventStartMillis;
      PeriodUsage u = new PeriodUsage();
      PresenceDays p = new PresenceDays();
      RatingOutcome o = rater.rate(c, u, p, ref, NOW);
      assertLine(o.line(), "DOMESTIC", 60, 0, 0, "0.00", "BLOCKED_SIM");
      assertEquals(0, u.voiceSeconds);
      assertFalse(p.isPresent((int) EVENT_DATE.toEpochDay()));
    }

    @Test
    void justBeforeTheBlockRatedNormally() {
      MediatedCall c = call(MOC, HOME, null, "+4791111111", MOBILE, "NO", 45);
      c.simBlockedAtMillis = c.eventStartMillis + 1;
      PeriodUsage u = new PeriodUsage();
      assertLine(rated(c, u), "DOMESTIC", 60, 60, 0, "0.00");
      assertEquals(60, u.voiceSeconds);
    }

    @Test
    void chargedZonesAreNotChargedEither() {
      MediatedCall special = call(MOC, HOME, null, "+4782099999", PREMIUM, "NO", 61);
      special.simBlockedAtMillis = 0L;
      assertLine(rated(special, new PeriodUsage()), "SPECIAL", 61, 0, 0, "0.00", "BLOCKED_SIM");

      MediatedCall roaming = call(MOC, WORLD1, "US", "+4791111111", MOBILE, "NO", 61);
      roaming.simBlockedAtMillis = 0L;
      RatingOutcome o = rate(roaming, new PeriodUsage());
      assertLine(o.line(), "ROAM_WORLD1_MO", 120, 0, 0, "0.00", "BLOCKED_SIM");
      assertTrue(o.notices().isEmpty(), "no notices for a blocked SIM");
    }
  }

  @Nested
  class Late {
    private ReferenceData closed(YearMonth period, Instant closedAt) {
      return RatingFixture.referenceBuilder().billingPeriod(period, closedAt).build();
    }

    @Test
    void closedPeriodGoesToTheNextOpenOneAndDrawsItsOwnAllowance() {
      ReferenceData r = closed(YearMonth.of(2026, 3), oslo(2026, 4, 5, 0, 0));
      PeriodUsage march = usage(x -> x.voiceSeconds = 570);
      RatingOutcome o =
          rater.rate(
              call(MOC, HOME, null, "+4791111111", MOBILE, "NO", 100),
              march,
              alwaysHome(),
              r,
              oslo(2026, 4, 10, 0, 0));
      assertLine(o.line(), "DOMESTIC", 120, 30, 90, "2.30", "LATE");
      assertEquals("2026-04", o.line().billingPeriod);
      assertEquals("2026-03", o.line().usagePeriod);
      assertEquals(600, march.voiceSeconds);
    }

    @Test
    void skipsEveryClosedPeriod() {
      ReferenceData r =
          RatingFixture.referenceBuilder()
              .billingPeriod(YearMonth.of(2026, 3), oslo(2026, 4, 5, 0, 0))
              .billingPeriod(YearMonth.of(2026, 4), oslo(2026, 5, 5, 0, 0))
              .build();
      RatingOutcome o =
          rater.rate(
              call(SMS_MO, HOME, null, "+4791111111", MOBILE, "NO", 0),
              new PeriodUsage(),
              alwaysHome(),
              r,
              oslo(2026, 5, 6, 0, 0));
      assertEquals("2026-05", o.line().billingPeriod);
      assertArrayEquals(new String[] {"LATE"}, o.line().flags);
    }

    @Test
    void closedAtIsInclusiveAndAFutureCloseIsStillOpen() {
      Instant closedAt = oslo(2026, 4, 5, 0, 0);
      ReferenceData r = closed(YearMonth.of(2026, 3), closedAt);
      MediatedCall c = call(SMS_MO, HOME, null, "+4791111111", MOBILE, "NO", 0);
      InvoiceLine atClose = rater.rate(c, new PeriodUsage(), alwaysHome(), r, closedAt).line();
      assertEquals("2026-04", atClose.billingPeriod);
      InvoiceLine before =
          rater.rate(c, new PeriodUsage(), alwaysHome(), r, closedAt.minusMillis(1)).line();
      assertEquals("2026-03", before.billingPeriod);
      assertEquals(0, before.flags.length);
    }
  }

  @Nested
  class FairUseSurcharge {
    private RatingOutcome rateWith(MediatedCall c, PresenceDays p) {
      return rater.rate(c, new PeriodUsage(), p, ref, NOW);
    }

    @Test
    void voiceCoveredByTheAllowanceStillPaysTheSurcharge() {
      // Never at home: MOC in ES to NO 61 s bills 90 s, covered; surcharge 90 × 0.30 / 60.
      InvoiceLine l =
          rateWith(call(MOC, EU, "ES", "+4791111111", MOBILE, "NO", 61), new PresenceDays()).line();
      assertLine(l, "DOMESTIC", 90, 90, 0, "0.45", "FAIR_USE_SURCHARGE");
    }

    @Test
    void chargedPartAndSurchargeRoundedOnce() {
      PeriodUsage u = usage(x -> x.voiceSeconds = 600);
      InvoiceLine l =
          rater
              .rate(
                  call(MOC, EU, "ES", "+4791111111", MOBILE, "NO", 10),
                  u,
                  new PresenceDays(),
                  ref,
                  NOW)
              .line();
      // 0.50 + 30 × 1.20 / 60 + 30 × 0.30 / 60 = 0.50 + 0.60 + 0.15
      assertLine(l, "DOMESTIC", 30, 0, 30, "1.25", "FAIR_USE_SURCHARGE");
    }

    @Test
    void smsAndData() {
      assertLine(
          rateWith(call(SMS_MO, EU, "DE", "+4791111111", MOBILE, "NO", 0), new PresenceDays())
              .line(),
          "DOMESTIC",
          1,
          1,
          0,
          "0.10",
          "FAIR_USE_SURCHARGE");
      assertLine(
          rateWith(data(EU, "DE", 1_000_000), new PresenceDays()).line(),
          "DOMESTIC",
          1000,
          1000,
          0,
          "2.50",
          "FAIR_USE_SURCHARGE");
    }

    @Test
    void freeLinesStayFree() {
      assertLine(
          rateWith(call(MTC, EU, "ES", "+4791111111", MOBILE, "NO", 61), new PresenceDays()).line(),
          "FREE",
          61,
          0,
          0,
          "0.00");
    }

    @Test
    void nordicBalticAndWorldZonesHaveNoFairUse() {
      assertLine(
          rateWith(call(MOC, EU, "SE", "+4791111111", MOBILE, "NO", 61), new PresenceDays()).line(),
          "DOMESTIC",
          90,
          90,
          0,
          "0.00");
      assertLine(
          rateWith(data(WORLD1, "US", 1_000), new PresenceDays()).line(),
          "ROAM_WORLD1_DATA",
          1,
          0,
          1,
          "0.05");
    }
  }

  @Nested
  class Notices {
    @Test
    void data80And100OnceEach() {
      PeriodUsage u = new PeriodUsage();
      assertTrue(rate(data(HOME, null, 7_999_000), u).notices().isEmpty());
      assertEquals(List.of(NotificationKind.DATA_80), kinds(rate(data(HOME, null, 1_000), u)));
      assertTrue(rate(data(HOME, null, 1_000_000), u).notices().isEmpty()); // 9000 kB
      assertEquals(List.of(NotificationKind.DATA_100), kinds(rate(data(HOME, null, 1_001_000), u)));
      assertTrue(rate(data(HOME, null, 1_000_000), u).notices().isEmpty());
    }

    @Test
    void oneRecordCrossingBoth() {
      RatingOutcome o = rate(data(HOME, null, 12_000_000), new PeriodUsage());
      assertEquals(List.of(NotificationKind.DATA_80, NotificationKind.DATA_100), kinds(o));
    }

    @Test
    void roamingEnterOncePerCountryAndPeriod() {
      PeriodUsage march = new PeriodUsage();
      RatingOutcome es = rate(call(MTC, EU, "ES", "+4791111111", MOBILE, "NO", 10), march);
      assertEquals(List.of(NotificationKind.ROAMING_ENTER), kinds(es));
      UsageNotice n = es.notices().get(0);
      assertEquals("ES", n.country);
      assertEquals("2026-03", n.billingPeriod);
      assertEquals(MSISDN, n.msisdn);
      assertEquals("S1", n.subscriptionId);
      assertEquals(EVENT.toEpochMilli(), n.eventTime);
      assertEquals(
          UUID.nameUUIDFromBytes("S1|2026-03|ROAMING_ENTER|ES".getBytes()).toString(),
          n.notificationId);

      assertTrue(rate(data(EU, "ES", 1_000), march).notices().isEmpty());
      assertEquals(List.of(NotificationKind.ROAMING_ENTER), kinds(rate(data(EU, "DE", 1), march)));
      assertTrue(
          rate(call(SMS_MO, HOME, null, "+4791111111", MOBILE, "NO", 0), march)
              .notices()
              .isEmpty());
      assertTrue(rate(data(MARITIME, null, 1_000), march).notices().isEmpty());
      assertEquals("ES,DE", march.roamingCountries);

      PeriodUsage april = new PeriodUsage();
      assertEquals(
          List.of(NotificationKind.ROAMING_ENTER),
          kinds(rate(call(MTC, EU, "ES", "+4791111111", MOBILE, "NO", 10), april)));
    }

    @Test
    void idsAreDeterministic() {
      assertEquals(
          UsageNotice.idOf("S1", "2026-03", NotificationKind.DATA_80, null),
          UUID.nameUUIDFromBytes("S1|2026-03|DATA_80|".getBytes()).toString());
      RatingOutcome a = rate(data(HOME, null, 12_000_000), new PeriodUsage());
      RatingOutcome b = rate(data(HOME, null, 12_000_000), new PeriodUsage());
      assertEquals(a.notices().get(1).notificationId, b.notices().get(1).notificationId);
      assertEquals(NotificationKind.DATA_100, a.notices().get(1).toAvro().getKind());
    }
  }

  @Nested
  class Columns {
    @Test
    void voiceLine() {
      MediatedCall c = call(FWD, HOME, null, "+4791111111", MOBILE, "NO", 10);
      c.incomplete = true;
      InvoiceLine l = rated(c, new PeriodUsage());
      assertEquals("line-FWD", l.lineId);
      assertEquals("MSC-OSL-1", l.networkElement);
      assertEquals("ref-1", l.callReference);
      assertEquals("A1", l.accountId);
      assertEquals("S1", l.subscriptionId);
      assertEquals(MSISDN, l.msisdn);
      assertEquals("242011234567890", l.imsi);
      assertEquals("2026-03", l.billingPeriod);
      assertEquals("2026-03", l.usagePeriod);
      assertEquals(EVENT.toEpochMilli(), l.eventStart);
      assertEquals(EVENT_DATE, l.eventLocalDate());
      assertEquals("VOICE", l.service);
      assertEquals("FWD", l.direction);
      assertEquals("+4791111111", l.counterpartNumber);
      assertEquals("NO", l.counterpartCountry);
      assertEquals("MOBILE", l.counterpartClass);
      assertNull(l.roamingCountry);
      assertEquals(10, l.durationS);
      assertNull(l.volumeBytes);
      assertEquals("NOK", l.currency);
      assertArrayEquals(new String[] {"INCOMPLETE"}, l.flags);
    }

    @Test
    void directions() {
      assertEquals(
          "MO",
          rated(call(MOC, HOME, null, "112", EMERGENCY, null, 1), new PeriodUsage()).direction);
      assertEquals(
          "MT",
          rated(call(MTC, HOME, null, "+4791111111", MOBILE, "NO", 1), new PeriodUsage())
              .direction);
      assertEquals(
          "MO",
          rated(call(SMS_MO, HOME, null, "112", EMERGENCY, null, 0), new PeriodUsage()).direction);
      assertEquals(
          "MT",
          rated(call(SMS_MT, HOME, null, "+4791111111", MOBILE, "NO", 0), new PeriodUsage())
              .direction);
      assertEquals("MO", rated(data(HOME, null, 1), new PeriodUsage()).direction);
    }

    @Test
    void smsAndDataColumns() {
      InvoiceLine sms =
          rated(call(SMS_MO, HOME, null, "+4791111111", MOBILE, "NO", 0), new PeriodUsage());
      assertEquals("SMS", sms.service);
      assertNull(sms.durationS);
      assertNull(sms.volumeBytes);

      InvoiceLine d = rated(data(EU, "ES", 1_234), new PeriodUsage());
      assertEquals("DATA", d.service);
      assertNull(d.durationS);
      assertEquals(1_234L, d.volumeBytes);
      assertEquals(2, d.billedUnits);
      assertNull(d.counterpartNumber);
      assertEquals("ES", d.roamingCountry);
    }

    @Test
    void eventDateAndPeriodAreOsloCalendar() {
      // 2026-03-31 22:30 UTC is 2026-04-01 00:30 in Oslo (summer time from 29 March).
      MediatedCall c = call(SMS_MO, HOME, null, "+4791111111", MOBILE, "NO", 0);
      c.eventStartMillis = Instant.parse("2026-03-31T22:30:00Z").toEpochMilli();
      InvoiceLine l = rated(c, new PeriodUsage());
      assertEquals("2026-04", l.usagePeriod);
      assertEquals("2026-04-01", l.eventLocalDate().toString());
      assertEquals("2026-04", RetailRater.usagePeriodOf(c));
    }

    @Test
    void flagsSorted() {
      ReferenceData r =
          RatingFixture.referenceBuilder()
              .billingPeriod(YearMonth.of(2026, 3), oslo(2026, 4, 1, 0, 0))
              .build();
      MediatedCall c = data(HOME, null, 1_000);
      c.incomplete = true;
      PeriodUsage u = usage(x -> x.dataKb = 10_000);
      InvoiceLine l = rater.rate(c, u, alwaysHome(), r, oslo(2026, 4, 2, 0, 0)).line();
      assertArrayEquals(new String[] {"INCOMPLETE", "LATE", "THROTTLED"}, l.flags);
    }
  }

  @Nested
  class Presence {
    @Test
    void eventsAtHomeMakePresenceDaysOthersDoNot() {
      PresenceDays p = new PresenceDays();
      int day = (int) EVENT_DATE.toEpochDay();
      rater.rate(data(EU, "ES", 1), new PeriodUsage(), p, ref, NOW);
      assertFalse(p.isPresent(day));
      rater.rate(data(HOME, null, 1), new PeriodUsage(), p, ref, NOW);
      assertTrue(p.isPresent(day));
    }
  }

  /** The worked example of docs/rating.md. */
  @Test
  void workedExampleOfTheUserDoc() {
    PresenceDays twentyOfNinety = new PresenceDays();
    for (int i = 1; i <= 20; i++) {
      twentyOfNinety.record(EVENT_DATE.minusDays(3 * i));
    }
    PeriodUsage march =
        usage(
            x -> {
              x.voiceSeconds = 590;
              x.dataKb = 3_500;
              x.euDataKb = 3_500;
            });

    MediatedCall call = call(MOC, EU, "ES", "+4791111111", MOBILE, "NO", 61);
    call.planId = "PC";
    InvoiceLine voice = rater.rate(call, march, twentyOfNinety, ref, NOW).line();
    assertLine(voice, "DOMESTIC", 90, 10, 80, "2.55", "FAIR_USE_SURCHARGE");
    assertEquals(600, march.voiceSeconds);

    MediatedCall data = data(EU, "ES", 1_200_000);
    data.planId = "PC";
    InvoiceLine eu = rater.rate(data, march, twentyOfNinety, ref, NOW).line();
    assertLine(eu, "ROAM_EU_DATA", 1200, 500, 700, "6.15", "FAIR_USE_SURCHARGE");

    // Every line explains itself (docs/rating.md, "Invoice line"): the inputs of its amount.
    assertEquals("PC", voice.planId);
    assertEquals(0, new java.math.BigDecimal("1.20").compareTo(voice.unitPrice));
    assertEquals(0, new java.math.BigDecimal("0.50").compareTo(voice.connectFee));
    assertEquals(0, new java.math.BigDecimal("0.45").compareTo(voice.fairUseSurcharge));
    assertEquals(10L, voice.allowanceBefore);
    assertEquals(0L, voice.allowanceAfter);
    assertEquals("EU", voice.visitedZone);
    assertEquals(0, new java.math.BigDecimal("4.50").compareTo(eu.unitPrice));
    assertEquals(0, new java.math.BigDecimal("3.00").compareTo(eu.fairUseSurcharge));
    assertEquals(6_500L, eu.allowanceBefore);
    assertEquals(6_000L, eu.allowanceAfter);
  }

  private static List<NotificationKind> kinds(RatingOutcome o) {
    return o.notices().stream().map(n -> n.kind).toList();
  }
}
