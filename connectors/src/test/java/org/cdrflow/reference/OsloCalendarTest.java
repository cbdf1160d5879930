package org.cdrflow.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Days and months as the sinks and the rating ledger read them: the same as ISO parsing. */
class OsloCalendarTest {

  @Test
  void readsTheSameDayAsIsoParsing() {
    for (String day :
        List.of(
            "2026-04-30", "2024-02-29", "2025-12-31", "2026-01-01", "1970-01-01", "0001-01-01")) {
      assertEquals(LocalDate.parse(day), OsloCalendar.isoDate(day), day);
    }
    LocalDate d = LocalDate.of(2020, 1, 1);
    for (int i = 0; i < 3_000; i++, d = d.plusDays(1)) {
      assertEquals(d, OsloCalendar.isoDate(d.toString()));
    }
  }

  @Test
  void refusesWhatIsNotADay() {
    for (String bad :
        List.of(
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-4-30",
            "2026/04/30",
            "2026-04-3x",
            "")) {
      assertThrows(DateTimeException.class, () -> OsloCalendar.isoDate(bad), bad);
    }
  }

  @Test
  void everyMonthIsItsIndexAndBack() {
    YearMonth m = YearMonth.of(1999, 1);
    for (int i = 0; i < 400; i++, m = m.plusMonths(1)) {
      long index = OsloCalendar.monthIndex(m.toString());
      assertEquals(m.getYear() * 12L + m.getMonthValue() - 1, index, m.toString());
      assertEquals(m, OsloCalendar.monthOf(index));
    }
  }

  @Test
  void refusesWhatIsNotAMonth() {
    for (String bad : List.of("2026-13", "2026-00", "2026-1", "2026/04", "20x6-04", "")) {
      assertThrows(DateTimeException.class, () -> OsloCalendar.monthIndex(bad), bad);
    }
  }
}
