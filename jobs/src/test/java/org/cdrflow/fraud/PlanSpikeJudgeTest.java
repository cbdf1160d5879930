package org.cdrflow.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.reference.FraudRule;
import org.cdrflow.reference.FraudRuleKind;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceDataProvider;
import org.junit.jupiter.api.Test;

/**
 * New subscriptions' USAGE_SPIKE judged by the plan's operator, in event time (docs/fraud.md,
 * "USAGE_SPIKE and new subscriptions"); and what detection sends it.
 */
class PlanSpikeJudgeTest {
  private static final int DAY = (int) LocalDate.of(2026, 10, 5).toEpochDay();
  private static final long NOON = FraudDetector.dayStart(DAY) + 12 * 3_600_000L;
  private static final ReferenceData REF =
      ReferenceData.builder()
          .fraudRule(
              FraudRule.defaults(
                  "SPIKE", Instant.parse("2026-01-01T00:00:00Z"), FraudRuleKind.USAGE_SPIKE))
          .build();

  private static KeyedOneInputStreamOperatorTestHarness<String, SubscriptionDayUsage, FraudAlert>
      judge() throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new PlanSpikeJudge(ReferenceDataProvider.fixed(REF))),
            (SubscriptionDayUsage u) -> u.planId,
            Types.STRING);
    h.open();
    return h;
  }

  private static SubscriptionDayUsage usage(
      String sub, int day, boolean closed, long amountOre, long t) {
    SubscriptionDayUsage u = new SubscriptionDayUsage();
    u.planId = "PLAN_S";
    u.subscriptionId = sub;
    u.accountId = "acc-" + sub;
    u.day = day;
    u.closed = closed;
    u.amountOre = amountOre;
    u.eventTime = t;
    u.events = 1;
    u.firstEvent = t;
    u.lastEvent = t;
    return u;
  }

  /** Closed days of three earlier days: the plan's subscriptions spend 400 NOK a day. */
  private static void dearPlan(
      KeyedOneInputStreamOperatorTestHarness<String, SubscriptionDayUsage, FraudAlert> h)
      throws Exception {
    for (int d = DAY - 3; d < DAY; d++) {
      h.processElement(usage("old-" + d, d, true, 40_000, NOON - 24 * 3_600_000L), NOON);
    }
  }

  @Test
  void aDaySoFarIsJudgedWhenTheWatermarkReachesItWithEveryEarlierClosedDay() throws Exception {
    try (var h = judge()) {
      // 3500 NOK: above the floor, above 10 x baseline_amount (100), below 10 x the plan's 400
      h.processElement(usage("new", DAY, false, 350_000, NOON), NOON);
      assertEquals(List.of(), h.extractOutputValues(), "not before the watermark");
      // the earlier days close after the day so far arrived, but before the watermark reaches it
      dearPlan(h);
      h.processWatermark(NOON);
      assertEquals(List.of(), h.extractOutputValues(), "judged against the plan's 400 NOK a day");
      h.processElement(usage("new", DAY, false, 400_000, NOON + 60_000), NOON + 60_000);
      h.processWatermark(NOON + 60_000);
      List<FraudAlert> alerts = h.extractOutputValues();
      assertEquals(1, alerts.size());
      assertEquals(
          FraudAlert.idOf("SPIKE", "new", FraudDetector.dayStart(DAY)), alerts.get(0).alertId);
      assertEquals(400_000, alerts.get(0).amountOre);
    }
  }

  @Test
  void aPlanWithTooFewDaysFallsBackToTheBaselineAmount() throws Exception {
    try (var h = judge()) {
      h.processElement(usage("old", DAY - 1, true, 40_000, NOON - 86_400_000L), NOON);
      h.processElement(usage("new", DAY, false, 350_000, NOON), NOON);
      h.processWatermark(NOON);
      assertEquals(1, h.extractOutputValues().size(), "3500 NOK >= 10 x 100 and the floor");
    }
  }

  @Test
  void oneAlertPerDayTheSameWhateverTheArrivalOrder() throws Exception {
    List<List<Long>> amounts = List.of(List.of(600_000L, 500_000L), List.of(500_000L, 600_000L));
    List<FraudAlert> first = new ArrayList<>();
    for (List<Long> order : amounts) {
      try (var h = judge()) {
        for (long amount : order) {
          h.processElement(usage("new", DAY, false, amount, NOON), NOON);
        }
        h.processWatermark(NOON);
        h.processElement(usage("new", DAY, false, 700_000, NOON + 1), NOON + 1);
        h.processWatermark(NOON + 1);
        List<FraudAlert> alerts = h.extractOutputValues();
        assertEquals(1, alerts.size(), order.toString());
        first.add(alerts.get(0));
      }
    }
    assertEquals(500_000, first.get(0).amountOre);
    assertEquals(first.get(0).amountOre, first.get(1).amountOre);
    assertEquals(first.get(0).alertId, first.get(1).alertId);
  }

  @Test
  void theWaitingDaysAndOncePerDayMarksAreLetGo() throws Exception {
    try (var h = judge()) {
      h.processElement(usage("new", DAY, false, 500_000, NOON), NOON);
      h.processWatermark(FraudDetector.dayStart(DAY + 1) + 1);
      // a later day's timer drops the earlier day's once-per-day mark
      h.processElement(usage("other", DAY + 1, false, 1, NOON + 86_400_000L), NOON);
      h.processWatermark(NOON + 86_400_000L);
      assertEquals(1, h.extractOutputValues().size());
      assertEquals(0, h.numKeyedStateEntries(), "nothing waits, no mark kept, no history");
    }
  }

  // ---- what detection sends the plan's judge

  @Test
  void detectionSendsClosedDaysAndANewSubscriptionsDaySoFarAtTheFloor() throws Exception {
    try (var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new FraudDetectionFunction(ReferenceDataProvider.fixed(REF))),
            (InvoiceLine l) -> l.subscriptionId,
            Types.STRING)) {
      h.open();
      InvoiceLine small =
          FraudDetectionFunctionTest.line("SUB-1", NOON - 86_400_000L, "+4722000000", 60);
      small.planId = "PLAN_S";
      h.processElement(small, small.eventStart);
      InvoiceLine big = FraudDetectionFunctionTest.line("SUB-1", NOON, "+4722000000", 60);
      big.planId = "PLAN_S";
      big.amount = new BigDecimal("3500.00");
      h.processElement(big, big.eventStart);
      assertEquals(List.of(), h.extractOutputValues(), "left to the plan's judge");
      h.processWatermark(FraudDetector.dayStart(DAY + 1));
      ConcurrentLinkedQueue<StreamRecord<SubscriptionDayUsage>> sent =
          h.getSideOutput(FraudDetectionFunction.SUBSCRIPTION_DAYS);
      List<String> seen = new ArrayList<>();
      for (StreamRecord<SubscriptionDayUsage> r : sent) {
        SubscriptionDayUsage u = r.getValue();
        assertEquals("PLAN_S", u.planId);
        seen.add((u.closed ? "closed " : "so far ") + (u.day - DAY) + " " + u.amountOre);
      }
      assertEquals(List.of("closed -1 100", "so far 0 350000", "closed 0 350000"), seen);
      assertTrue(sent.stream().allMatch(r -> r.getValue().subscriptionId.equals("SUB-1")));
    }
  }
}
