package org.cdrflow.pipeline;

/** A change of one audit counter in one hour of processing; summed per hour by the audit stage. */
public class AuditEvent {
  public static final long HOUR_MS = 3_600_000L;

  /** Start of the processing hour, epoch millis (UTC). */
  public long hour;

  public AuditCounter counter;

  /** The reject reason for REJECTED; null otherwise. */
  public String reason;

  public long count;

  public AuditEvent() {}

  public static AuditEvent of(AuditCounter counter, long count, long processingTimeMillis) {
    return of(counter, null, count, processingTimeMillis);
  }

  public static AuditEvent of(
      AuditCounter counter, String reason, long count, long processingTimeMillis) {
    AuditEvent e = new AuditEvent();
    e.hour = processingTimeMillis - Math.floorMod(processingTimeMillis, HOUR_MS);
    e.counter = counter;
    e.reason = reason;
    e.count = count;
    return e;
  }
}
