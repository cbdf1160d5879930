package org.cdrflow.reconciliation;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The rules that decide the class of a pair of calls, one of ours and one of the partner's
 * (docs/reconciliation.md, "Matching"). Plain Java: {@link CallPairing} pairs the calls and {@link
 * Reconciliation} hands every pair here.
 *
 * <p>Two calls can be paired when they have the same normalised A and B numbers and direction and
 * their starts are at most the pairing window apart. A pair is {@link ReconciliationClass#MATCHED}
 * when its start, duration and amount are each within their tolerance (a difference equal to the
 * tolerance is within) and its product is the same; otherwise {@link
 * ReconciliationClass#MATCHED_WITH_DIFFERENCE}, naming every field beyond tolerance and by how much
 * (theirs minus ours).
 */
public final class CallComparison {
  private CallComparison() {}

  /** A field beyond its tolerance: {@code delta} is theirs minus ours. */
  public record Difference(String field, String delta) {
    @Override
    public String toString() {
      return field + ":" + delta;
    }
  }

  /**
   * The class of a pair and its differences.
   *
   * @param startDifferenceMillis their start minus ours
   * @param secondsDifference their duration minus ours
   * @param amountDifference their amount minus ours
   */
  public record Outcome(
      ReconciliationClass reconciliationClass,
      List<Difference> differences,
      long startDifferenceMillis,
      long secondsDifference,
      BigDecimal amountDifference) {}

  /** Whether two starts are close enough for their calls to be paired at all. */
  public static boolean pairable(long ourStartMillis, long theirStartMillis, Tolerances tol) {
    return Math.abs(theirStartMillis - ourStartMillis) <= tol.pairingWindow().toMillis();
  }

  /**
   * Whether a pair is {@link ReconciliationClass#MATCHED}: exactly what {@link #compare} decides,
   * without building its outcome (most pairs of a month match; docs/benchmarks.md, "Reconciliation,
   * next round").
   */
  public static boolean matches(
      long ourStartMillis,
      long ourSeconds,
      String ourProduct,
      BigDecimal ourAmount,
      PartnerCall theirs,
      Tolerances tol) {
    return Math.abs(theirs.start().toEpochMilli() - ourStartMillis) <= tol.start().toMillis()
        && Math.abs(theirs.seconds() - ourSeconds) * 1000 <= tol.duration().toMillis()
        && theirs.amount().subtract(ourAmount).abs().compareTo(tol.amount()) <= 0
        && Objects.equals(ourProduct, theirs.product());
  }

  /** Compares a pair (same numbers and direction, starts within the pairing window). */
  public static Outcome compare(OurCall ours, PartnerCall theirs, Tolerances tol) {
    long startDiff = theirs.start().toEpochMilli() - ours.start().toEpochMilli();
    long secondsDiff = theirs.seconds() - ours.seconds();
    BigDecimal amountDiff = theirs.amount().subtract(ours.amount());
    List<Difference> differences = new ArrayList<>(2);
    if (Math.abs(startDiff) > tol.start().toMillis()) {
      differences.add(new Difference("start", signedSeconds(Duration.ofMillis(startDiff))));
    }
    if (Math.abs(secondsDiff) * 1000 > tol.duration().toMillis()) {
      differences.add(new Difference("duration", (secondsDiff > 0 ? "+" : "") + secondsDiff + "s"));
    }
    if (amountDiff.abs().compareTo(tol.amount()) > 0) {
      differences.add(new Difference("amount", signed(amountDiff)));
    }
    if (!Objects.equals(ours.product(), theirs.product())) {
      differences.add(new Difference("product", ours.product() + "->" + theirs.product()));
    }
    return new Outcome(
        differences.isEmpty()
            ? ReconciliationClass.MATCHED
            : ReconciliationClass.MATCHED_WITH_DIFFERENCE,
        List.copyOf(differences),
        startDiff,
        secondsDiff,
        amountDiff);
  }

  private static String signedSeconds(Duration d) {
    BigDecimal s = BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros();
    return (s.signum() > 0 ? "+" : "") + s.toPlainString() + "s";
  }

  private static String signed(BigDecimal v) {
    return (v.signum() > 0 ? "+" : "") + v.toPlainString();
  }
}
