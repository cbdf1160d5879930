package org.cdrflow.settlement;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * The wholesale amount of one settled event (docs/settlement.md, "Arithmetic"): per second of
 * actual duration for a price per minute, per message for a price per SMS, kept to 6 decimals,
 * rounded half-up once.
 *
 * <p>The product {@code seconds × price} is exact; only the division by 60 rounds. Rounding each
 * event to 6 decimals (not to øre) keeps the sum of a month within fractions of an øre of the exact
 * figure while every row stays reproducible from its own seconds and price.
 */
public final class WholesaleAmount {

  /** Decimals kept on every amount ({@code numeric(18,6)}). */
  public static final int SCALE = 6;

  private static final BigDecimal SECONDS_PER_MINUTE = BigDecimal.valueOf(60);

  private WholesaleAmount() {}

  /**
   * The amount of an event in the unit of its rate: {@code seconds × price / 60} for MINUTE, {@code
   * count × price} for SMS.
   */
  public static BigDecimal of(SettlementUnit unit, BigDecimal price, long seconds, long count) {
    Objects.requireNonNull(unit, "unit");
    return switch (unit) {
      case MINUTE -> perSecond(seconds, price);
      case SMS -> perMessage(count, price);
    };
  }

  /** {@code seconds × pricePerMinute / 60}, 6 decimals, half-up. */
  public static BigDecimal perSecond(long seconds, BigDecimal pricePerMinute) {
    requireNotNegative(seconds, "seconds");
    Objects.requireNonNull(pricePerMinute, "pricePerMinute");
    return BigDecimal.valueOf(seconds)
        .multiply(pricePerMinute)
        .divide(SECONDS_PER_MINUTE, SCALE, RoundingMode.HALF_UP);
  }

  /** {@code count × pricePerMessage}, 6 decimals, half-up. */
  public static BigDecimal perMessage(long count, BigDecimal pricePerMessage) {
    requireNotNegative(count, "count");
    Objects.requireNonNull(pricePerMessage, "pricePerMessage");
    return BigDecimal.valueOf(count)
        .multiply(pricePerMessage)
        .setScale(SCALE, RoundingMode.HALF_UP);
  }

  /**
   * An amount as whole micro-units (10⁻⁶ of the currency), the compact form a daily aggregate keeps
   * in state.
   *
   * @throws ArithmeticException if the amount has more than 6 decimals or does not fit a long
   */
  public static long toMicros(BigDecimal amount) {
    return amount.setScale(SCALE, RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
  }

  /** The amount of whole micro-units, scale 6. */
  public static BigDecimal fromMicros(long micros) {
    return BigDecimal.valueOf(micros, SCALE);
  }

  private static void requireNotNegative(long value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
  }
}
