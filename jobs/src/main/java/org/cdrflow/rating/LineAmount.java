package org.cdrflow.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The amount of one invoice line (docs/rating.md, "Money"): the connect fee, the chargeable units
 * at their price and any fair-use surcharge are added exactly and the total is rounded half-up to
 * øre once. Rounding each part first could put an øre more or less on the line.
 *
 * <p>Every price of one line is per the same unit (minute, SMS or MB), so the sum is kept as an
 * exact numerator over that unit and divided once.
 */
final class LineAmount {
  private final BigDecimal unitsPerPrice;
  private BigDecimal numerator = BigDecimal.ZERO;

  /**
   * @param unitsPerPrice billed units per priced unit: 60 seconds, 1 SMS or 1000 kB
   */
  LineAmount(long unitsPerPrice) {
    this.unitsPerPrice = BigDecimal.valueOf(unitsPerPrice);
  }

  LineAmount connectFee(BigDecimal fee) {
    if (fee != null) {
      numerator = numerator.add(fee.multiply(unitsPerPrice));
    }
    return this;
  }

  /** Adds {@code units} billed units at {@code price} per priced unit. */
  LineAmount units(long units, BigDecimal price) {
    if (units != 0 && price != null) {
      numerator = numerator.add(price.multiply(BigDecimal.valueOf(units)));
    }
    return this;
  }

  /**
   * The sum before the line's one rounding, to 6 decimals (exact for every price of up to 4
   * decimals per MB or SMS; a per-minute price can leave a repeating decimal).
   */
  BigDecimal exact() {
    return numerator.divide(unitsPerPrice, 6, RoundingMode.HALF_UP).stripTrailingZeros();
  }

  /** NOK, scale 2, rounded half-up. */
  BigDecimal rounded() {
    return numerator.divide(unitsPerPrice, 2, RoundingMode.HALF_UP);
  }

  long roundedOre() {
    return rounded().movePointRight(2).longValueExact();
  }
}
