package org.cdrflow.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One half-up rounding to øre of the exact sum (docs/rating.md, "Money"). */
class LineAmountTest {

  @ParameterizedTest(name = "{0}: fee {2} + {3} u × {4} + {5} u × {6} per {1} = {7}")
  @CsvSource(
      nullValues = "-",
      textBlock =
          """
          # case,                          per,  fee,  units, price, fuUnits, fuPrice, amount
          1 s at 0.30/min = 0.005,         60,   -,    1,     0.30,  0,       -,       0.01
          1 s at 0.294/min = 0.0049,       60,   -,    1,     0.294, 0,       -,       0.00
          fee + 90 s at 1.20/min,          60,   0.50, 90,    1.20,  0,       -,       2.30
          61 s at 9.90/min = 10.065,       60,   1.00, 61,    9.90,  0,       -,       11.07
          61 s at 5.00/min = 5.0833,       60,   1.00, 61,    5.00,  0,       -,       6.08
          two parts of 0.004 round once,   60,   -,    1,     0.24,  1,       0.24,    0.01
          surcharge only,                  60,   -,    0,     1.20,  90,      0.30,    0.45
          1 kB at 9.00/MB = 0.009,         1000, -,    1,     9.00,  0,       -,       0.01
          611 kB at 9.00/MB = 5.499,       1000, -,    611,   9.00,  0,       -,       5.50
          1500 kB at 4.50/MB,              1000, -,    1500,  4.50,  0,       -,       6.75
          1 SMS,                           1,    -,    1,     0.69,  1,       0.10,    0.79
          nothing,                         1,    -,    0,     0.69,  0,       -,       0.00
          """)
  void amount(
      String name,
      long per,
      BigDecimal fee,
      long units,
      BigDecimal price,
      long fuUnits,
      BigDecimal fuPrice,
      BigDecimal expected) {
    BigDecimal amount =
        new LineAmount(per).connectFee(fee).units(units, price).units(fuUnits, fuPrice).rounded();
    assertEquals(expected, amount);
    assertEquals(2, amount.scale());
  }
}
