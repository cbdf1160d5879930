package org.cdrflow.fraud;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * What a price plan's subscriptions spent on each closed Europe/Oslo day (docs/fraud.md,
 * "USAGE_SPIKE and new subscriptions"): the chargeable amount of all of them together and the
 * number of subscriptions with usage that day, for the last {@link #KEPT_DAYS} days, sorted by day.
 * A Flink POJO: public fields, primitive arrays.
 */
public class PlanHistory {
  /** The trailing window of the plan's average, as for a subscription's own (30 days). */
  static final int AVERAGE_DAYS = SubscriptionActivity.HISTORY_DAYS;

  /** Days of figures a plan needs before its average replaces the rule's baseline_amount. */
  static final int MIN_PLAN_DAYS = 3;

  /** Days kept: the window and a margin for days that close ahead of the judged one. */
  static final int KEPT_DAYS = AVERAGE_DAYS + 2;

  public int[] days = new int[0];
  public long[] amountsOre = new long[0];
  public int[] subscriptions = new int[0];

  public PlanHistory() {}

  /** Adds one subscription's closed day. */
  void add(int day, long amountOre) {
    add(day, amountOre, 1);
  }

  /** Adds the closed days of {@code subscriptionDays} subscriptions, summed. */
  void add(int day, long amountOre, int subscriptionDays) {
    int at = Arrays.binarySearch(days, day);
    if (at < 0) {
      at = -at - 1;
      int n = days.length;
      days = Arrays.copyOf(days, n + 1);
      amountsOre = Arrays.copyOf(amountsOre, n + 1);
      subscriptions = Arrays.copyOf(subscriptions, n + 1);
      System.arraycopy(days, at, days, at + 1, n - at);
      System.arraycopy(amountsOre, at, amountsOre, at + 1, n - at);
      System.arraycopy(subscriptions, at, subscriptions, at + 1, n - at);
      days[at] = day;
      amountsOre[at] = 0;
      subscriptions[at] = 0;
    }
    amountsOre[at] += amountOre;
    subscriptions[at] += subscriptionDays;
    forgetBefore(days[days.length - 1] - KEPT_DAYS + 1);
  }

  /** Forgets the days before {@code day}. */
  void forgetBefore(int day) {
    int drop = 0;
    while (drop < days.length && days[drop] < day) {
      drop++;
    }
    if (drop > 0) {
      days = Arrays.copyOfRange(days, drop, days.length);
      amountsOre = Arrays.copyOfRange(amountsOre, drop, amountsOre.length);
      subscriptions = Arrays.copyOfRange(subscriptions, drop, subscriptions.length);
    }
  }

  /**
   * The plan's average chargeable day (øre per subscription with usage that day) over the {@link
   * #AVERAGE_DAYS} days before {@code day}; empty while fewer than {@link #MIN_PLAN_DAYS} of them
   * have figures.
   */
  OptionalLong averageOre(int day) {
    long amount = 0;
    long subscriptionDays = 0;
    int withFigures = 0;
    for (int i = 0; i < days.length; i++) {
      if (days[i] >= day - AVERAGE_DAYS && days[i] < day && subscriptions[i] > 0) {
        amount += amountsOre[i];
        subscriptionDays += subscriptions[i];
        withFigures++;
      }
    }
    if (withFigures < MIN_PLAN_DAYS) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(amount / subscriptionDays);
  }
}
