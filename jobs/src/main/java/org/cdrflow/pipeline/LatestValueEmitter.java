package org.cdrflow.pipeline;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps an aggregate per key in state and writes its absolute value downstream at most once per
 * interval (and once more when the input ends or is drained), so that a hot aggregate such as a
 * day's settlement or an hour's audit becomes a handful of upserts instead of one per event. The
 * value in state is exactly once under Flink's checkpoints; the upsert of an absolute value makes
 * the table right again after any replay.
 */
public abstract class LatestValueEmitter<K, IN, ACC, OUT> extends KeyedProcessFunction<K, IN, OUT> {
  private static final long serialVersionUID = 1L;

  /** An event-time timer that only the end of input (or a drain) reaches. */
  private static final long AT_END = Long.MAX_VALUE;

  private final long intervalMs;
  private final TypeInformation<ACC> accType;
  private transient ValueState<ACC> acc;
  private transient ValueState<Boolean> flushScheduled;

  protected LatestValueEmitter(long intervalMs, TypeInformation<ACC> accType) {
    this.intervalMs = intervalMs;
    this.accType = accType;
  }

  /** Adds {@code in} to the aggregate ({@code null} before the key's first event). */
  protected abstract ACC add(ACC accOrNull, IN in);

  /** The row to write: a copy, since the aggregate goes on changing in state. */
  protected abstract OUT snapshot(ACC acc);

  @Override
  public void open(OpenContext ctx) {
    acc = getRuntimeContext().getState(new ValueStateDescriptor<>("aggregate", accType));
    flushScheduled =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>("flush-scheduled", TypeInformation.of(Boolean.class)));
  }

  @Override
  public void processElement(IN in, Context ctx, Collector<OUT> out) throws Exception {
    ACC a = add(acc.value(), in);
    acc.update(a);
    if (ctx.timerService().currentWatermark() == AT_END) {
      // After the end of input no timer fires any more: write now.
      out.collect(snapshot(a));
      return;
    }
    if (flushScheduled.value() == null) {
      flushScheduled.update(Boolean.TRUE);
      ctx.timerService()
          .registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + intervalMs);
      // A drain does not fire pending processing-time timers, and the end-of-input timer of a key
      // restored from a drained savepoint has already fired: every unwritten change needs its own
      // (registering it again while it is pending is a no-op). Otherwise a late record for a day
      // of an earlier run would stay in state but never reach settlement_daily
      // (docs/settlement.md).
      ctx.timerService().registerEventTimeTimer(AT_END);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<OUT> out) throws Exception {
    ACC a = acc.value();
    if (a == null) {
      return;
    }
    if (flushScheduled.value() != null || timestamp == AT_END) {
      out.collect(snapshot(a));
      flushScheduled.clear();
    }
  }
}
