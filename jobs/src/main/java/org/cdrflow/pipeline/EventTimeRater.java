package org.cdrflow.pipeline;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.cdrflow.mediation.MediatedCall;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.rating.PeriodUsage;
import org.cdrflow.rating.PresenceDays;
import org.cdrflow.rating.RatingOutcome;
import org.cdrflow.rating.RetailRater;
import org.cdrflow.rating.UsageNotice;
import org.cdrflow.reference.ReferenceDataProvider;
import org.cdrflow.settlement.SettlementCall;

/**
 * Keyed by subscription: rates events in event-time order so that the first minutes of a month are
 * the free ones whatever order the feed delivers them in (docs/rating.md, "Allowances"). An event
 * is held until the watermark passes it; an event already behind the watermark is rated on arrival.
 * Ties are broken by network element and call reference. Allowances, presence days and the
 * notifications already sent live in keyed state, so a restore continues exactly.
 */
public class EventTimeRater extends KeyedProcessFunction<String, MediatedCall, InvoiceLine> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<SettlementCall> SETTLEMENT =
      new OutputTag<>("settlement", Types.POJO(SettlementCall.class)) {};
  public static final OutputTag<UsageNotice> NOTICES =
      new OutputTag<>("notices", Types.POJO(UsageNotice.class)) {};

  private static final ZoneId OSLO = ZoneId.of("Europe/Oslo");
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

  public EventTimeRater(ReferenceDataProvider reference) {
    this.reference = reference;
  }

  @Override
  public void open(OpenContext ctx) {
    reference.open();
    rater = new RetailRater();
    held =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "held", Types.LONG, Types.LIST(Types.POJO(MediatedCall.class))));
    usage =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>("usage", Types.STRING, Types.POJO(PeriodUsage.class)));
    presence =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("presence", Types.POJO(PresenceDays.class)));
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
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<InvoiceLine> out)
      throws Exception {
    List<MediatedCall> due = held.get(timestamp);
    if (due == null) {
      return;
    }
    held.remove(timestamp);
    due.sort(TIE_BREAK);
    for (MediatedCall call : due) {
      rate(call, ctx, out);
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
    String period =
        YearMonth.from(Instant.ofEpochMilli(call.eventStartMillis).atZone(OSLO)).toString();
    PeriodUsage periodUsage = usage.get(period);
    if (periodUsage == null) {
      periodUsage = new PeriodUsage();
      forgetPeriodsBefore(YearMonth.parse(period).minusMonths(RETAINED_PERIODS));
    }
    PresenceDays days = presence.value();
    if (days == null) {
      days = new PresenceDays();
    }
    RatingOutcome outcome =
        rater.rate(call, periodUsage, days, reference.current(), Instant.ofEpochMilli(now));
    if (!outcome.isRated()) {
      ctx.output(
          Outcomes.REJECTS,
          Rejection.of(
              Rejection.idOf(
                  call.networkElement,
                  call.callReference,
                  call.recordType.name(),
                  call.sequenceNumber),
              outcome.rejectReason(),
              outcome.detail(),
              call.sourceTopic,
              call.sourcePartition,
              call.sourceOffset,
              null,
              call.eventStartMillis,
              now));
      ctx.output(
          Outcomes.AUDIT,
          AuditEvent.of(
              AuditCounter.REJECTED, outcome.rejectReason().name(), call.rawRecords, now));
      return;
    }
    usage.put(period, periodUsage);
    presence.update(days);
    out.collect(outcome.line());
    ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.RATED, call.rawRecords, now));
    ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.LINES_WRITTEN, 1, now));
    for (UsageNotice n : outcome.notices()) {
      ctx.output(NOTICES, n);
    }
    if (SettlementCall.isSettled(call)) {
      ctx.output(SETTLEMENT, SettlementCall.of(call));
      ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.SETTLEMENT_ROWS_WRITTEN, 1, now));
    }
  }
}
