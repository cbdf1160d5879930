package org.cdrflow.fraud;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.rating.LineFlag;
import org.cdrflow.reference.FraudRule;
import org.cdrflow.reference.FraudRuleKind;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceDataProvider;
import org.cdrflow.reference.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keyed by subscription, on the rated lines (docs/fraud.md, "Where detection runs"): feeds each
 * line to {@link FraudDetector} with the rules in force at its event time from the per-JVM
 * reference snapshot, and emits the alerts. Event-time timers end the Oslo day (SIM_BOX) and retire
 * the state: recent events after the longest window, the whole state 31 days after the last event.
 */
public class FraudDetectionFunction extends KeyedProcessFunction<String, InvoiceLine, FraudAlert> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(FraudDetectionFunction.class);
  private static final long MINUTE = 60_000L;
  private static final long RETIRE_AFTER = 31L * 24 * 3_600_000L;

  /**
   * The subscription-days for the plan's judge (docs/fraud.md, "USAGE_SPIKE and new
   * subscriptions"): every closed day of a subscription with a plan, and the day so far of a new
   * subscription that has reached a USAGE_SPIKE floor.
   */
  public static final OutputTag<SubscriptionDayUsage> SUBSCRIPTION_DAYS =
      new OutputTag<>("subscription-days", Types.POJO(SubscriptionDayUsage.class));

  private final ReferenceDataProvider reference;
  private transient FraudDetector detector;
  private transient ValueState<SubscriptionActivity> activity;

  /** Null: every line reads and writes the keyed state ({@link #cacheState}). */
  private transient LinkedHashMap<String, Cached> cache;

  private transient KeyContext keys;
  private transient int capacity;

  /** Null: the timers are Flink's ({@link #keepDeadlines}). */
  private transient SubscriptionDeadlines deadlines;

  /**
   * The watermark being processed while the operator fires deadlines: Flink's timer service moves
   * its own only after them.
   */
  private transient long sweepWatermark = Long.MIN_VALUE;

  public FraudDetectionFunction(ReferenceDataProvider reference) {
    this.reference = reference;
  }

  @Override
  public void open(OpenContext ctx) {
    reference.open();
    detector = new FraudDetector(true);
    // Every severity is registered at once, so the alert rule's series exists before the first
    // alert (docs/operations.md, "The job's metrics").
    alertsRaised = new java.util.HashMap<>();
    for (String severity : SEVERITIES) {
      alertsRaised.put(
          severity,
          org.cdrflow.pipeline.JobMetrics.fraudAlertsRaised(
              getRuntimeContext().getMetricGroup(), severity));
    }
    activity = getRuntimeContext().getState(declaredState());
    // Not an initializer: a transient field is 0 once the function comes out of the job graph.
    sweepWatermark = Long.MIN_VALUE;
  }

  /**
   * The keyed state of a subscription (docs/fraud.md, "State"), in the serializer of our own. State
   * that earlier builds wrote with Flink's POJO serializer is converted by Flink as the job
   * restores it (SubscriptionActivitySerializer.Snapshot). A test overrides this with the earlier
   * builds' descriptor.
   */
  ValueStateDescriptor<SubscriptionActivity> declaredState() {
    return new ValueStateDescriptor<>(ACTIVITY_STATE, SubscriptionActivitySerializer.INSTANCE);
  }

  /** The name of the state, the same since the stage was added. */
  static final String ACTIVITY_STATE = "activity";

  @Override
  public void close() {
    reference.close();
  }

  @Override
  public void processElement(InvoiceLine line, Context ctx, Collector<FraudAlert> out)
      throws Exception {
    ReferenceData ref = reference.current();
    if (!ref.hasFraudRules() || line.subscriptionId == null) {
      return;
    }
    SubscriptionActivity a = load(line.subscriptionId);
    if (a == null) {
      a = new SubscriptionActivity();
    }
    // The rater names the plan it rated by; a line it could not rate is looked up.
    String planId =
        line.planId != null
            ? line.planId
            : ref.subscriptionAt(line.msisdn, Instant.ofEpochMilli(line.eventStart))
                .map(Subscription::planId)
                .orElse(null);
    int dayBefore = a.day;
    // A line of a later day closes the current one inside observe: its figures go to the plan.
    SubscriptionDayUsage closing =
        dayBefore >= 0 && line.eventDate > dayBefore && a.planId != null
            ? SubscriptionDayUsage.of(
                a,
                new FraudDetector.Subject(line.subscriptionId, a.accountId, a.planId),
                true,
                a.dayLast)
            : null;
    a.accountId = line.accountId;
    a.planId = planId;
    FraudDetector.Subject subject =
        new FraudDetector.Subject(line.subscriptionId, line.accountId, planId);
    long retain = ref.longestFraudWindowMillis();
    List<FraudAlert> alerts =
        detector.observe(a, observed(line, ref), subject, ref::fraudRulesAt, retain);
    emit(alerts, ctx.timerService().currentProcessingTime(), out);
    if (closing != null) {
      handClosedDay(ctx, closing);
    }
    if (planId != null && a.day == line.eventDate && FraudDetector.isNew(a)) {
      for (FraudRule r : ref.fraudRulesAt(Instant.ofEpochMilli(line.eventStart))) {
        if (r.kind() == FraudRuleKind.USAGE_SPIKE
            && r.appliesToPlan(planId)
            && FraudDetector.reachesFloor(a.dayAmountOre, r)) {
          ctx.output(
              SUBSCRIPTION_DAYS, SubscriptionDayUsage.of(a, subject, false, line.eventStart));
          break;
        }
      }
    }
    store(line.subscriptionId, a);
    // The day's end (SIM_BOX, the history), only when it moves: a timer is a state access (on
    // RocksDB a write, and a read and a delete when it fires). Recent events need no timer while
    // a day is open: the day's end forgets those the longest window no longer reaches, and
    // registers one for the rest (onTimer).
    if (a.day >= 0 && a.day != dayBefore) {
      schedule(ctx.timerService(), line.subscriptionId, FraudDetector.dayStart(a.day + 1) - 1);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<FraudAlert> out)
      throws Exception {
    String key = ctx.getCurrentKey();
    SubscriptionActivity a = load(key);
    if (a == null) {
      return;
    }
    ReferenceData ref = reference.current();
    FraudDetector.Subject subject = new FraudDetector.Subject(key, a.accountId, a.planId);
    if (a.day >= 0 && timestamp >= FraudDetector.dayStart(a.day + 1) - 1) {
      if (a.planId != null) {
        handClosedDay(ctx, SubscriptionDayUsage.of(a, subject, true, a.dayLast));
      }
      emit(
          detector.closeDay(a, subject, ref::fraudRulesAt),
          ctx.timerService().currentProcessingTime(),
          out);
    }
    long retain = ref.longestFraudWindowMillis();
    a.forgetUntil(timestamp - retain);
    if (a.size > 0 && a.day < 0) {
      // No day open, so no day's end to come: a timer for when the newest event leaves the window.
      long until = roundUp(a.times[a.size - 1] + retain);
      if (until > timestamp) {
        schedule(ctx.timerService(), key, until);
      }
    }
    if (a.retireAt != 0 && timestamp >= a.retireAt) {
      a.retireAt = 0;
    }
    long retireDue = FraudDetector.dayStart(a.historyDay + 1) + RETIRE_AFTER;
    long watermark =
        sweepWatermark != Long.MIN_VALUE ? sweepWatermark : ctx.timerService().currentWatermark();
    boolean drained = watermark == Long.MAX_VALUE;
    if (a.size == 0 && a.day < 0 && !drained && timestamp >= retireDue) {
      // A month without usage: nothing left to compare a day with.
      if (cache != null) {
        cache.remove(key);
      }
      activity.clear();
      return;
    }
    // One retirement timer at a time: when it fires before the month is over (days came since),
    // the next one is registered then, instead of one per day.
    if (a.historyDay >= 0 && a.retireAt == 0 && retireDue > timestamp) {
      schedule(ctx.timerService(), key, retireDue);
      a.retireAt = retireDue;
    }
    store(key, a);
  }

  /**
   * Sends a closed day to the plan's judge, or adds it to the sums the operator sends ({@link
   * #sumClosedDays}).
   */
  private void handClosedDay(Context ctx, SubscriptionDayUsage day) {
    if (closedDays == null) {
      ctx.output(SUBSCRIPTION_DAYS, day);
      return;
    }
    long[] sum = closedDays.computeIfAbsent(new PlanDay(day.planId, day.day), k -> new long[2]);
    sum[0] += day.amountOre;
    sum[1]++;
  }

  /**
   * Sums the closed days per plan and day instead of sending each ({@link FraudDetectionOperator}):
   * the plan's judge needs only the sum and the count of subscription-days, and one record per
   * subscription-day through the shuffle and the judge's state cost as much as detection itself on
   * a feed where most lines open a day. The operator hands the sums on ({@link #handOnClosedDays})
   * before every watermark it passes on and every checkpoint barrier, and at the end of input.
   */
  void sumClosedDays() {
    closedDays = new HashMap<>();
  }

  /** The sums of closed days since the last call, each as one record for the plan's judge. */
  void handOnClosedDays(java.util.function.Consumer<SubscriptionDayUsage> out) {
    if (closedDays == null || closedDays.isEmpty()) {
      return;
    }
    for (Map.Entry<PlanDay, long[]> e : closedDays.entrySet()) {
      out.accept(
          SubscriptionDayUsage.closedSum(
              e.getKey().planId(),
              e.getKey().day(),
              e.getValue()[0],
              Math.toIntExact(e.getValue()[1])));
    }
    closedDays.clear();
  }

  private record PlanDay(String planId, int day) {}

  /** Null: closed days go to the judge one by one ({@link #sumClosedDays}). */
  private transient Map<PlanDay, long[]> closedDays;

  /**
   * Flink's timer service, or the operator's deadlines when it keeps them ({@link #keepDeadlines}).
   */
  private void schedule(TimerService flink, String key, long time) {
    if (deadlines != null) {
      deadlines.add(time, key);
    } else {
      flink.registerEventTimeTimer(time);
    }
  }

  /**
   * Keeps this subtask's timers in {@code deadlines} instead of Flink's timer service ({@link
   * FraudDetectionOperator}, docs/fraud.md "State"), and derives them from the state restored, if
   * any: a subscription with an open day is due at the day's end, one with recent events but no
   * open day when the newest leaves the longest window, one with a pending retirement then, and one
   * with a history but nothing pending a month after its last day. Reads every subscription of the
   * subtask once.
   */
  void keepDeadlines(KeyedStateBackend<String> backend, SubscriptionDeadlines deadlines)
      throws Exception {
    this.deadlines = deadlines;
    List<String> keys;
    try (Stream<String> restored = backend.getKeys(ACTIVITY_STATE, VoidNamespace.INSTANCE)) {
      keys = restored.collect(Collectors.toList());
    }
    if (keys.isEmpty()) {
      return;
    }
    long retain = reference.current().longestFraudWindowMillis();
    for (String key : keys) {
      backend.setCurrentKey(key);
      SubscriptionActivity a = activity.value();
      if (a == null) {
        continue;
      }
      if (a.day >= 0) {
        deadlines.add(FraudDetector.dayStart(a.day + 1) - 1, key);
      } else if (a.size > 0) {
        deadlines.add(roundUp(a.times[a.size - 1] + retain), key);
      }
      if (a.retireAt != 0) {
        deadlines.add(a.retireAt, key);
      } else if (a.day < 0 && a.historyDay >= 0) {
        deadlines.add(FraudDetector.dayStart(a.historyDay + 1) + RETIRE_AFTER, key);
      }
    }
  }

  /**
   * Fires {@code subscription}'s deadline at {@code time} as its timer would fire, through {@code
   * timers} (the operator's {@code onEventTime}, which sets the output's timestamp and the timer
   * context), while the watermark {@code watermark} is being processed.
   */
  void fireDeadline(long watermark, ThrowingRunnable timers) throws Exception {
    sweepWatermark = watermark;
    try {
      timers.run();
    } finally {
      sweepWatermark = Long.MIN_VALUE;
    }
  }

  /** A step that may throw, for {@link #fireDeadline}. */
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /**
   * Keeps subscriptions' state on the heap between checkpoints when the keyed state is in RocksDB
   * ({@link FraudDetectionOperator}): each line then reads and writes an object instead of RocksDB,
   * and a subscription is written to RocksDB once per checkpoint (before the barrier), when it
   * leaves the cache, and at the end of input. Holds at most {@code capacity} subscriptions; {@code
   * keys} switches the keyed state to the subscription written back.
   */
  void cacheState(KeyContext keys, int capacity) {
    this.keys = keys;
    this.cache = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true);
    this.capacity = capacity;
  }

  /** Writes every subscription changed since the last write-back to the keyed state. */
  void writeBack() throws Exception {
    if (cache == null) {
      return;
    }
    Object current = keys.getCurrentKey();
    for (Map.Entry<String, Cached> e : cache.entrySet()) {
      Cached c = e.getValue();
      if (c.dirty) {
        keys.setCurrentKey(e.getKey());
        activity.update(c.activity);
        c.dirty = false;
      }
    }
    if (current != null) {
      keys.setCurrentKey(current);
    }
  }

  /** The state of the current key ({@code key}): from the cache, else from the keyed state. */
  private SubscriptionActivity load(String key) throws Exception {
    if (cache == null) {
      return activity.value();
    }
    Cached c = cache.get(key);
    if (c != null) {
      return c.activity;
    }
    SubscriptionActivity a = activity.value();
    if (a != null) {
      admit(key, new Cached(a, false));
    }
    return a;
  }

  /** Keeps the state of the current key ({@code key}). */
  private void store(String key, SubscriptionActivity a) throws Exception {
    if (cache == null) {
      activity.update(a);
      return;
    }
    Cached c = cache.get(key);
    if (c == null) {
      admit(key, new Cached(a, true));
    } else {
      c.activity = a;
      c.dirty = true;
    }
  }

  private void admit(String key, Cached c) throws Exception {
    cache.put(key, c);
    if (cache.size() <= capacity) {
      return;
    }
    // The least recently used subscription leaves; written back if it changed since.
    Iterator<Map.Entry<String, Cached>> eldest = cache.entrySet().iterator();
    Map.Entry<String, Cached> e = eldest.next();
    eldest.remove();
    if (e.getValue().dirty) {
      keys.setCurrentKey(e.getKey());
      activity.update(e.getValue().activity);
      keys.setCurrentKey(key);
    }
  }

  /** A subscription's state on the heap, and whether the keyed state still has an older one. */
  private static final class Cached {
    SubscriptionActivity activity;
    boolean dirty;

    Cached(SubscriptionActivity activity, boolean dirty) {
      this.activity = activity;
      this.dirty = dirty;
    }
  }

  private static final List<String> SEVERITIES = List.of("LOW", "MEDIUM", "HIGH");

  private transient java.util.Map<String, org.apache.flink.metrics.Counter> alertsRaised;

  private void emit(List<FraudAlert> alerts, long now, Collector<FraudAlert> out) {
    for (FraudAlert alert : alerts) {
      raise(alert, now, alertsRaised, out);
    }
  }

  /**
   * Raises one alert, for this operator and the plan's judge alike: its time, its severity's
   * counter, one log line of ids.
   */
  static void raise(
      FraudAlert alert,
      long now,
      java.util.Map<String, org.apache.flink.metrics.Counter> alertsRaised,
      Collector<FraudAlert> out) {
    alert.raisedAt = now;
    org.apache.flink.metrics.Counter raised =
        alert.severity == null ? null : alertsRaised.get(alert.severity);
    if (raised != null) {
      raised.inc();
    }
    // Ids only: the alert and the subscription, never a number (docs/privacy.md).
    LOG.info(
        "Fraud alert {} ({} {}, rule {}) for subscription {}",
        alert.alertId,
        alert.kind,
        alert.severity,
        alert.ruleId,
        alert.subscriptionId);
    out.collect(alert);
  }

  static ObservedUsage observed(InvoiceLine line, ReferenceData ref) {
    ObservedUsage.Service service = ObservedUsage.Service.valueOf(line.service);
    boolean outgoing = "MO".equals(line.direction);
    return new ObservedUsage(
        line.eventStart,
        line.eventDate,
        service,
        outgoing,
        line.durationS == null ? 0 : line.durationS,
        line.amount == null ? 0 : line.amount.movePointRight(2).longValue(),
        line.counterpartNumber == null ? 0 : line.counterpartNumber.hashCode(),
        outgoing
            && service == ObservedUsage.Service.VOICE
            && ref.isHighRiskDestination(line.counterpartNumber),
        "PREMIUM".equals(line.counterpartClass),
        line.roamingCountry != null
            || (line.ratingZone != null && line.ratingZone.startsWith("ROAM_")),
        line.hasFlag(LineFlag.BLOCKED_SIM));
  }

  private static long roundUp(long t) {
    return (Math.floorDiv(t, MINUTE) + 1) * MINUTE;
  }
}
