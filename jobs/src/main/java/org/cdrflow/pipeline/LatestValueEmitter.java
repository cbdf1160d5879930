package org.cdrflow.pipeline;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps an aggregate per key in state and writes its absolute value downstream at most once per
 * interval (and once more when the input ends or is drained), so that a hot aggregate such as a
 * day's settlement or an hour's audit becomes a handful of upserts instead of one per event. The
 * value in state is exactly once under Flink's checkpoints; the upsert of an absolute value makes
 * the table right again after any replay.
 *
 * <p><b>Lineage.</b> Every row carries the state lineage of the operator ({@link StateLineage}),
 * kept in operator state: a start without state asks {@link StateLineage#claim()} for one, which
 * refuses when the rows were written by a state this start does not descend from. The lineage is
 * noted as checkpointed ({@link StateLineage#markCheckpointed}) once a checkpoint that carries it
 * has completed, or when the operator is restored from one, never merely when it snapshots: a run
 * killed between its first snapshot and the completion of that checkpoint leaves nothing to
 * restore, and its rerun must be able to take the lineage over (docs/reliability.md, "A start
 * without state").
 *
 * <p><b>State that ends.</b> A key whose aggregate can no longer change ({@link #isFinal}: its day
 * or hour is past the watermark or clock plus the late-data rule) is written a last time and
 * dropped with its timers (docs/architecture.md, "State"). The check runs on a processing-time
 * timer every {@code endCheckMs}: a drain fires every event-time timer at once, so an event-time
 * timer could not tell a day that ended from the end of a replay; processing-time timers are not
 * fired by a drain and are kept in its savepoint. A key holds at most three timers (the flush, the
 * end-of-input write while it has unwritten changes, the end check), and none once it ended.
 */
public abstract class LatestValueEmitter<K, IN, ACC, OUT> extends KeyedProcessFunction<K, IN, OUT>
    implements CheckpointedFunction, CheckpointListener {
  private static final long serialVersionUID = 1L;

  /** An event-time timer that only the end of input (or a drain) reaches. */
  private static final long AT_END = Long.MAX_VALUE;

  private final long intervalMs;
  private final long endCheckMs;
  private final TypeInformation<ACC> accType;
  private final StateLineage lineage;
  private transient ValueState<ACC> acc;

  /** When the pending flush fires (processing time); null when everything is written. */
  private transient ValueState<Long> flushAt;

  /** When the next end check fires (processing time). */
  private transient ValueState<Long> endCheckAt;

  private transient ListState<String> lineageState;
  private transient String lineageId;
  private transient boolean checkpointMarked;

  /**
   * @param lineage where a start without state claims its lineage; null writes rows without one
   *     (tests of the operator alone)
   */
  protected LatestValueEmitter(
      long intervalMs, long endCheckMs, TypeInformation<ACC> accType, StateLineage lineage) {
    this.intervalMs = intervalMs;
    this.endCheckMs = endCheckMs;
    this.accType = accType;
    this.lineage = lineage;
  }

  /** Adds {@code in} to the aggregate ({@code null} before the key's first event). */
  protected abstract ACC add(ACC accOrNull, IN in);

  /**
   * The row to write, of lineage {@code lineageId}: a copy, since the aggregate goes on changing.
   */
  protected abstract OUT snapshot(ACC acc, String lineageId);

  /**
   * Whether no event can change the aggregate any more, at watermark {@code watermark} (never the
   * end-of-input one) and processing time {@code now}.
   */
  protected abstract boolean isFinal(ACC acc, long watermark, long now);

  @Override
  public void initializeState(FunctionInitializationContext ctx) throws Exception {
    lineageState =
        ctx.getOperatorStateStore()
            .getUnionListState(new ListStateDescriptor<>("lineage", Types.STRING));
    String restored = null;
    for (String id : lineageState.get()) {
      restored = id;
    }
    if (ctx.isRestored()) {
      // A savepoint taken before lineages existed carries none: its rows have none either.
      lineageId = restored;
      checkpointMarked = false;
      // Restored from a completed checkpoint or savepoint that carries the lineage: it is
      // checkpointed even if the notification of that checkpoint never arrived (a kill right
      // after it completed).
      markCheckpointed();
    } else if (lineage != null) {
      lineageId = lineage.claim();
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
    // Not marked here: the checkpoint may never complete (a kill before it does), and then the
    // rerun starts without state and must take the lineage over.
    lineageState.update(lineageId == null ? List.of() : List.of(lineageId));
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    // Every snapshot of this operator carries the lineage, so any completed checkpoint does. From
    // now on input this lineage consumed may be committed (the source commits its offsets on the
    // same notification), and a start without state must not take its rows over.
    markCheckpointed();
  }

  private void markCheckpointed() throws Exception {
    if (!checkpointMarked && lineage != null && lineageId != null) {
      lineage.markCheckpointed(lineageId);
      checkpointMarked = true;
    }
  }

  @Override
  public void open(OpenContext ctx) {
    acc = getRuntimeContext().getState(new ValueStateDescriptor<>("aggregate", accType));
    flushAt = getRuntimeContext().getState(new ValueStateDescriptor<>("flush-at", Types.LONG));
    endCheckAt =
        getRuntimeContext().getState(new ValueStateDescriptor<>("end-check-at", Types.LONG));
  }

  @Override
  public void processElement(IN in, Context ctx, Collector<OUT> out) throws Exception {
    ACC a = add(acc.value(), in);
    acc.update(a);
    if (ctx.timerService().currentWatermark() == AT_END) {
      // After the end of input no timer fires any more: write now.
      out.collect(snapshot(a, lineageId));
      return;
    }
    long now = ctx.timerService().currentProcessingTime();
    if (flushAt.value() == null) {
      flushAt.update(now + intervalMs);
      ctx.timerService().registerProcessingTimeTimer(now + intervalMs);
      // A drain does not fire pending processing-time timers: every unwritten change needs the
      // end-of-input timer too, or a late record for a day of an earlier run would stay in state
      // but never reach the table (docs/settlement.md). Deleted again once written.
      ctx.timerService().registerEventTimeTimer(AT_END);
    }
    if (endCheckAt.value() == null) {
      endCheckAt.update(now + endCheckMs);
      ctx.timerService().registerProcessingTimeTimer(now + endCheckMs);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<OUT> out) throws Exception {
    ACC a = acc.value();
    if (a == null) {
      return;
    }
    if (ctx.timeDomain() == TimeDomain.EVENT_TIME) {
      // The end of input or a drain: write what is unwritten.
      Long pending = flushAt.value();
      if (pending != null) {
        out.collect(snapshot(a, lineageId));
        flushAt.clear();
        ctx.timerService().deleteProcessingTimeTimer(pending);
      }
      return;
    }
    Long pending = flushAt.value();
    if (pending != null && pending == timestamp) {
      out.collect(snapshot(a, lineageId));
      flushAt.clear();
      ctx.timerService().deleteEventTimeTimer(AT_END);
    }
    Long check = endCheckAt.value();
    if (check == null) {
      // A key restored from a savepoint taken before keys had an end check.
      check = timestamp;
    }
    if (check == timestamp) {
      long watermark = ctx.timerService().currentWatermark();
      if (flushAt.value() == null
          && watermark != AT_END
          && watermark != Long.MIN_VALUE
          && isFinal(a, watermark, timestamp)) {
        acc.clear();
        endCheckAt.clear();
      } else {
        endCheckAt.update(timestamp + endCheckMs);
        ctx.timerService().registerProcessingTimeTimer(timestamp + endCheckMs);
      }
    }
  }
}
