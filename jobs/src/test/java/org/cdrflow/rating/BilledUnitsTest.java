package org.cdrflow.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cdrflow.reference.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Billed units (docs/rating.md, "Units"): d ≤ F bills F, else F + ceil((d − F) / N) × N. */
class BilledUnitsTest {

  @ParameterizedTest(name = "{0} s with {1}/{2} bills {3} s")
  @CsvSource(
      nullValues = "-",
      textBlock =
          """
          # d,  F,  N,  billed
          0,    60, 60, 0
          -5,   60, 60, 0
          1,    60, 60, 60
          59,   60, 60, 60
          60,   60, 60, 60
          61,   60, 60, 120
          120,  60, 60, 120
          121,  60, 60, 180
          1,    30, 30, 30
          30,   30, 30, 30
          31,   30, 30, 60
          61,   30, 30, 90
          100,  30, 30, 120
          1,    60, 1,  60
          60,   60, 1,  60
          61,   60, 1,  61
          125,  60, 1,  125
          45,   30, 10, 50
          40,   30, 10, 40
          41,   30, 10, 50
          1,    -,  -,  1
          61,   -,  -,  61
          3600, -,  -,  3600
          """)
  void voice(long d, Integer first, Integer next, long billed) {
    assertEquals(billed, BilledUnits.voiceSeconds(d, first, next));
  }

  @ParameterizedTest(name = "{0} bytes bill {1} kB")
  @CsvSource({"0, 0", "1, 1", "999, 1", "1000, 1", "1001, 2", "1500000, 1500", "1500001, 1501"})
  void data(long bytes, long kb) {
    assertEquals(kb, BilledUnits.dataKb(bytes));
  }

  @Test
  void pricedUnits() {
    assertEquals(60, BilledUnits.perPricedUnit(Service.VOICE));
    assertEquals(1, BilledUnits.perPricedUnit(Service.SMS));
    assertEquals(1000, BilledUnits.perPricedUnit(Service.DATA));
  }
}
