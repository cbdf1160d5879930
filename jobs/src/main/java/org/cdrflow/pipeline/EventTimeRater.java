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
import org.cdrflow.reference.OsloCalendar;
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

  /**
   * Usage per period, presence days and when the next end check fires ({@link #endCheck}), in one
   * value per subscription (docs/architecture.md, "State").
   */
  private transient ValueState<RatingLedger> ledger;

  /** The name of {@link #ledger}'s state (also what {@code migrate-state} writes). */
  public static final String LEDGER_STATE = "ledger";

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
    ledger =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>(LEDGER_STATE, RatingLedgerSerializer.TYPE));
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
    RatingLedger l = ledger.value();
    if (l == null || l.endCheckAt != timestamp) {
      return;
    }
    long watermark = timers.currentWatermark();
    Optional<Instant> cutoff = reference.current().anonymisationCutoff();
    if (watermark != Long.MIN_VALUE && watermark != Long.MAX_VALUE && cutoff.isPresent()) {
      l.periods
          .keySet()
          .removeIf(p -> LateDataRule.usagePeriodIsFinal(YearMonth.parse(p), watermark, cutoff));
      if (l.presence != null && LateDataRule.presenceIsFinal(l.presence, watermark, cutoff)) {
        l.presence = null;
      }
    }
    if (l.holdsNothing() && held.isEmpty()) {
      ledger.clear();
      return;
    }
    l.endCheckAt = timestamp + endCheckMs;
    ledger.update(l);
    timers.registerProcessingTimeTimer(l.endCheckAt);
  }

  private void rate(
      MediatedCall call,
      KeyedProcessFunction<String, MediatedCall, InvoiceLine>.Context ctx,
      Collector<InvoiceLine> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    String period = RetailRater.usagePeriodOf(call);
    if (call.tariff == null && !pricedAfterUpgrade(call, ctx, now)) {
      return;
    }
    RatingLedger l = ledger.value();
    if (l == null) {
      l = new RatingLedger();
    }
    PeriodUsage periodUsage = l.periods.get(period);
    if (periodUsage == null) {
      periodUsage = new PeriodUsage();
      l.forgetPeriodsBefore(
          OsloCalendar.monthOf(OsloCalendar.monthIndex(period) - RETAINED_PERIODS));
    }
    PresenceDays days = l.presence;
    if (days == null) {
      days = new PresenceDays();
    }
    RatingOutcome outcome =
        rater.rate(call, periodUsage, days, reference.current(), Instant.ofEpochMilli(now));
    l.periods.put(period, periodUsage);
    l.presence = days;
    if (!l.hasEndCheck()) {
      // A new subscription, or one whose state had ended: schedule its check.
      l.endCheckAt = now + endCheckMs;
      ctx.timerService().registerProcessingTimeTimer(l.endCheckAt);
    }
    ledger.update(l);
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
