package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.DateTimeException;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Usage periods as the ledger's snapshot writes them: months since year 0, and back. */
class RatingLedgerPeriodTest {

  @Test
  void everyPeriodIsItsMonthIndexAndBack() {
    YearMonth m = YearMonth.of(1999, 1);
    for (int i = 0; i < 400; i++, m = m.plusMonths(1)) {
      long index = RatingLedger.monthIndex(m.toString());
      assertEquals(m.getYear() * 12L + m.getMonthValue() - 1, index, m.toString());
      assertEquals(m, RatingLedger.monthOf(index));
    }
  }

  @Test
  void refusesWhatIsNotAPeriod() {
    for (String bad : List.of("2026-13", "2026-00", "2026-1", "2026/04", "20x6-04", "")) {
      assertThrows(DateTimeException.class, () -> RatingLedger.monthIndex(bad), bad);
    }
  }
}
