package org.cdrflow.fraud;

import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.cdrflow.rating.InvoiceLine;

/**
 * Runs {@link FraudDetectionFunction} like Flink's keyed process operator (same keyed state, same
 * timers, so savepoints carry over either way), with the subscriptions' state kept on the heap
 * between checkpoints when the keyed state is in RocksDB (docs/fraud.md, "State"). Reading and
 * writing a subscription's state in RocksDB on every line was nearly all of detection's cost there
 * (docs/benchmarks.md, "Fraud detection"). The cache is written back before every checkpoint
 * barrier and at the end of input, so a checkpoint or savepoint holds exactly what the lines before
 * its barrier made; after a failure the job restarts from that checkpoint as before, and the lost
 * cache is rebuilt from it.
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
    // On the heap backend the state already is a heap object: nothing to gain, and a cached object
    // changed while an asynchronous snapshot writes it would break the snapshot.
    if (isRocksDb()) {
      ((FraudDetectionFunction) userFunction).cacheState(this, capacity);
    }
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
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    ((FraudDetectionFunction) userFunction).writeBack();
  }

  @Override
  public void finish() throws Exception {
    ((FraudDetectionFunction) userFunction).writeBack();
    super.finish();
  }
}
