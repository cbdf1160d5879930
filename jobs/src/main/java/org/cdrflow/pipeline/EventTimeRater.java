package org.cdrflow.pipeline;

import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.RejectReason;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.rating.PeriodUsage;
import org.cdrflow.rating.PresenceDays;
import org.cdrflow.rating.RatingOutcome;
import org.cdrflow.rating.RetailRater;
import org.cdrflow.rating.TariffDecision;
import org.cdrflow.rating.TariffRule;
import org.cdrflow.rating.UsageNotice;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceDataProvider;

/**
 * Keyed by subscription: rates events in event-time order so that the first minutes of a month are
 * the free ones whatever order the feed delivers them in (docs/rating.md, "Allowances"). An event
 * is held until the watermark passes it; an event already behind the watermark is rated on arrival.
 * Ties are broken by network element and call reference. Allowances, presence days and the
 * notifications already sent live in keyed state, so a restore continues exactly.
 */
public class EventTimeRater extends KeyedProcessFunction<String, MediatedCall, InvoiceLine> {
  private static final long serialVersionUID = 1L;

  /** How held calls are kept in state (also what {@code migrate-state} writes). */
  public static final TypeInformation<MediatedCall> CALL_STATE_TYPE =
      Types.POJO(MediatedCall.class);

  public static final OutputTag<UsageNotice> NOTICES =
      new OutputTag<>("notices", Types.POJO(UsageNotice.class)) {};

  private static final Comparator<MediatedCall> TIE_BREAK =
      Comparator.comparing((MediatedCall c) -> c.networkElement)
          .thenComparing(c -> c.callReference)
          .thenComparing(c -> c.recordType);

  /**
   * How many months of allowance ledgers a subscription keeps: events older than that are past the
   * anonymisation horizon and rejected before they get here (docs/architecture.md).
   */
  private static final int RETAINED_PERIODS = 7;

  private final ReferenceDataProvider reference;
  private transient RetailRater rater;
  private transient MapState<Long, List<MediatedCall>> held;
  private transient MapState<String, PeriodUsage> usage;
  private transient ValueState<PresenceDays> presence;

  /** When the next check for state that can end fires (processing time); see {@link #endCheck}. */
  private transient ValueState<Long> endCheckAt;

  /** How often a subscription's usage and presence are checked for their end. */
  public static final long END_CHECK_MS = java.time.Duration.ofDays(1).toMillis();

  private final long endCheckMs;

  public EventTimeRater(ReferenceDataProvider reference) {
    this(reference, END_CHECK_MS);
  }

  /** With the end check every {@code endCheckMs} ({@code state.end-check-interval}). */
  public EventTimeRater(ReferenceDataProvider reference, long endCheckMs) {
    this.reference = reference;
    this.endCheckMs = endCheckMs;
  }

  @Override
  public void open(OpenContext ctx) {
    reference.open();
    rater = new RetailRater();
    held =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("held", Types.LONG, Types.LIST(CALL_STATE_TYPE)));
    usage =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "usage", Types.STRING, StateValueSerializers.PERIOD_USAGE));
    presence =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("presence", StateValueSerializers.PRESENCE_DAYS));
    endCheckAt =
        getRuntimeContext().getState(new ValueStateDescriptor<>("end-check-at", Types.LONG));
  }

  @Override
  public void close() {
    reference.close();
  }

  @Override
  public void processElement(MediatedCall call, Context ctx, Collector<InvoiceLine> out)
      throws Exception {
    long t = call.eventStartMillis;
    if (t <= ctx.timerService().currentWatermark()) {
      rate(call, ctx, out);
      return;
    }
    List<MediatedCall> atT = held.get(t);
    if (atT == null) {
      atT = new ArrayList<>(1);
      ctx.timerService().registerEventTimeTimer(t);
    }
    atT.add(call);
    held.put(t, atT);
    ctx.output(Outcomes.HELD, AuditEvent.of(AuditCounter.HELD_FOR_WATERMARK, call.rawRecords, 0));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<InvoiceLine> out)
      throws Exception {
    if (ctx.timeDomain() == TimeDomain.PROCESSING_TIME) {
      endCheck(timestamp, ctx.timerService());
      return;
    }
    List<MediatedCall> due = held.get(timestamp);
    if (due == null) {
      return;
    }
    held.remove(timestamp);
    due.sort(TIE_BREAK);
    for (MediatedCall call : due) {
      ctx.output(
          Outcomes.HELD, AuditEvent.of(AuditCounter.HELD_FOR_WATERMARK, -call.rawRecords, 0));
      rate(call, ctx, out);
    }
  }

  /**
   * Drops the usage periods and presence days that no event can read any more ({@link
   * LateDataRule}); once nothing is left the subscription holds no state and no timer. The check
   * runs on a processing-time timer: a drain fires every event-time timer at once, which says
   * nothing about which periods ended, and processing-time timers are kept in its savepoint.
   */
  private void endCheck(long timestamp, TimerService timers) throws Exception {
    Long due = endCheckAt.value();
    if (due == null || due != timestamp) {
      return;
    }
    long watermark = timers.currentWatermark();
    Optional<Instant> cutoff = reference.current().anonymisationCutoff();
    if (watermark != Long.MIN_VALUE && watermark != Long.MAX_VALUE && cutoff.isPresent()) {
      List<String> ended = new ArrayList<>();
      for (String p : usage.keys()) {
        if (LateDataRule.usagePeriodIsFinal(YearMonth.parse(p), watermark, cutoff)) {
          ended.add(p);
        }
      }
      for (String p : ended) {
        usage.remove(p);
      }
      PresenceDays days = presence.value();
      if (days != null && LateDataRule.presenceIsFinal(days, watermark, cutoff)) {
        presence.clear();
      }
    }
    if (usage.isEmpty() && presence.value() == null && held.isEmpty()) {
      endCheckAt.clear();
      return;
    }
    endCheckAt.update(timestamp + endCheckMs);
    timers.registerProcessingTimeTimer(timestamp + endCheckMs);
  }

  /** Makes sure a subscription that holds usage or presence has its end check scheduled. */
  private void scheduleEndCheck(TimerService timers) throws Exception {
    if (endCheckAt.value() == null) {
      long at = timers.currentProcessingTime() + endCheckMs;
      endCheckAt.update(at);
      timers.registerProcessingTimeTimer(at);
    }
  }

  private void forgetPeriodsBefore(YearMonth oldestKept) throws Exception {
    List<String> old = new ArrayList<>();
    for (String p : usage.keys()) {
      if (YearMonth.parse(p).isBefore(oldestKept)) {
        old.add(p);
      }
    }
    for (String p : old) {
      usage.remove(p);
    }
  }

  private void rate(
      MediatedCall call,
      KeyedProcessFunction<String, MediatedCall, InvoiceLine>.Context ctx,
      Collector<InvoiceLine> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    String period = RetailRater.usagePeriodOf(call);
    PeriodUsage periodUsage = usage.get(period);
    boolean newState = periodUsage == null;
    if (periodUsage == null) {
      periodUsage = new PeriodUsage();
      forgetPeriodsBefore(YearMonth.parse(period).minusMonths(RETAINED_PERIODS));
    }
    PresenceDays days = presence.value();
    newState |= days == null;
    if (days == null) {
      days = new PresenceDays();
    }
    if (call.tariff == null && !pricedAfterUpgrade(call, ctx, now)) {
      return;
    }
    RatingOutcome outcome =
        rater.rate(call, periodUsage, days, reference.current(), Instant.ofEpochMilli(now));
    usage.put(period, periodUsage);
    presence.update(days);
    if (newState) {
      // A new period or a new subscription: the only times its state can have lost its check.
      scheduleEndCheck(ctx.timerService());
    }
    out.collect(outcome.line());
    ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.RATED, call.rawRecords, now));
    ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.LINES_WRITTEN, 1, now));
    for (UsageNotice n : outcome.notices()) {
      ctx.output(NOTICES, n);
    }
  }

  /**
   * Mediation resolves every call's tariff (docs/rating.md, "Rejected events"); only a call held in
   * the state of an earlier build, restored after an upgrade, comes without one. It is priced here
   * with the same rule, and rejected (without its bytes, which it no longer has) when it cannot be.
   */
  private boolean pricedAfterUpgrade(
      MediatedCall call,
      KeyedProcessFunction<String, MediatedCall, InvoiceLine>.Context ctx,
      long now) {
    ReferenceData ref = reference.current();
    TariffDecision decision =
        ref.plan(call.planId, Instant.ofEpochMilli(call.eventStartMillis))
            .<TariffDecision>map(plan -> new TariffRule().decide(call, plan, ref))
            .orElse(new TariffDecision.NoRate("no price_plan row for plan " + call.planId));
    if (decision instanceof TariffDecision.Priced priced) {
      call.tariff = priced.tariff();
      return true;
    }
    ctx.output(
        Outcomes.REJECTS,
        Rejection.of(
            Rejection.idOf(
                call.networkElement,
                call.callReference,
                call.recordType.name(),
                call.sequenceNumber),
            RejectReason.NO_RATE,
            ((TariffDecision.NoRate) decision).detail(),
            call.sourceTopic,
            call.sourcePartition,
            call.sourceOffset,
            null,
            call.eventStartMillis,
            now));
    ctx.output(
        Outcomes.AUDIT,
        AuditEvent.of(AuditCounter.REJECTED, RejectReason.NO_RATE.name(), call.rawRecords, now));
    return false;
  }
}
