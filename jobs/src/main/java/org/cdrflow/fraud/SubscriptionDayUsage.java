package org.cdrflow.fraud;

/**
 * One subscription's chargeable usage of one Europe/Oslo day, as detection sends it to the plan's
 * judge (docs/fraud.md, "USAGE_SPIKE and new subscriptions"): either the closed day (its final
 * amount, for the plan's average) or the day so far of a new subscription whose amount has reached
 * the floor of a USAGE_SPIKE rule (to be judged against the plan's average). A Flink POJO; ids
 * only, no numbers.
 */
public class SubscriptionDayUsage {
  public String planId;
  public String subscriptionId;
  public String accountId;

  /** The Oslo day (epoch day). */
  public int day;

  /** True: the day is over and {@link #amountOre} is its total; false: the day so far. */
  public boolean closed;

  /** Event time of the line that brought the day to this amount (for a closed day: its last). */
  public long eventTime;

  public long amountOre;
  public int events;
  public long seconds;
  public int distinct;
  public long firstEvent;
  public long lastEvent;

  /**
   * A closed day summed over subscriptions by detection before it is sent ({@link
   * FraudDetectionOperator}): how many subscriptions' days {@link #amountOre} holds, without their
   * ids. 0 is one subscription's day (sent one by one, or by an earlier build).
   */
  public int subscriptionDays;

  public SubscriptionDayUsage() {}

  /** The closed days of {@code subscriptionDays} subscriptions of a plan, summed. */
  static SubscriptionDayUsage closedSum(
      String planId, int day, long amountOre, int subscriptionDays) {
    SubscriptionDayUsage u = new SubscriptionDayUsage();
    u.planId = planId;
    u.day = day;
    u.closed = true;
    u.eventTime = FraudDetector.dayStart(day + 1) - 1;
    u.amountOre = amountOre;
    u.subscriptionDays = subscriptionDays;
    return u;
  }

  static SubscriptionDayUsage of(
      SubscriptionActivity a, FraudDetector.Subject subject, boolean closed, long eventTime) {
    SubscriptionDayUsage u = new SubscriptionDayUsage();
    u.planId = subject.planId();
    u.subscriptionId = subject.subscriptionId();
    u.accountId = subject.accountId();
    u.day = a.day;
    u.closed = closed;
    u.eventTime = eventTime;
    u.amountOre = a.dayAmountOre;
    u.events = a.dayEvents;
    u.seconds = a.daySeconds;
    u.distinct = a.dayNumberCount;
    u.firstEvent = a.dayFirst;
    u.lastEvent = a.dayLast;
    return u;
  }
}
