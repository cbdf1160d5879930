package org.cdrflow.pipeline;

import java.io.Serializable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberate failure for recovery tests: once the job has mediated {@code afterRecords} records
 * and a checkpoint has completed after that, the next record fails the job, once per JVM. It must
 * then recover from that checkpoint, in the middle of the feed, with the same final tables as a run
 * without failure. Off unless the configuration key {@code testing.fail-once-after-records} is set
 * (README, Configuration).
 */
public final class InjectedFault implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ConcurrentHashMap<String, Progress> PROGRESS = new ConcurrentHashMap<>();

  private final long afterRecords;
  private final String token;

  private static final class Progress {
    final AtomicLong records = new AtomicLong();
    volatile boolean checkpointedAfterThreshold;
    final AtomicBoolean fired = new AtomicBoolean();
  }

  public InjectedFault(long afterRecords, String token) {
    this.afterRecords = afterRecords;
    this.token = token;
  }

  private Progress progress() {
    return PROGRESS.computeIfAbsent(token, t -> new Progress());
  }

  /** Throws exactly once per token: on the first record after the armed checkpoint. */
  void onRecord() {
    if (afterRecords <= 0) {
      return;
    }
    Progress p = progress();
    p.records.incrementAndGet();
    if (p.checkpointedAfterThreshold && p.fired.compareAndSet(false, true)) {
      throw new InjectedFailureException(
          "injected failure after "
              + p.records.get()
              + " records, after a checkpoint (testing.fail-once-after-records)");
    }
  }

  void onCheckpointComplete() {
    if (afterRecords > 0) {
      Progress p = progress();
      if (p.records.get() >= afterRecords) {
        p.checkpointedAfterThreshold = true;
      }
    }
  }

  /** Thrown on purpose; the job's restart strategy recovers from the last checkpoint. */
  public static final class InjectedFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFailureException(String message) {
      super(message);
    }
  }
}
