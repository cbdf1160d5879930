package org.cdrflow.pipeline;

import java.io.Serializable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deliberate failure for recovery tests: the job fails once, in this JVM, after it has mediated
 * {@code afterRecords} records, and must then recover from its last checkpoint with the same final
 * tables as a run without failure. Off unless the configuration key {@code
 * testing.fail-once-after-records} is set (README, Configuration).
 */
public final class InjectedFault implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ConcurrentHashMap<String, AtomicLong> SEEN = new ConcurrentHashMap<>();

  private final long afterRecords;
  private final String token;

  public InjectedFault(long afterRecords, String token) {
    this.afterRecords = afterRecords;
    this.token = token;
  }

  /** Throws exactly once per token, when the JVM-wide count of records passes the threshold. */
  void onRecord() {
    if (afterRecords <= 0) {
      return;
    }
    AtomicLong seen = SEEN.computeIfAbsent(token, t -> new AtomicLong());
    long n = seen.incrementAndGet();
    if (n == afterRecords) {
      throw new InjectedFailureException(
          "injected failure after " + afterRecords + " records (testing.fail-once-after-records)");
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
