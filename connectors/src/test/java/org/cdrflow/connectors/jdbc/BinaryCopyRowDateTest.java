package org.cdrflow.connectors.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dates of the binary COPY rows: read digit by digit, the same days as ISO parsing. */
class BinaryCopyRowDateTest {

  @Test
  void readsTheSameDayAsIsoParsing() {
    for (String day :
        List.of(
            "2026-04-30", "2024-02-29", "2025-12-31", "2026-01-01", "1970-01-01", "0001-01-01")) {
      assertEquals(LocalDate.parse(day), BinaryCopyRow.isoDate(day), day);
    }
    LocalDate d = LocalDate.of(2020, 1, 1);
    for (int i = 0; i < 3_000; i++, d = d.plusDays(1)) {
      assertEquals(d, BinaryCopyRow.isoDate(d.toString()));
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
      assertThrows(DateTimeException.class, () -> BinaryCopyRow.isoDate(bad), bad);
    }
  }
}
