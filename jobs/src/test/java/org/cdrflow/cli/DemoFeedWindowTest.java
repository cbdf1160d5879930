package org.cdrflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The demo's feed covers the whole days of the current month before today, so its lines lie in an
 * open billing period and none in the future (docs/rating.md, "Late lines").
 */
class DemoFeedWindowTest {

  @ParameterizedTest
  @CsvSource({
    "2026-12-07, 2026-12-01, 6",
    "2026-12-02, 2026-12-01, 1",
    "2026-12-31, 2026-12-01, 30",
    "2027-01-01, 2026-12-01, 31",
    "2027-03-01, 2027-02-01, 28",
    "2028-03-01, 2028-02-01, 29",
    "2027-06-15, 2027-06-01, 14",
  })
  void theWholeDaysOfThisMonthBeforeTodayOrTheLastMonthOnTheFirst(
      LocalDate today, LocalDate start, int days) {
    DemoFeedWindow w = DemoFeedWindow.endingBefore(today);

    assertEquals(start, w.start());
    assertEquals(days, w.days());
    assertFalse(w.start().plusDays(w.days()).isAfter(today), "no day after today's start");
    assertEquals(YearMonth.from(w.start()), YearMonth.from(w.start().plusDays(w.days() - 1)));
  }

  /**
   * The bundled reference data (the demo's) closes billing periods up to a fixed month: from the
   * first day after it the demo's month is open, so no line of the demo is billed late.
   */
  @ParameterizedTest
  @ValueSource(strings = {"2026-12-07", "2027-01-01", "2027-05-20", "2030-02-01"})
  void theBundledBillingPeriodsLeaveTheDemosMonthOpen(LocalDate today) throws IOException {
    Set<YearMonth> closed = closedBundledPeriods();

    assertFalse(closed.contains(DemoFeedWindow.endingBefore(today).month()), closed.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2026-12-07"})
  void theBundledReferenceClosesTheMonthsBeforeTheDemosMonthOnly(LocalDate today)
      throws IOException {
    YearMonth month = DemoFeedWindow.endingBefore(today).month();
    assertTrue(closedBundledPeriods().stream().allMatch(m -> m.isBefore(month)));
  }

  private static Set<YearMonth> closedBundledPeriods() throws IOException {
    try (InputStream in =
        DemoFeedWindowTest.class.getResourceAsStream("/generate/reference/billing_period.csv")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .skip(1)
          .map(l -> l.split(",", -1))
          .filter(c -> c.length > 1 && !c[1].isBlank())
          .map(c -> YearMonth.parse(c[0]))
          .collect(Collectors.toSet());
    }
  }
}
