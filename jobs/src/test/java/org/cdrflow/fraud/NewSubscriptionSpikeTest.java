package org.cdrflow.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.cdrflow.fraud.ObservedUsage.Service;
import org.cdrflow.reference.FraudRule;
import org.cdrflow.reference.FraudRuleKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * USAGE_SPIKE of a new subscription against its plan's average day (docs/fraud.md, "USAGE_SPIKE and
 * new subscriptions"), at the defaults: spike_factor 10, min_amount 3000 NOK, baseline_amount 100
 * NOK.
 */
class NewSubscriptionSpikeTest {
  private static final int DAY = (int) LocalDate.of(2026, 5, 12).toEpochDay();
  private static final FraudRule RULE =
      FraudRule.defaults("SPIKE", Instant.parse("2026-01-01T00:00:00Z"), FraudRuleKind.USAGE_SPIKE);

  static Stream<Arguments> cases() {
    return Stream.of(
        // the plan has too few days: baseline_amount (100 NOK), so the floor decides
        Arguments.of("no plan figures, below the floor", 299_999L, OptionalLong.empty(), false),
        Arguments.of("no plan figures, at the floor", 300_000L, OptionalLong.empty(), true),
        // a plan whose subscriptions spend 50 NOK a day: the floor decides
        Arguments.of("cheap plan, at the floor", 300_000L, OptionalLong.of(5_000), true),
        // a plan whose subscriptions spend 400 NOK a day: 10 x 400 = 4000 NOK
        Arguments.of(
            "dear plan, above floor, below 10 x", 399_999L, OptionalLong.of(40_000), false),
        Arguments.of("dear plan, at 10 x", 400_000L, OptionalLong.of(40_000), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void judgedAgainstThePlansAverageOrTheBaseline(
      String name, long amountOre, OptionalLong planAverage, boolean fires) {
    SubscriptionDayUsage u = new SubscriptionDayUsage();
    u.planId = "PLAN_S";
    u.subscriptionId = "sub-1";
    u.accountId = "acc-1";
    u.day = DAY;
    u.amountOre = amountOre;
    u.events = 3;
    u.firstEvent = FraudDetector.dayStart(DAY) + 1;
    u.lastEvent = FraudDetector.dayStart(DAY) + 2;
    FraudAlert alert = FraudDetector.newSubscriptionSpike(u, RULE, planAverage);
    assertEquals(fires, alert != null, name);
    if (alert != null) {
      assertEquals(FraudAlert.idOf("SPIKE", "sub-1", FraudDetector.dayStart(DAY)), alert.alertId);
      assertEquals(FraudDetector.dayStart(DAY + 1), alert.windowEnd);
      assertEquals(amountOre, alert.amountOre);
      assertEquals("USAGE_SPIKE", alert.kind);
    }
  }

  /** In the job, the detector leaves a new subscription of a known plan to the plan's judge. */
  @Test
  void theJobsDetectorLeavesNewSubscriptionsOfAPlanToThePlan() {
    ObservedUsage big =
        new ObservedUsage(
            FraudDetector.dayStart(DAY) + 3_600_000L,
            DAY,
            Service.VOICE,
            true,
            60,
            500_000,
            1,
            false,
            false,
            false,
            false);
    FraudDetector.Subject withPlan = new FraudDetector.Subject("sub-1", "acc-1", "PLAN_S");
    FraudDetector.Subject noPlan = new FraudDetector.Subject("sub-1", "acc-1", null);
    assertEquals(
        List.of(),
        new FraudDetector(true)
            .observe(new SubscriptionActivity(), big, withPlan, t -> List.of(RULE), 60_000));
    List<FraudAlert> unplanned =
        new FraudDetector(true)
            .observe(new SubscriptionActivity(), big, noPlan, t -> List.of(RULE), 60_000);
    assertEquals(1, unplanned.size(), "no plan to judge by: the rule's baseline");
    assertNotNull(unplanned.get(0).alertId);
    assertEquals(
        1,
        new FraudDetector()
            .observe(new SubscriptionActivity(), big, withPlan, t -> List.of(RULE), 60_000)
            .size(),
        "standalone: the rule's baseline");
  }
}
