package org.cdrflow.fraud;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.cdrflow.reference.FraudRule;
import org.cdrflow.reference.FraudRuleKind;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceDataProvider;

/**
 * USAGE_SPIKE for new subscriptions, keyed by price plan (docs/fraud.md, "USAGE_SPIKE and new
 * subscriptions"): sums the closed days of the plan's subscriptions into the plan's average day
 * ({@link PlanHistory}) and judges a new subscription's day so far against it.
 *
 * <p>Deterministic in event time, so a rerun or a recovery raises the same alerts: a day so far is
 * judged only when the watermark reaches its event time. Detection sends a subscription's closed
 * day at the latest when its own watermark passes the day's end, before it forwards that watermark,
 * and Flink keeps each channel's order; so when this operator's watermark reaches a time of day D,
 * every closed day before D of every subscription has arrived, whatever the interleaving.
 */
public class PlanSpikeJudge extends KeyedProcessFunction<String, SubscriptionDayUsage, FraudAlert> {
  private static final long serialVersionUID = 1L;

  private final ReferenceDataProvider reference;
  private transient ValueState<PlanHistory> history;
  private transient ListState<SubscriptionDayUsage> waiting;

  /** "rule id|subscription id" → the Oslo day it alerted for: once per day. */
  private transient MapState<String, Integer> alerted;

  public PlanSpikeJudge(ReferenceDataProvider reference) {
    this.reference = reference;
  }

  private transient Map<String, org.apache.flink.metrics.Counter> alertsRaised;

  @Override
  public void open(OpenContext ctx) {
    reference.open();
    alertsRaised = new java.util.HashMap<>();
    for (String severity : List.of("LOW", "MEDIUM", "HIGH")) {
      alertsRaised.put(
          severity,
          org.cdrflow.pipeline.JobMetrics.fraudAlertsRaised(
              getRuntimeContext().getMetricGroup(), severity));
    }
    history =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("history", Types.POJO(PlanHistory.class)));
    waiting =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("waiting", Types.POJO(SubscriptionDayUsage.class)));
    alerted =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("alerted", Types.STRING, Types.INT));
  }

  @Override
  public void close() {
    reference.close();
  }

  @Override
  public void processElement(SubscriptionDayUsage u, Context ctx, Collector<FraudAlert> out)
      throws Exception {
    if (u.closed) {
      PlanHistory h = history.value();
      if (h == null) {
        h = new PlanHistory();
      }
      // Detection sums closed days per plan and day before it sends them (subscriptionDays).
      h.add(u.day, u.amountOre, Math.max(1, u.subscriptionDays));
      history.update(h);
      return;
    }
    waiting.add(u);
    ctx.timerService().registerEventTimeTimer(Math.max(u.eventTime, FraudDetector.dayStart(u.day)));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<FraudAlert> out)
      throws Exception {
    List<SubscriptionDayUsage> due = new ArrayList<>();
    List<SubscriptionDayUsage> later = new ArrayList<>();
    for (SubscriptionDayUsage u : waiting.get()) {
      (Math.max(u.eventTime, FraudDetector.dayStart(u.day)) <= timestamp ? due : later).add(u);
    }
    if (later.isEmpty()) {
      waiting.clear();
    } else {
      waiting.update(later);
    }
    // The day's amount only grows, so the first that fires is the smallest: the same alert
    // whatever order the days so far arrived in.
    due.sort(
        Comparator.comparing((SubscriptionDayUsage u) -> u.subscriptionId)
            .thenComparingInt(u -> u.day)
            .thenComparingLong(u -> u.amountOre)
            .thenComparingLong(u -> u.eventTime));
    ReferenceData ref = reference.current();
    PlanHistory h = history.value();
    PlanHistory plan = h == null ? new PlanHistory() : h;
    for (SubscriptionDayUsage u : due) {
      for (FraudRule r : ref.fraudRulesAt(Instant.ofEpochMilli(u.eventTime))) {
        if (r.kind() != FraudRuleKind.USAGE_SPIKE || !r.appliesToPlan(u.planId)) {
          continue;
        }
        String key = r.ruleId() + "|" + u.subscriptionId;
        Integer alertedDay = alerted.get(key);
        if (alertedDay != null && alertedDay >= u.day) {
          continue;
        }
        FraudAlert alert = FraudDetector.newSubscriptionSpike(u, r, plan.averageOre(u.day));
        if (alert == null) {
          continue;
        }
        alerted.put(key, u.day);
        FraudDetectionFunction.raise(
            alert, ctx.timerService().currentProcessingTime(), alertsRaised, out);
      }
    }
    // Once-per-day marks of days that are over are no longer needed.
    int today = FraudDetector.osloDay(timestamp);
    for (Iterator<Map.Entry<String, Integer>> it = alerted.iterator(); it.hasNext(); ) {
      if (it.next().getValue() < today) {
        it.remove();
      }
    }
    if (alerted.isEmpty()) {
      alerted.clear();
    }
    if (h != null) {
      h.forgetBefore(today - PlanHistory.AVERAGE_DAYS);
      history.update(h);
    }
  }
}
