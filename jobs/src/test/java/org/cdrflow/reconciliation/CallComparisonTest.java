package org.cdrflow.reconciliation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CallComparisonTest {
  private static final Instant T = Instant.parse("2026-07-10T08:00:00Z");
  private static final OurCall OURS =
      new OurCall(
          "00000000-0000-0000-0000-000000000001",
          T,
          120,
          "OUT",
          "VOICE_TERM_MOBILE",
          new BigDecimal("0.240000"));

  private static PartnerCall theirs(long startMillis, long seconds, String amount, String product) {
    return new PartnerCall(
        2,
        "X1",
        "+4791000101",
        "+4745123456",
        T.plusMillis(startMillis),
        seconds,
        "OUT",
        product,
        new BigDecimal(amount));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("identical", 0L, 120L, "0.24", "VOICE_TERM_MOBILE", "MATCHED", List.of()),
        Arguments.of(
            "start +5 s: on the edge",
            5_000L,
            120L,
            "0.24",
            "VOICE_TERM_MOBILE",
            "MATCHED",
            List.of()),
        Arguments.of(
            "start -5 s: on the edge",
            -5_000L,
            120L,
            "0.24",
            "VOICE_TERM_MOBILE",
            "MATCHED",
            List.of()),
        Arguments.of(
            "start +5.001 s",
            5_001L,
            120L,
            "0.24",
            "VOICE_TERM_MOBILE",
            "MATCHED_WITH_DIFFERENCE",
            List.of("start:+5.001s")),
        Arguments.of(
            "start -30 s (clock skew)",
            -30_000L,
            120L,
            "0.24",
            "VOICE_TERM_MOBILE",
            "MATCHED_WITH_DIFFERENCE",
            List.of("start:-30s")),
        Arguments.of(
            "duration +1 s: on the edge",
            0L,
            121L,
            "0.24",
            "VOICE_TERM_MOBILE",
            "MATCHED",
            List.of()),
        Arguments.of(
            "duration -1 s: on the edge",
            0L,
            119L,
            "0.24",
            "VOICE_TERM_MOBILE",
            "MATCHED",
            List.of()),
        Arguments.of(
            "duration +2 s",
            0L,
            122L,
            "0.24",
            "VOICE_TERM_MOBILE",
            "MATCHED_WITH_DIFFERENCE",
            List.of("duration:+2s")),
        Arguments.of(
            "amount +0.01: on the edge",
            0L,
            120L,
            "0.25",
            "VOICE_TERM_MOBILE",
            "MATCHED",
            List.of()),
        Arguments.of(
            "amount -0.01: on the edge",
            0L,
            120L,
            "0.23",
            "VOICE_TERM_MOBILE",
            "MATCHED",
            List.of()),
        Arguments.of(
            "amount +0.010001",
            0L,
            120L,
            "0.250001",
            "VOICE_TERM_MOBILE",
            "MATCHED_WITH_DIFFERENCE",
            List.of("amount:+0.010001")),
        Arguments.of(
            "rounded to a minute: duration and amount",
            0L,
            180L,
            "0.36",
            "VOICE_TERM_MOBILE",
            "MATCHED_WITH_DIFFERENCE",
            List.of("duration:+60s", "amount:+0.120000")),
        Arguments.of(
            "another product",
            0L,
            120L,
            "0.24",
            "VOICE_TERM_FIXED",
            "MATCHED_WITH_DIFFERENCE",
            List.of("product:VOICE_TERM_MOBILE->VOICE_TERM_FIXED")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void classifiesAPairByItsTolerances(
      String name,
      long startMillis,
      long seconds,
      String amount,
      String product,
      String expectedClass,
      List<String> expectedDifferences) {
    CallComparison.Outcome out =
        CallComparison.compare(
            OURS, theirs(startMillis, seconds, amount, product), Tolerances.DEFAULTS);
    assertEquals(ReconciliationClass.valueOf(expectedClass), out.reconciliationClass(), name);
    assertEquals(
        expectedDifferences, out.differences().stream().map(Object::toString).toList(), name);
    assertEquals(
        out.reconciliationClass() == ReconciliationClass.MATCHED,
        CallComparison.matches(
            OURS.start().toEpochMilli(),
            OURS.seconds(),
            OURS.product(),
            OURS.amount(),
            theirs(startMillis, seconds, amount, product),
            Tolerances.DEFAULTS),
        name + ": matches as compare classifies");
  }

  @Test
  void matchesDecidesAsCompareOnRandomPairs() {
    java.util.Random random = new java.util.Random(20);
    String[] products = {"VOICE_TERM_MOBILE", "VOICE_TERM_FIXED"};
    for (int i = 0; i < 20_000; i++) {
      Tolerances tol =
          new Tolerances(
              Duration.ofMillis(random.nextInt(8_000)),
              Duration.ofMillis(random.nextInt(3_000)),
              BigDecimal.valueOf(random.nextInt(3_000), random.nextInt(7)),
              Duration.ofMinutes(10));
      OurCall ours =
          new OurCall(
              "00000000-0000-0000-0000-000000000001",
              T.plusNanos(random.nextInt(1_000_000) * 1000L),
              random.nextInt(200),
              "OUT",
              products[random.nextInt(2)],
              BigDecimal.valueOf(random.nextInt(1_000_000), 6));
      PartnerCall theirs =
          new PartnerCall(
              2,
              "X1",
              "+4791000101",
              "+4745123456",
              ours.start()
                  .plusMillis(random.nextInt(16_000) - 8_000)
                  .plusNanos(random.nextInt(999_999)),
              ours.seconds() + random.nextInt(5) - 2,
              "OUT",
              products[random.nextInt(2)],
              ours.amount().add(BigDecimal.valueOf(random.nextInt(40_000) - 20_000, 6)));
      assertEquals(
          CallComparison.compare(ours, theirs, tol).reconciliationClass()
              == ReconciliationClass.MATCHED,
          CallComparison.matches(
              ours.start().toEpochMilli(),
              ours.seconds(),
              ours.product(),
              ours.amount(),
              theirs,
              tol),
          ours + " " + theirs + " " + tol);
    }
  }

  @Test
  void differencesAreTheirsMinusOurs() {
    CallComparison.Outcome out =
        CallComparison.compare(
            OURS, theirs(-7_250, 100, "0.2", "VOICE_TERM_MOBILE"), Tolerances.DEFAULTS);
    assertEquals(-7_250, out.startDifferenceMillis());
    assertEquals(-20, out.secondsDifference());
    assertEquals(0, new BigDecimal("-0.04").compareTo(out.amountDifference()));
  }

  @Test
  void tolerancesComeFromConfigurationAndPairingHasItsOwnWindow() {
    Tolerances tol =
        Tolerances.of(
            org.cdrflow.connectors.config.CdrflowConfig.of(
                java.util.Map.of(
                    "reconcile.tolerance.start", "PT0S",
                    "reconcile.tolerance.amount", "0",
                    "reconcile.pairing-window", "PT1M")));
    assertEquals(Duration.ZERO, tol.start());
    assertEquals(Duration.ofSeconds(1), tol.duration());
    assertEquals(
        ReconciliationClass.MATCHED_WITH_DIFFERENCE,
        CallComparison.compare(OURS, theirs(1, 120, "0.24", "VOICE_TERM_MOBILE"), tol)
            .reconciliationClass());
    assertTrue(CallComparison.pairable(0, 60_000, tol));
    assertFalse(CallComparison.pairable(0, 60_001, tol));
    assertTrue(CallComparison.pairable(0, 600_000, Tolerances.DEFAULTS));
  }

  @Test
  void dayRowsCompareEventsMinutesAndAmount() {
    StatementRow ours =
        new StatementRow(
            0,
            "OUT",
            "SMS_TERM",
            java.time.LocalDate.of(2026, 7, 1),
            10,
            BigDecimal.ZERO,
            new BigDecimal("0.500000"),
            "NOK");
    StatementRow same =
        new StatementRow(
            2,
            "OUT",
            "SMS_TERM",
            java.time.LocalDate.of(2026, 7, 1),
            10,
            new BigDecimal("0.00"),
            new BigDecimal("0.50"),
            "NOK");
    StatementRow more =
        new StatementRow(
            2,
            "OUT",
            "SMS_TERM",
            java.time.LocalDate.of(2026, 7, 1),
            11,
            new BigDecimal("0.02"),
            new BigDecimal("0.55"),
            "NOK");
    assertEquals(List.of(), DayComparison.compare(ours, same, Tolerances.DEFAULTS));
    assertEquals(
        List.of("events:+1", "minutes:+0.02", "amount:+0.050000"),
        DayComparison.compare(ours, more, Tolerances.DEFAULTS).stream()
            .map(Object::toString)
            .toList());
  }
}
