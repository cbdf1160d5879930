package org.cdrflow.reconciliation;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules for a row of the partner's monthly statement against ours, same direction, product,
 * currency and day (docs/reconciliation.md, "Statement"): events must be equal, minutes within
 * {@link #MINUTES_TOLERANCE} (a statement states minutes to two decimals), amounts within the
 * amount tolerance.
 */
public final class DayComparison {
  /** Minutes are stated to two decimals: a rounding of ours or theirs is not a difference. */
  public static final BigDecimal MINUTES_TOLERANCE = new BigDecimal("0.01");

  private DayComparison() {}

  /** The fields beyond tolerance (theirs minus ours); empty when the rows match. */
  public static List<CallComparison.Difference> compare(
      StatementRow ours, StatementRow theirs, Tolerances tol) {
    List<CallComparison.Difference> d = new ArrayList<>(3);
    long events = theirs.events() - ours.events();
    if (events != 0) {
      d.add(new CallComparison.Difference("events", (events > 0 ? "+" : "") + events));
    }
    BigDecimal minutes = theirs.minutes().subtract(ours.minutes());
    if (minutes.abs().compareTo(MINUTES_TOLERANCE) > 0) {
      d.add(new CallComparison.Difference("minutes", signed(minutes)));
    }
    BigDecimal amount = theirs.amount().subtract(ours.amount());
    if (amount.abs().compareTo(tol.amount()) > 0) {
      d.add(new CallComparison.Difference("amount", signed(amount)));
    }
    return d;
  }

  private static String signed(BigDecimal v) {
    return (v.signum() > 0 ? "+" : "") + v.toPlainString();
  }
}
