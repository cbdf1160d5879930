package org.cdrflow.fraud;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.cdrflow.reference.FraudRule;
import org.cdrflow.reference.FraudRuleKind;

/**
 * The detection rules (docs/fraud.md): given what a subscription did recently and one more rated
 * event, which rules fire. Sliding-window kinds (HIGH_RISK_DESTINATION, PREMIUM_BURST, CALL_SPRAY,
 * ROAMING_HIGH_USAGE, BLOCKED_SIM_ACTIVITY) count the events of the window that ends at the event;
 * daily kinds look at the Europe/Oslo day: USAGE_SPIKE as the day's amount grows, SIM_BOX when the
 * day is over (it needs the whole day to know that nothing came in).
 *
 * <p>A rule alerts once per window: after an alert for [start, end) it counts only events from end
 * on, so windows of one rule never overlap and each has its own alert id.
 */
public final class FraudDetector {
  private static final ZoneId OSLO = ZoneId.of("Europe/Oslo");

  /** Days of own history a subscription needs before USAGE_SPIKE judges it by its own average. */
  static final int MIN_HISTORY_DAYS = 7;

  /**
   * True in the streaming job: a new subscription of a known plan is judged by the plan's judge
   * against the plan's average ({@link PlanSpikeJudge}), not here against baseline_amount.
   */
  private final boolean plansJudgeNewSubscriptions;

  /** Judges every USAGE_SPIKE here, new subscriptions against the rule's baseline_amount. */
  public FraudDetector() {
    this(false);
  }

  public FraudDetector(boolean plansJudgeNewSubscriptions) {
    this.plansJudgeNewSubscriptions = plansJudgeNewSubscriptions;
  }

  /** Who the events belong to. */
  public record Subject(String subscriptionId, String accountId, String planId) {}

  /**
   * Takes one rated event into {@code a} and returns the alerts it raises.
   *
   * @param rulesAt the enabled rule versions in force at an instant
   * @param retainMillis how long recent events are kept (the longest sliding window)
   */
  public List<FraudAlert> observe(
      SubscriptionActivity a,
      ObservedUsage e,
      Subject subject,
      Function<Instant, List<FraudRule>> rulesAt,
      long retainMillis) {
    List<FraudAlert> alerts = new ArrayList<>(0);
    if (a.day >= 0 && e.osloDay() > a.day) {
      alerts.addAll(closeDay(a, subject, rulesAt));
    }
    if (a.firstDay < 0 || e.osloDay() < a.firstDay) {
      a.firstDay = e.osloDay();
    }
    List<FraudRule> rules = rulesAt.apply(Instant.ofEpochMilli(e.eventTime()));
    if (e.osloDay() >= a.day) {
      addToDay(a, e, rules);
      for (FraudRule r : rules) {
        if (r.kind() == FraudRuleKind.USAGE_SPIKE && r.appliesToPlan(subject.planId())) {
          FraudAlert alert = usageSpike(a, r, subject);
          if (alert != null) {
            alerts.add(alert);
          }
        }
      }
    }
    byte marks = e.marks();
    if (marks != 0) {
      a.forgetUntil(e.eventTime() - retainMillis);
      a.add(e.eventTime(), e.seconds(), e.amountOre(), e.counterpartHash(), marks);
      for (FraudRule r : rules) {
        byte wanted = markOf(r.kind());
        if ((marks & wanted) != 0 && r.appliesToPlan(subject.planId())) {
          FraudAlert alert = window(a, r, wanted, e.eventTime(), subject);
          if (alert != null) {
            alerts.add(alert);
          }
        }
      }
    }
    return alerts;
  }

  /**
   * Ends the current day: SIM_BOX judges it, its amount joins the history. Called when an event of
   * a later day arrives or when the watermark passes the day's end, whichever comes first.
   */
  public List<FraudAlert> closeDay(
      SubscriptionActivity a, Subject subject, Function<Instant, List<FraudRule>> rulesAt) {
    if (a.day < 0) {
      return List.of();
    }
    List<FraudAlert> alerts = new ArrayList<>(0);
    long start = dayStart(a.day);
    long end = dayStart(a.day + 1);
    for (FraudRule r : rulesAt.apply(Instant.ofEpochMilli(end - 1))) {
      if (r.kind() == FraudRuleKind.SIM_BOX
          && r.appliesToPlan(subject.planId())
          && a.dayOutgoingCalls >= r.minCalls()
          && a.dayNumberCount >= r.minDistinct()
          && a.dayIncoming <= r.maxIncoming()
          && a.dayData == 0
          && a.alertedUntil(r.ruleId()) <= start) {
        alerts.add(
            alert(
                r,
                subject,
                start,
                end,
                a.dayOutgoingCalls,
                a.daySeconds,
                a.dayAmountOre,
                a.dayNumberCount,
                a.dayFirst,
                a.dayLast));
      }
    }
    if (a.dailyOre.length == 0) {
      a.dailyOre = new int[SubscriptionActivity.HISTORY_DAYS];
    }
    if (a.historyDay >= 0) {
      // Days without usage in between count as 0, not as what their slot held a month ago.
      for (int d = Math.max(a.historyDay + 1, a.day - SubscriptionActivity.HISTORY_DAYS);
          d < a.day;
          d++) {
        a.dailyOre[Math.floorMod(d, SubscriptionActivity.HISTORY_DAYS)] = 0;
      }
    }
    a.dailyOre[Math.floorMod(a.day, SubscriptionActivity.HISTORY_DAYS)] =
        (int) Math.min(Integer.MAX_VALUE, a.dayAmountOre);
    a.historyDay = a.day;
    a.day = -1;
    a.dayOutgoingCalls = 0;
    a.dayIncoming = 0;
    a.dayData = 0;
    a.dayAmountOre = 0;
    a.daySeconds = 0;
    a.dayEvents = 0;
    a.dayFirst = 0;
    a.dayLast = 0;
    a.dayNumbers = new int[0];
    a.dayNumberCount = 0;
    a.forgetAlertsUntil(end);
    return alerts;
  }

  /**
   * The subscription's average chargeable day (øre) over the trailing 30 days before {@code day}.
   */
  static long trailingAverageOre(SubscriptionActivity a, int day) {
    int from = Math.max(day - SubscriptionActivity.HISTORY_DAYS, a.firstDay);
    int days = day - from;
    if (days <= 0) {
      return 0;
    }
    long sum = 0;
    if (a.dailyOre.length > 0) {
      for (int d = from; d <= Math.min(a.historyDay, day - 1); d++) {
        if (d > a.historyDay - SubscriptionActivity.HISTORY_DAYS) {
          sum += a.dailyOre[Math.floorMod(d, SubscriptionActivity.HISTORY_DAYS)];
        }
      }
    }
    return sum / days;
  }

  /** The Europe/Oslo day (epoch day) of an instant. */
  static int osloDay(long millis) {
    return (int) Instant.ofEpochMilli(millis).atZone(OSLO).toLocalDate().toEpochDay();
  }

  public static long dayStart(int osloDay) {
    // Asked several times per line; the time-zone rules behind it were a tenth of detection's CPU
    // (docs/benchmarks.md, "Fraud detection"). A slot per day modulo 64, replaced whole.
    DayStart cached = DAY_STARTS[Math.floorMod(osloDay, DAY_STARTS.length)];
    if (cached != null && cached.day == osloDay) {
      return cached.millis;
    }
    long millis = LocalDate.ofEpochDay(osloDay).atStartOfDay(OSLO).toInstant().toEpochMilli();
    DAY_STARTS[Math.floorMod(osloDay, DAY_STARTS.length)] = new DayStart(osloDay, millis);
    return millis;
  }

  private record DayStart(int day, long millis) {}

  private static final DayStart[] DAY_STARTS = new DayStart[64];

  private static void addToDay(SubscriptionActivity a, ObservedUsage e, List<FraudRule> rules) {
    if (a.day < 0) {
      a.day = e.osloDay();
      a.dayFirst = e.eventTime();
    }
    a.dayEvents++;
    a.dayAmountOre += e.amountOre();
    a.dayFirst = Math.min(a.dayFirst, e.eventTime());
    a.dayLast = Math.max(a.dayLast, e.eventTime());
    if (e.service() == ObservedUsage.Service.DATA) {
      a.dayData++;
    } else if (!e.outgoing()) {
      a.dayIncoming++;
    } else if (e.service() == ObservedUsage.Service.VOICE) {
      a.dayOutgoingCalls++;
      a.daySeconds += e.seconds();
      int cap = 0;
      for (FraudRule r : rules) {
        if (r.kind() == FraudRuleKind.SIM_BOX) {
          cap = Math.max(cap, r.minDistinct());
        }
      }
      a.dayNumber(e.counterpartHash(), cap);
    }
  }

  /** Whether the current day is judged against the plan's average: too little own history. */
  static boolean isNew(SubscriptionActivity a) {
    return a.day - a.firstDay < MIN_HISTORY_DAYS;
  }

  /** Whether the day's amount has reached the rule's floor ({@code min_amount}). */
  static boolean reachesFloor(long dayAmountOre, FraudRule r) {
    return r.minAmount() == null || dayAmountOre >= ore(r.minAmount());
  }

  /** USAGE_SPIKE's test: at least the floor and at least spike_factor × the baseline. */
  static boolean spikes(long dayAmountOre, long baselineOre, FraudRule r) {
    if (!reachesFloor(dayAmountOre, r)) {
      return false;
    }
    BigDecimal factor = r.spikeFactor() == null ? BigDecimal.ONE : r.spikeFactor();
    return BigDecimal.valueOf(dayAmountOre)
            .compareTo(factor.multiply(BigDecimal.valueOf(baselineOre)))
        >= 0;
  }

  /** The rule's baseline_amount in øre: a new subscription's typical day when its plan has none. */
  static long baselineOre(FraudRule r) {
    return ore(r.baselineAmount() == null ? BigDecimal.ZERO : r.baselineAmount());
  }

  /**
   * USAGE_SPIKE for a new subscription's day so far, against its plan's average day, or the rule's
   * baseline_amount while the plan has too few days of figures ({@link PlanHistory#averageOre}).
   * Null when it does not fire.
   */
  static FraudAlert newSubscriptionSpike(
      SubscriptionDayUsage u, FraudRule r, java.util.OptionalLong planAverageOre) {
    long baseline = planAverageOre.isPresent() ? planAverageOre.getAsLong() : baselineOre(r);
    if (!spikes(u.amountOre, baseline, r)) {
      return null;
    }
    return alert(
        r,
        new Subject(u.subscriptionId, u.accountId, u.planId),
        dayStart(u.day),
        dayStart(u.day + 1),
        u.events,
        u.seconds,
        u.amountOre,
        u.distinct,
        u.firstEvent,
        u.lastEvent);
  }

  private FraudAlert usageSpike(SubscriptionActivity a, FraudRule r, Subject subject) {
    long start = dayStart(a.day);
    if (a.alertedUntil(r.ruleId()) > start) {
      return null;
    }
    if (!reachesFloor(a.dayAmountOre, r)) {
      return null;
    }
    boolean isNew = isNew(a);
    if (isNew && plansJudgeNewSubscriptions && subject.planId() != null) {
      return null;
    }
    long baseline = isNew ? baselineOre(r) : trailingAverageOre(a, a.day);
    if (!spikes(a.dayAmountOre, baseline, r)) {
      return null;
    }
    long end = dayStart(a.day + 1);
    a.alerted(r.ruleId(), end);
    return alert(
        r,
        subject,
        start,
        end,
        a.dayEvents,
        a.daySeconds,
        a.dayAmountOre,
        a.dayNumberCount,
        a.dayFirst,
        a.dayLast);
  }

  private static FraudAlert window(
      SubscriptionActivity a, FraudRule r, byte wanted, long t, Subject subject) {
    long from = Math.max(t - r.windowMillis() + 1, a.alertedUntil(r.ruleId()));
    int count = 0;
    int shortCalls = 0;
    long secs = 0;
    long amount = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int[] distinct = new int[8];
    int distinctCount = 0;
    for (int i = 0; i < a.size; i++) {
      long time = a.times[i];
      if (time < from || time > t || (a.marks[i] & wanted) == 0) {
        continue;
      }
      count++;
      secs += a.seconds[i];
      amount += a.amountsOre[i];
      if (a.seconds[i] <= r.shortCallSeconds()) {
        shortCalls++;
      }
      first = Math.min(first, time);
      last = Math.max(last, time);
      int n = a.numbers[i];
      boolean seen = false;
      for (int k = 0; k < distinctCount && !seen; k++) {
        seen = distinct[k] == n;
      }
      if (!seen) {
        if (distinctCount == distinct.length) {
          distinct = java.util.Arrays.copyOf(distinct, distinctCount * 2);
        }
        distinct[distinctCount++] = n;
      }
    }
    if (count == 0) {
      return null;
    }
    boolean fires =
        switch (r.kind()) {
          case HIGH_RISK_DESTINATION, PREMIUM_BURST ->
              (r.minCalls() > 0 && count >= r.minCalls())
                  || (r.minMinutes() != null && secs >= seconds(r.minMinutes()));
          case CALL_SPRAY ->
              distinctCount >= r.minDistinct()
                  && BigDecimal.valueOf(shortCalls)
                          .compareTo(r.shortShare().multiply(BigDecimal.valueOf(count)))
                      >= 0;
          case ROAMING_HIGH_USAGE ->
              (r.minAmount() != null && amount >= ore(r.minAmount()))
                  || (r.minMinutes() != null && secs >= seconds(r.minMinutes()));
          case BLOCKED_SIM_ACTIVITY -> count >= Math.max(1, r.minCalls());
          default -> false;
        };
    if (!fires) {
      return null;
    }
    long end = first + r.windowMillis();
    a.alerted(r.ruleId(), end);
    return alert(r, subject, first, end, count, secs, amount, distinctCount, first, last);
  }

  private static FraudAlert alert(
      FraudRule r,
      Subject subject,
      long start,
      long end,
      int count,
      long secs,
      long amountOre,
      int distinct,
      long first,
      long last) {
    FraudAlert alert = new FraudAlert();
    alert.alertId = FraudAlert.idOf(r.ruleId(), subject.subscriptionId(), start);
    alert.ruleId = r.ruleId();
    alert.ruleVersion = r.validFrom().toEpochMilli();
    alert.kind = r.kind().name();
    alert.severity = r.severity();
    alert.subscriptionId = subject.subscriptionId();
    alert.accountId = subject.accountId();
    alert.windowStart = start;
    alert.windowEnd = end;
    alert.eventCount = count;
    alert.seconds = secs;
    alert.amountOre = amountOre;
    alert.distinctDestinations = distinct;
    alert.firstEvent = first;
    alert.lastEvent = last;
    return alert;
  }

  static byte markOf(FraudRuleKind kind) {
    return switch (kind) {
      case HIGH_RISK_DESTINATION -> SubscriptionActivity.HIGH_RISK;
      case PREMIUM_BURST -> SubscriptionActivity.PREMIUM;
      case CALL_SPRAY -> SubscriptionActivity.OUTGOING_VOICE;
      case ROAMING_HIGH_USAGE -> SubscriptionActivity.ROAMING;
      case BLOCKED_SIM_ACTIVITY -> SubscriptionActivity.BLOCKED;
      default -> 0;
    };
  }

  private static long ore(BigDecimal nok) {
    return nok.movePointRight(2).longValue();
  }

  private static long seconds(BigDecimal minutes) {
    return minutes.multiply(BigDecimal.valueOf(60)).longValue();
  }
}
