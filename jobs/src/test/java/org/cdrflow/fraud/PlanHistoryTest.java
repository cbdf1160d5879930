package org.cdrflow.fraud;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A plan's average day (docs/fraud.md, "USAGE_SPIKE and new subscriptions"). */
class PlanHistoryTest {
  private static final int D = 20_000;

  /** Closed subscription-days as {day offset from D, amount øre}. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("no figures", new long[][] {}, OptionalLong.empty()),
        Arguments.of(
            "two days are too few",
            new long[][] {{-2, 10_000}, {-1, 10_000}},
            OptionalLong.empty()),
        Arguments.of(
            "three days: per subscription-day",
            new long[][] {{-3, 10_000}, {-2, 20_000}, {-2, 0}, {-1, 30_000}},
            OptionalLong.of(15_000)),
        Arguments.of(
            "the judged day itself and later days do not count",
            new long[][] {{-3, 100}, {-2, 100}, {-1, 100}, {0, 1_000_000}, {1, 1_000_000}},
            OptionalLong.of(100)),
        Arguments.of(
            "days before the 30-day window do not count",
            new long[][] {{-31, 1_000_000}, {-30, 100}, {-10, 100}, {-1, 100}},
            OptionalLong.of(100)),
        Arguments.of(
            "a window with only old days falls back",
            new long[][] {{-40, 100}, {-35, 100}, {-31, 100}, {-1, 100}},
            OptionalLong.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void averageOfTheThirtyDaysBefore(String name, long[][] days, OptionalLong expected) {
    PlanHistory h = new PlanHistory();
    for (long[] d : days) {
      h.add(D + (int) d[0], d[1]);
    }
    assertEquals(expected, h.averageOre(D), name);
  }

  @Test
  void keepsAtMostTheWindowAndTwoDays() {
    PlanHistory h = new PlanHistory();
    for (int d = 0; d < 100; d++) {
      h.add(D + d, 100);
      h.add(D + d, 300);
    }
    assertEquals(PlanHistory.KEPT_DAYS, h.days.length);
    assertEquals(D + 99, h.days[h.days.length - 1]);
    assertEquals(2, h.subscriptions[0]);
    assertEquals(400, h.amountsOre[0]);
    assertEquals(OptionalLong.of(200), h.averageOre(D + 100));
  }

  @Test
  void daysArriveInAnyOrder() {
    PlanHistory h = new PlanHistory();
    h.add(D + 2, 1);
    h.add(D, 1);
    h.add(D + 1, 1);
    h.add(D, 1);
    assertArrayEquals(new int[] {D, D + 1, D + 2}, h.days);
    assertArrayEquals(new int[] {2, 1, 1}, h.subscriptions);
  }

  @Test
  void closedDaysSummedByDetectionCountAsTheDaysTheySum() {
    PlanHistory oneByOne = new PlanHistory();
    PlanHistory summed = new PlanHistory();
    for (int d = 0; d < 5; d++) {
      oneByOne.add(D + d, 100);
      oneByOne.add(D + d, 500);
      oneByOne.add(D + d, 0);
      summed.add(D + d, 600, 3);
    }
    assertArrayEquals(oneByOne.subscriptions, summed.subscriptions);
    assertArrayEquals(oneByOne.amountsOre, summed.amountsOre);
    assertEquals(oneByOne.averageOre(D + 5), summed.averageOre(D + 5));
  }
}
