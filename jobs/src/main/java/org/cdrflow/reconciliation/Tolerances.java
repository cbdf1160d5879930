package org.cdrflow.reconciliation;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Objects;
import org.cdrflow.connectors.config.CdrflowConfig;

/**
 * How far our figures and the partner's may be apart and still count as the same (docs/
 * reconciliation.md, "Tolerances"). A difference equal to the tolerance is within it.
 *
 * @param start start times of a call
 * @param duration durations of a call
 * @param amount amounts of a call, and of a statement row
 * @param pairingWindow how far apart two starts may be for two calls to be paired at all (a pair
 *     whose starts differ by more than {@code start} is a MATCHED_WITH_DIFFERENCE on start)
 */
public record Tolerances(
    Duration start, Duration duration, BigDecimal amount, Duration pairingWindow) {

  public static final Tolerances DEFAULTS = of(CdrflowConfig.defaults());

  public Tolerances {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(pairingWindow, "pairingWindow");
    if (start.isNegative() || duration.isNegative() || amount.signum() < 0) {
      throw new IllegalArgumentException("a tolerance cannot be negative");
    }
    if (pairingWindow.compareTo(start) < 0) {
      throw new IllegalArgumentException(
          CdrflowConfig.RECONCILE_PAIRING_WINDOW
              + " must be at least "
              + CdrflowConfig.RECONCILE_TOLERANCE_START);
    }
  }

  /** The tolerances of a configuration (defaults: 5 s, 1 s, 0.01, 10 min). */
  public static Tolerances of(CdrflowConfig config) {
    BigDecimal amount;
    try {
      amount = new BigDecimal(config.require(CdrflowConfig.RECONCILE_TOLERANCE_AMOUNT));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "configuration key '"
              + CdrflowConfig.RECONCILE_TOLERANCE_AMOUNT
              + "' must be a decimal such as 0.01");
    }
    return new Tolerances(
        config.duration(CdrflowConfig.RECONCILE_TOLERANCE_START),
        config.duration(CdrflowConfig.RECONCILE_TOLERANCE_DURATION),
        amount,
        config.duration(CdrflowConfig.RECONCILE_PAIRING_WINDOW));
  }

  /** As stored in {@code reconciliation_run.tolerances}: part of what makes a run the same. */
  public String describe() {
    return "start="
        + start
        + " duration="
        + duration
        + " amount="
        + amount.stripTrailingZeros().toPlainString()
        + " pairing-window="
        + pairingWindow;
  }
}
