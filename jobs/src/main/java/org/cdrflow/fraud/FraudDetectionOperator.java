package org.cdrflow.fraud;

import java.util.ArrayList;
import java.util.Map;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.TimerHeapInternalTimer;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.cdrflow.rating.InvoiceLine;

/**
 * Runs {@link FraudDetectionFunction} like Flink's keyed process operator (same keyed state, so
 * savepoints carry over either way), with two differences that make detection cheap (docs/fraud.md,
 * "State"; docs/benchmarks.md, "Fraud detection"):
 *
 * <ul>
 *   <li>The subscriptions' state is kept on the heap between checkpoints when the keyed state is in
 *       RocksDB. Reading and writing a subscription's state in RocksDB on every line was nearly all
 *       of detection's cost there. The cache is written back before every checkpoint barrier and at
 *       the end of input, so a checkpoint or savepoint holds exactly what the lines before its
 *       barrier made; after a failure the job restarts from that checkpoint as before, and the lost
 *       cache is rebuilt from it.
 *   <li>The function's timers (a subscription's day end, its recent events leaving the window, its
 *       retirement) are kept on the heap in {@link SubscriptionDeadlines} and fired when a
 *       watermark passes them, before the watermark goes on, as Flink fires event-time timers. They
 *       follow from the state, so a restore derives them again instead of reading them from the
 *       checkpoint, and no line writes a timer into the state backend. Timers of earlier builds
 *       found in a savepoint still fire through Flink's timer service.
 *   <li>Closed days go to the plan's judge summed per plan and day, before every watermark and
 *       every checkpoint barrier, instead of one record per subscription-day.
 * </ul>
 */
public final class FraudDetectionOperator
    extends KeyedProcessOperator<String, InvoiceLine, FraudAlert> {
  private static final long serialVersionUID = 1L;

  /**
   * Subscriptions kept on the heap per subtask by default ({@code
   * fraud.detection.cached-subscriptions}): about 1 KB each, so about 16 MB. A subtask with more
   * active subscriptions writes the least recently used one back to RocksDB when another comes in.
   */
  public static final int CACHED_SUBSCRIPTIONS = 16_384;

  private final int capacity;
  private transient SubscriptionDeadlines deadlines;

  public FraudDetectionOperator(FraudDetectionFunction function) {
    this(function, CACHED_SUBSCRIPTIONS);
  }

  /**
   * With {@code capacity} subscriptions on the heap ({@code fraud.detection.cached-subscriptions}).
   */
  public FraudDetectionOperator(FraudDetectionFunction function, int capacity) {
    super(function);
    if (capacity < 1) {
      throw new IllegalArgumentException("fraud.detection.cached-subscriptions must be at least 1");
    }
    this.capacity = capacity;
  }

  @Override
  public void open() throws Exception {
    super.open();
    FraudDetectionFunction function = (FraudDetectionFunction) userFunction;
    // On the heap backend the state already is a heap object: nothing to gain, and a cached object
    // changed while an asynchronous snapshot writes it would break the snapshot.
    if (isRocksDb()) {
      function.cacheState(this, capacity);
    }
    deadlines = new SubscriptionDeadlines();
    function.keepDeadlines(getKeyedStateBackend(), deadlines);
    function.sumClosedDays();
  }

  /** The closed days summed since the last time, to the plan's judge. */
  private void handOnClosedDays() {
    ((FraudDetectionFunction) userFunction)
        .handOnClosedDays(
            u ->
                output.collect(
                    FraudDetectionFunction.SUBSCRIPTION_DAYS, new StreamRecord<>(u, u.eventTime)));
  }

  private boolean isRocksDb() {
    // By name: the RocksDB backend is provided by the Flink installation, not linked against.
    return getKeyedStateBackend() != null
        && getKeyedStateBackend()
            .getClass()
            .getName()
            .startsWith("org.apache.flink.state.rocksdb.");
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    // The deadlines the watermark passes fire before it goes on, so that what they emit (SIM_BOX
    // alerts, closed days for the plan's judge) precedes it, as from Flink's own timers.
    FraudDetectionFunction function = (FraudDetectionFunction) userFunction;
    long watermark = mark.getTimestamp();
    Map.Entry<Long, ArrayList<String>> due;
    while ((due = deadlines.pollDue(watermark)) != null) {
      long time = due.getKey();
      for (String subscription : due.getValue()) {
        setCurrentKey(subscription);
        function.fireDeadline(
            watermark,
            () ->
                onEventTime(
                    new TimerHeapInternalTimer<>(time, subscription, VoidNamespace.INSTANCE)));
      }
    }
    // The plan's judge relies on every closed day before a time having arrived with the watermark.
    handOnClosedDays();
    super.processWatermark(mark);
  }

  /** Deadlines pending on the heap (for tests). */
  long pendingDeadlines() {
    return deadlines.size();
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    handOnClosedDays();
    ((FraudDetectionFunction) userFunction).writeBack();
  }

  @Override
  public void finish() throws Exception {
    handOnClosedDays();
    ((FraudDetectionFunction) userFunction).writeBack();
    super.finish();
  }
}
