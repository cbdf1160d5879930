package org.cdrflow.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.cdrflow.fraud.ObservedUsage.Service;
import org.cdrflow.reference.FraudRule;
import org.cdrflow.reference.FraudRuleKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each rule kind at its default thresholds, just below and at them (docs/fraud.md). */
class FraudDetectorTest {
  private static final int DAY = (int) LocalDate.of(2026, 5, 12).toEpochDay();
  private static final long T0 = FraudDetector.dayStart(DAY) + 10 * 3_600_000L;
  private static final long MIN = 60_000L;
  private static final Instant RULES_FROM = Instant.parse("2026-01-01T00:00:00Z");
  private static final FraudDetector.Subject SUBJECT =
      new FraudDetector.Subject("sub-1", "acc-1", "PLAN_S");

  /** An event builder: kind of traffic, at minute m, to number n. */
  private static ObservedUsage call(int minute, int number, int seconds, boolean highRisk) {
    return new ObservedUsage(
        T0 + minute * MIN,
        DAY,
        Service.VOICE,
        true,
        seconds,
        0,
        number,
        highRisk,
        false,
        false,
        false);
  }

  private static ObservedUsage premium(int minute, Service service) {
    return new ObservedUsage(
        T0 + minute * MIN,
        DAY,
        service,
        true,
        service == Service.VOICE ? 60 : 0,
        2500,
        820,
        false,
        true,
        false,
        false);
  }

  private static ObservedUsage roaming(int minute, int seconds, long ore) {
    return new ObservedUsage(
        T0 + minute * MIN,
        DAY,
        Service.VOICE,
        true,
        seconds,
        ore,
        minute,
        false,
        false,
        true,
        false);
  }

  private static ObservedUsage blocked(int minute) {
    return new ObservedUsage(
        T0 + minute * MIN, DAY, Service.SMS, true, 0, 0, 5, false, false, false, true);
  }

  private static List<ObservedUsage> times(int n, java.util.function.IntFunction<ObservedUsage> f) {
    List<ObservedUsage> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(f.apply(i));
    }
    return events;
  }

  static Stream<Arguments> slidingCases() {
    return Stream.of(
        // HIGH_RISK_DESTINATION: 3 calls or 20 minutes in 60 min
        Arguments.of(
            "2 short high-risk calls",
            FraudRuleKind.HIGH_RISK_DESTINATION,
            times(2, i -> call(i, 1, 30, true)),
            0),
        Arguments.of(
            "3 high-risk calls",
            FraudRuleKind.HIGH_RISK_DESTINATION,
            times(3, i -> call(i, 1, 30, true)),
            1),
        Arguments.of(
            "one 20-minute high-risk call",
            FraudRuleKind.HIGH_RISK_DESTINATION,
            List.of(call(0, 1, 1200, true)),
            1),
        Arguments.of(
            "3 high-risk calls spread over 2 hours",
            FraudRuleKind.HIGH_RISK_DESTINATION,
            times(3, i -> call(i * 61, 1, 30, true)),
            0),
        Arguments.of(
            "10 ordinary international calls",
            FraudRuleKind.HIGH_RISK_DESTINATION,
            times(10, i -> call(i, 1, 30, false)),
            0),
        // PREMIUM_BURST: 10 calls/SMS or 90 minutes in 60 min
        Arguments.of(
            "9 premium calls",
            FraudRuleKind.PREMIUM_BURST,
            times(9, i -> premium(i, Service.VOICE)),
            0),
        Arguments.of(
            "10 premium SMS",
            FraudRuleKind.PREMIUM_BURST,
            times(10, i -> premium(i, Service.SMS)),
            1),
        // CALL_SPRAY: 25 distinct numbers, 80 % of calls ≤ 10 s, in 60 min
        Arguments.of(
            "24 distinct short calls",
            FraudRuleKind.CALL_SPRAY,
            times(24, i -> call(i, 1000 + i, 3, false)),
            0),
        Arguments.of(
            "25 distinct short calls",
            FraudRuleKind.CALL_SPRAY,
            times(25, i -> call(i, 1000 + i, 3, false)),
            1),
        Arguments.of(
            "25 distinct ordinary calls (a call centre agent)",
            FraudRuleKind.CALL_SPRAY,
            times(25, i -> call(i * 2, 1000 + i, 120, false)),
            0),
        // ROAMING_HIGH_USAGE: 10000 NOK or 240 minutes in 4 h
        Arguments.of(
            "9999 NOK roaming",
            FraudRuleKind.ROAMING_HIGH_USAGE,
            times(9, i -> roaming(i * 20, 60, 111_100)),
            0),
        Arguments.of(
            "10000 NOK roaming",
            FraudRuleKind.ROAMING_HIGH_USAGE,
            times(10, i -> roaming(i * 20, 60, 100_000)),
            1),
        Arguments.of(
            "240 minutes roaming over 4 h",
            FraudRuleKind.ROAMING_HIGH_USAGE,
            times(8, i -> roaming(i * 30, 1800, 0)),
            1),
        // BLOCKED_SIM_ACTIVITY: any usage after the block; one alert per hour
        Arguments.of(
            "one SMS on a blocked SIM", FraudRuleKind.BLOCKED_SIM_ACTIVITY, List.of(blocked(0)), 1),
        Arguments.of(
            "usage on a blocked SIM over 3 hours",
            FraudRuleKind.BLOCKED_SIM_ACTIVITY,
            times(18, i -> blocked(i * 10)),
            3));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("slidingCases")
  void slidingWindowRules(
      String name, FraudRuleKind kind, List<ObservedUsage> events, int expectedAlerts) {
    List<FraudAlert> alerts = run(List.of(FraudRule.defaults("R1", RULES_FROM, kind)), events);
    assertEquals(expectedAlerts, alerts.size(), name);
    for (FraudAlert a : alerts) {
      assertEquals(kind.name(), a.kind);
      assertEquals(RULES_FROM.toEpochMilli(), a.ruleVersion);
      assertEquals("sub-1", a.subscriptionId);
    }
  }

  @Test
  void anAlertNamesItsWindowAndEvidence() {
    FraudRule rule = FraudRule.defaults("IRSF", RULES_FROM, FraudRuleKind.HIGH_RISK_DESTINATION);
    List<FraudAlert> alerts =
        run(
            List.of(rule),
            List.of(call(0, 1, 30, true), call(5, 2, 40, true), call(9, 1, 50, true)));
    FraudAlert a = alerts.get(0);
    assertEquals(T0, a.windowStart);
    assertEquals(T0 + 60 * MIN, a.windowEnd);
    assertEquals(3, a.eventCount);
    assertEquals(120, a.seconds);
    assertEquals(2, a.distinctDestinations);
    assertEquals(T0, a.firstEvent);
    assertEquals(T0 + 9 * MIN, a.lastEvent);
    assertEquals(FraudAlert.idOf("IRSF", "sub-1", T0), a.alertId);
  }

  @Test
  void aChangedRuleAppliesFromItsValidFrom() {
    Instant change = Instant.ofEpochMilli(T0 + 120 * MIN);
    FraudRule v1 = FraudRule.defaults("IRSF", RULES_FROM, FraudRuleKind.HIGH_RISK_DESTINATION);
    FraudRule v2 =
        FraudRule.of(
            "IRSF",
            change,
            FraudRuleKind.HIGH_RISK_DESTINATION,
            "HIGH",
            true,
            null,
            null,
            1,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    Function<Instant, List<FraudRule>> rulesAt =
        t -> t.isBefore(change) ? List.of(v1) : List.of(v2);
    SubscriptionActivity a = new SubscriptionActivity();
    FraudDetector d = new FraudDetector();
    List<FraudAlert> alerts = new ArrayList<>();
    // one high-risk call before the change: below v1's 3; one after: at v2's 1
    alerts.addAll(d.observe(a, call(0, 1, 30, true), SUBJECT, rulesAt, 240 * MIN));
    alerts.addAll(d.observe(a, call(130, 1, 30, true), SUBJECT, rulesAt, 240 * MIN));
    assertEquals(1, alerts.size());
    assertEquals(change.toEpochMilli(), alerts.get(0).ruleVersion);
    assertEquals("HIGH", alerts.get(0).severity);
  }

  @Test
  void simBoxIsJudgedWhenTheDayIsOver() {
    FraudRule rule = FraudRule.defaults("SIMBOX", RULES_FROM, FraudRuleKind.SIM_BOX);
    SubscriptionActivity a = new SubscriptionActivity();
    FraudDetector d = new FraudDetector();
    List<FraudAlert> alerts = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      alerts.addAll(
          d.observe(a, call(i * 3, 5000 + i, 90, false), SUBJECT, t -> List.of(rule), 60 * MIN));
    }
    assertEquals(0, alerts.size(), "not before the day ends");
    alerts.addAll(d.closeDay(a, SUBJECT, t -> List.of(rule)));
    assertEquals(1, alerts.size());
    assertEquals(FraudDetector.dayStart(DAY), alerts.get(0).windowStart);
    assertEquals(FraudDetector.dayStart(DAY + 1), alerts.get(0).windowEnd);
    assertEquals(120, alerts.get(0).eventCount);
    assertEquals(50, alerts.get(0).distinctDestinations, "counted up to the threshold");
  }

  @Test
  void aPhoneWithIncomingCallsOrDataIsNoSimBox() {
    FraudRule rule = FraudRule.defaults("SIMBOX", RULES_FROM, FraudRuleKind.SIM_BOX);
    for (Service incoming : List.of(Service.DATA, Service.VOICE)) {
      SubscriptionActivity a = new SubscriptionActivity();
      FraudDetector d = new FraudDetector();
      for (int i = 0; i < 120; i++) {
        d.observe(a, call(i * 3, 5000 + i, 90, false), SUBJECT, t -> List.of(rule), 60 * MIN);
      }
      for (int i = 0; i < 6; i++) {
        d.observe(
            a,
            new ObservedUsage(
                T0 + i * MIN, DAY, incoming, false, 60, 0, 7, false, false, false, false),
            SUBJECT,
            t -> List.of(rule),
            60 * MIN);
      }
      assertEquals(0, d.closeDay(a, SUBJECT, t -> List.of(rule)).size(), incoming.name());
    }
  }

  @Test
  void usageSpikeAgainstTheSubscriptionsOwnAverage() {
    FraudRule rule = FraudRule.defaults("SPIKE", RULES_FROM, FraudRuleKind.USAGE_SPIKE);
    SubscriptionActivity a = new SubscriptionActivity();
    FraudDetector d = new FraudDetector();
    List<FraudAlert> alerts = new ArrayList<>();
    // 20 days of 400 NOK a day: average 400, so 10 x = 4000 NOK
    for (int day = DAY - 20; day < DAY; day++) {
      long t = FraudDetector.dayStart(day) + 12 * 3_600_000L;
      alerts.addAll(
          d.observe(
              a,
              new ObservedUsage(
                  t, day, Service.VOICE, true, 60, 40_000, 1, false, false, false, false),
              SUBJECT,
              x -> List.of(rule),
              60 * MIN));
    }
    assertEquals(0, alerts.size());
    assertEquals(40_000, FraudDetector.trailingAverageOre(a, DAY - 1), "19 days closed, 400 NOK");
    long t = T0;
    // 3990 NOK: above the 3000 floor, below 10 x 400
    alerts.addAll(
        d.observe(
            a,
            new ObservedUsage(
                t, DAY, Service.VOICE, true, 60, 399_000, 1, false, false, false, false),
            SUBJECT,
            x -> List.of(rule),
            60 * MIN));
    assertEquals(0, alerts.size());
    alerts.addAll(
        d.observe(
            a,
            new ObservedUsage(
                t + MIN, DAY, Service.VOICE, true, 60, 2_000, 1, false, false, false, false),
            SUBJECT,
            x -> List.of(rule),
            60 * MIN));
    assertEquals(1, alerts.size());
    assertEquals(401_000, alerts.get(0).amountOre);
    // once per day
    alerts.addAll(
        d.observe(
            a,
            new ObservedUsage(
                t + 2 * MIN, DAY, Service.VOICE, true, 60, 50_000, 1, false, false, false, false),
            SUBJECT,
            x -> List.of(rule),
            60 * MIN));
    assertEquals(1, alerts.size());
  }

  @Test
  void aNewSubscriptionIsJudgedByThePlanBaseline() {
    FraudRule rule =
        FraudRule.of(
            "SPIKE-S",
            RULES_FROM,
            FraudRuleKind.USAGE_SPIKE,
            "MEDIUM",
            true,
            "PLAN_S",
            null,
            null,
            null,
            new BigDecimal("100"),
            null,
            null,
            null,
            null,
            new BigDecimal("5"),
            new BigDecimal("30"));
    FraudRule otherPlan =
        FraudRule.of(
            "SPIKE-M",
            RULES_FROM,
            FraudRuleKind.USAGE_SPIKE,
            "MEDIUM",
            true,
            "PLAN_M",
            null,
            null,
            null,
            new BigDecimal("1"),
            null,
            null,
            null,
            null,
            new BigDecimal("1"),
            new BigDecimal("1"));
    SubscriptionActivity a = new SubscriptionActivity();
    List<FraudAlert> alerts =
        new FraudDetector()
            .observe(
                a,
                new ObservedUsage(
                    T0, DAY, Service.VOICE, true, 60, 15_000, 1, false, false, false, false),
                SUBJECT,
                x -> List.of(rule, otherPlan),
                60 * MIN);
    assertEquals(1, alerts.size(), "150 NOK >= 5 x 30 and >= 100; the PLAN_M rule not applied");
    assertEquals("SPIKE-S", alerts.get(0).ruleId);
  }

  @Test
  void recentEventsAreForgottenAfterTheLongestWindow() {
    FraudRule rule = FraudRule.defaults("IRSF", RULES_FROM, FraudRuleKind.HIGH_RISK_DESTINATION);
    SubscriptionActivity a = new SubscriptionActivity();
    FraudDetector d = new FraudDetector();
    for (int i = 0; i < 10; i++) {
      d.observe(a, call(i * 30, i, 30, false), SUBJECT, t -> List.of(rule), 60 * MIN);
    }
    assertEquals(2, a.size, "calls within the last hour only");
  }

  private static List<FraudAlert> run(List<FraudRule> rules, List<ObservedUsage> events) {
    SubscriptionActivity a = new SubscriptionActivity();
    FraudDetector d = new FraudDetector();
    List<FraudAlert> alerts = new ArrayList<>();
    for (ObservedUsage e : events) {
      alerts.addAll(d.observe(a, e, SUBJECT, t -> rules, 240 * MIN));
    }
    return alerts;
  }
}
