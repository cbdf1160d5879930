package org.cdrflow.reference;

import java.math.BigDecimal;

/**
 * The kinds of abnormal-usage rule and the parameters each takes when its {@code fraud_rule} row
 * leaves them empty. docs/fraud.md says what each kind looks for and why the defaults are what they
 * are. A parameter a kind does not use is ignored.
 */
public enum FraudRuleKind {
  /** International revenue share: calls or minutes to high-risk destinations in a window. */
  HIGH_RISK_DESTINATION(60, 3, "20", null, 0, 0, null, 0, null, null),
  /** Calls, SMS or minutes to premium-rate numbers in a window. */
  PREMIUM_BURST(60, 10, "90", null, 0, 0, null, 0, null, null),
  /** Wangiri and callback lures: many distinct numbers, mostly very short calls, in a window. */
  CALL_SPRAY(60, 0, null, null, 25, 10, "0.8", 0, null, null),
  /** An Oslo day of many outgoing calls to many numbers, almost nothing incoming, no data. */
  SIM_BOX(1440, 100, null, null, 50, 0, null, 5, null, null),
  /** Chargeable roaming amount or minutes in a window (the NRTRDE habit: 4 hours). */
  ROAMING_HIGH_USAGE(240, 0, "240", "10000", 0, 0, null, 0, null, null),
  /** A day's chargeable amount at least k times the subscription's own trailing daily average. */
  USAGE_SPIKE(1440, 0, null, "3000", 0, 0, null, 0, "10", "100"),
  /** Usage after the block notice. */
  BLOCKED_SIM_ACTIVITY(60, 1, null, null, 0, 0, null, 0, null, null);

  final int windowMinutes;
  final int minCalls;
  final BigDecimal minMinutes;
  final BigDecimal minAmount;
  final int minDistinct;
  final int shortCallSeconds;
  final BigDecimal shortShare;
  final int maxIncoming;
  final BigDecimal spikeFactor;
  final BigDecimal baselineAmount;

  FraudRuleKind(
      int windowMinutes,
      int minCalls,
      String minMinutes,
      String minAmount,
      int minDistinct,
      int shortCallSeconds,
      String shortShare,
      int maxIncoming,
      String spikeFactor,
      String baselineAmount) {
    this.windowMinutes = windowMinutes;
    this.minCalls = minCalls;
    this.minMinutes = decimal(minMinutes);
    this.minAmount = decimal(minAmount);
    this.minDistinct = minDistinct;
    this.shortCallSeconds = shortCallSeconds;
    this.shortShare = decimal(shortShare);
    this.maxIncoming = maxIncoming;
    this.spikeFactor = decimal(spikeFactor);
    this.baselineAmount = decimal(baselineAmount);
  }

  /** Whether the window is the Europe/Oslo calendar day rather than a sliding window. */
  public boolean daily() {
    return this == SIM_BOX || this == USAGE_SPIKE;
  }

  private static BigDecimal decimal(String s) {
    return s == null ? null : new BigDecimal(s);
  }
}
