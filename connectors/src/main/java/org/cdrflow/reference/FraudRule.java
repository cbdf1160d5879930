package org.cdrflow.reference;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * One version of a {@code fraud_rule} row with the kind's defaults filled in (docs/fraud.md). A
 * version is identified by {@code ruleId} and {@code validFrom}; it applies to events at or after
 * {@code validFrom} until the next version of the same rule.
 *
 * @param planId when set, the rule applies only to subscriptions of that price plan
 * @param minCalls 0 = not a criterion
 * @param minMinutes null = not a criterion
 * @param minAmount NOK; null = not a criterion (USAGE_SPIKE: the floor)
 * @param baselineAmount USAGE_SPIKE: the daily amount a subscription with too little history of its
 *     own is judged against (the plan's typical day)
 */
public record FraudRule(
    String ruleId,
    Instant validFrom,
    FraudRuleKind kind,
    String severity,
    boolean enabled,
    String planId,
    int windowMinutes,
    int minCalls,
    BigDecimal minMinutes,
    BigDecimal minAmount,
    int minDistinct,
    int shortCallSeconds,
    BigDecimal shortShare,
    int maxIncoming,
    BigDecimal spikeFactor,
    BigDecimal baselineAmount)
    implements Serializable {

  /** A rule with every parameter at the kind's default. */
  public static FraudRule defaults(String ruleId, Instant validFrom, FraudRuleKind kind) {
    return of(
        ruleId, validFrom, kind, "MEDIUM", true, null, null, null, null, null, null, null, null,
        null, null, null);
  }

  /** A rule from its row: null parameters take the kind's defaults. */
  public static FraudRule of(
      String ruleId,
      Instant validFrom,
      FraudRuleKind kind,
      String severity,
      boolean enabled,
      String planId,
      Integer windowMinutes,
      Integer minCalls,
      BigDecimal minMinutes,
      BigDecimal minAmount,
      Integer minDistinct,
      Integer shortCallSeconds,
      BigDecimal shortShare,
      Integer maxIncoming,
      BigDecimal spikeFactor,
      BigDecimal baselineAmount) {
    return new FraudRule(
        ruleId,
        validFrom,
        kind,
        severity == null ? "MEDIUM" : severity,
        enabled,
        planId,
        kind.daily() ? 1440 : or(windowMinutes, kind.windowMinutes),
        or(minCalls, kind.minCalls),
        minMinutes == null ? kind.minMinutes : minMinutes,
        minAmount == null ? kind.minAmount : minAmount,
        or(minDistinct, kind.minDistinct),
        or(shortCallSeconds, kind.shortCallSeconds),
        shortShare == null ? kind.shortShare : shortShare,
        or(maxIncoming, kind.maxIncoming),
        spikeFactor == null ? kind.spikeFactor : spikeFactor,
        baselineAmount == null ? kind.baselineAmount : baselineAmount);
  }

  public long windowMillis() {
    return windowMinutes * 60_000L;
  }

  /** Whether this version applies to a subscription of {@code subscriptionPlan}. */
  public boolean appliesToPlan(String subscriptionPlan) {
    return planId == null || planId.equals(subscriptionPlan);
  }

  private static int or(Integer v, int fallback) {
    return v == null ? fallback : v;
  }
}
