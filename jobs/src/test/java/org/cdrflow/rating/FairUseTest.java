package org.cdrflow.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fair-use window (docs/rating.md, "Fair use") for an event on 2026-03-10: the 90 days
 * 2025-12-10 to 2026-03-09, cut at the subscription's start.
 */
class FairUseTest {
  private static final LocalDate EVENT = LocalDate.of(2026, 3, 10);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      textBlock =
          """
          # case,                                           valid from, days at home (last N days before the event), also on event day, surcharged
          window of 13 days (from 2026-02-25) is too short,   2026-02-25, 0,  false, false
          window of exactly 14 days and never home,           2026-02-24, 0,  false, true
          14 days with 7 at home is exactly half,             2026-02-24, 7,  false, false
          14 days with 6 at home,                             2026-02-24, 6,  false, true
          full 90 days with 45 at home,                       2025-01-01, 45, false, false
          full 90 days with 44 at home,                       2025-01-01, 44, false, true
          event day itself does not count,                    2025-01-01, 44, true,  true
          started on 2025-12-10: still 90 days,               2025-12-10, 44, false, true
          started on 2025-12-11: 89 days and 44 at home,      2025-12-11, 44, false, true
          started on 2025-12-12: 88 days and 44 at home,      2025-12-12, 44, false, false
          subscription starts on the event day,               2026-03-10, 0,  false, false
          """)
  void window(
      String name, LocalDate validFrom, int daysAtHome, boolean eventDayAtHome, boolean expected) {
    PresenceDays p = new PresenceDays();
    for (int i = 1; i <= daysAtHome; i++) {
      p.record(EVENT.minusDays(i));
    }
    if (eventDayAtHome) {
      p.record(EVENT);
    }
    assertEquals(expected, FairUse.surcharged(EVENT, validFrom, p));
  }

  @ParameterizedTest(name = "days at home before the window do not count: {0}")
  @CsvSource({"91, true", "90, false"})
  void daysBeforeTheWindow(int firstDayBack, boolean expected) {
    // 45 days at home, the earliest firstDayBack days before the event.
    PresenceDays p = new PresenceDays();
    p.record(EVENT.minusDays(firstDayBack));
    for (int i = 1; i <= 44; i++) {
      p.record(EVENT.minusDays(i));
    }
    assertEquals(expected, FairUse.surcharged(EVENT, LocalDate.of(2025, 1, 1), p));
  }
}
