package org.cdrflow.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.RejectReason;

/**
 * Keyed by call (a 64-bit hash of networkElement, callReference, recordType: {@link CallKeyHash};
 * one compact entry per call, {@link CallAssemblySerializer}): drops duplicates seen within the
 * dedup window, and joins the partial records of a long call into one event, emitted when the last
 * partial and every one before it have arrived, or flagged INCOMPLETE when the join timeout (event
 * time) passes after the newest partial (docs/mediation.md, "Duplicates and partial records").
 */
public class CallAssembler extends KeyedProcessFunction<Long, MediatedCall, MediatedCall> {
  private static final long serialVersionUID = 1L;

  /** How buffered partials are kept in state (also what {@code migrate-state} writes). */
  public static final TypeInformation<MediatedCall> CALL_STATE_TYPE =
      Types.POJO(MediatedCall.class);

  private final long partialTimeoutMs;
  private final Duration dedupWindow;
  private transient ValueState<CallAssemblyState> assembly;
  private transient MapState<Integer, MediatedCall> partials;

  public CallAssembler(Duration partialTimeout, Duration dedupWindow) {
    this.partialTimeoutMs = partialTimeout.toMillis();
    this.dedupWindow = dedupWindow;
  }

  @Override
  public void open(OpenContext ctx) {
    StateTtlConfig ttl =
        StateTtlConfig.newBuilder(dedupWindow)
            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
            // Heap state (RocksDB cleans up in compaction): two entries checked per state access
            // instead of Flink's five, a little memory traded for CPU (docs/architecture.md,
            // "State").
            .cleanupIncrementally(2, false)
            .build();
    ValueStateDescriptor<CallAssemblyState> a =
        new ValueStateDescriptor<>("assembly", CallAssemblySerializer.TYPE);
    a.enableTimeToLive(ttl);
    assembly = getRuntimeContext().getState(a);
    MapStateDescriptor<Integer, MediatedCall> p =
        new MapStateDescriptor<>("partials", Types.INT, CALL_STATE_TYPE);
    p.enableTimeToLive(ttl);
    partials = getRuntimeContext().getMapState(p);
  }

  @Override
  public void processElement(MediatedCall call, Context ctx, Collector<MediatedCall> out)
      throws Exception {
    long now = ctx.timerService().currentProcessingTime();
    CallAssemblyState st = assembly.value();
    if (st == null) {
      st = new CallAssemblyState();
    }
    int seq = call.sequenceNumber;
    if (st.hasSeen(seq)) {
      ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.DUPLICATES, 1, now));
      return;
    }
    st.markSeen(seq);
    if (seq == 0) {
      st.emitted = true;
      assembly.update(st);
      call.payload = null;
      out.collect(call);
      return;
    }
    if (st.emitted) {
      assembly.update(st);
      ctx.output(
          Outcomes.REJECTS,
          Rejection.of(
              Rejection.idOf(
                  call.networkElement,
                  call.callReference,
                  call.recordType.name(),
                  call.sequenceNumber),
              RejectReason.LATE_PARTIAL,
              "partial record " + seq + " arrived after its call was already emitted",
              call.sourceTopic,
              call.sourcePartition,
              call.sourceOffset,
              call.payload,
              call.eventStartMillis,
              now));
      ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.REJECTED, "LATE_PARTIAL", 1, now));
      return;
    }
    partials.put(seq, call);
    st.pending++;
    ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.PENDING_PARTIALS, 1, now));
    if (call.lastPartial) {
      st.lastSequence = seq;
    }
    if (st.lastSequence > 0 && st.pending == st.lastSequence) {
      emitJoined(st, false, ctx.timerService().currentProcessingTime(), ctx, out);
      if (st.timer != Long.MIN_VALUE) {
        ctx.timerService().deleteEventTimeTimer(st.timer);
        st.timer = Long.MIN_VALUE;
      }
    } else if (call.eventStartMillis > st.newestPartialEventTime) {
      st.newestPartialEventTime = call.eventStartMillis;
      long timer = saturatedAdd(call.eventStartMillis, partialTimeoutMs);
      if (st.timer != Long.MIN_VALUE) {
        ctx.timerService().deleteEventTimeTimer(st.timer);
      }
      st.timer = timer;
      ctx.timerService().registerEventTimeTimer(timer);
    }
    assembly.update(st);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<MediatedCall> out)
      throws Exception {
    CallAssemblyState st = assembly.value();
    if (st == null || st.emitted || st.timer != timestamp) {
      return;
    }
    st.timer = Long.MIN_VALUE;
    emitJoined(st, true, ctx.timerService().currentProcessingTime(), ctx, out);
    assembly.update(st);
  }

  private void emitJoined(
      CallAssemblyState st,
      boolean incomplete,
      long now,
      KeyedProcessFunction<Long, MediatedCall, MediatedCall>.Context ctx,
      Collector<MediatedCall> out)
      throws Exception {
    List<Integer> seqs = new ArrayList<>();
    for (Integer s : partials.keys()) {
      seqs.add(s);
    }
    seqs.sort(null);
    MediatedCall first = partials.get(seqs.get(0));
    MediatedCall joined = first;
    // Duration and volume add up over the partials: a long call or data session is billed whole
    // (docs/mediation.md, "Duplicates and partial records").
    int duration = 0;
    long volume = 0;
    for (Integer s : seqs) {
      MediatedCall part = partials.get(s);
      duration += part.durationSeconds;
      volume += part.volumeBytes;
    }
    joined.durationSeconds = duration;
    joined.volumeBytes = volume;
    joined.rawRecords = seqs.size();
    joined.incomplete = incomplete;
    joined.payload = null;
    joined.sequenceNumber = 1;
    joined.lastPartial = true;
    partials.clear();
    st.emitted = true;
    st.pending = 0;
    ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.PENDING_PARTIALS, -seqs.size(), now));
    ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.PARTIALS_JOINED, seqs.size(), now));
    out.collect(joined);
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
