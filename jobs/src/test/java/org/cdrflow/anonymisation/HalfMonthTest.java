package org.cdrflow.anonymisation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HalfMonthTest {

  @ParameterizedTest(name = "[{0}, {1})")
  @CsvSource({
    "2026-02-01, 2026-02-16",
    "2026-02-16, 2026-03-01",
    "2028-02-16, 2028-03-01",
    "2026-04-16, 2026-05-01",
    "2026-12-16, 2027-01-01",
  })
  void theFirstHalfEndsOnThe16thAndTheSecondWithItsMonth(String first, String end) {
    assertEquals(LocalDate.parse(end), new HalfMonth(LocalDate.parse(first)).end());
  }

  @Test
  void itsInstantsAreLocalMidnightsInOsloAcrossTheClockChange() {
    HalfMonth october = new HalfMonth(LocalDate.parse("2026-10-16"));

    assertEquals(Instant.parse("2026-10-15T22:00:00Z"), october.from());
    assertEquals(Instant.parse("2026-10-31T23:00:00Z"), october.until());
  }

  @Test
  void itEndsByACutoffAtOrAfterItsEnd() {
    HalfMonth may = new HalfMonth(LocalDate.parse("2026-05-16"));
    Instant cutoff = AnonymisationCutoff.cutoff(LocalDate.parse("2026-11-21"));

    assertEquals(Instant.parse("2026-05-31T22:00:00Z"), cutoff);
    assertTrue(may.endsBy(cutoff));
    assertFalse(new HalfMonth(LocalDate.parse("2026-06-01")).endsBy(cutoff));
  }

  @Test
  void onlyThe1stAndThe16thStartAHalfMonth() {
    assertThrows(
        IllegalArgumentException.class, () -> new HalfMonth(LocalDate.parse("2026-05-02")));
    assertThrows(
        IllegalArgumentException.class, () -> new HalfMonth(LocalDate.parse("2026-05-15")));
  }
}
