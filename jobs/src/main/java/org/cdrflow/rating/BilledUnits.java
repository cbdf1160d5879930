package org.cdrflow.rating;

import org.cdrflow.reference.Service;

/**
 * How much of a service an event bills (docs/rating.md, "Units"): seconds of voice rounded up to
 * the rate's charging intervals, one per SMS, whole kilobytes of data rounded up.
 */
public final class BilledUnits {
  /** Billed seconds per priced minute. */
  public static final long SECONDS_PER_MINUTE = 60;

  /** Billed kilobytes (of 1000 bytes) per priced megabyte. */
  public static final long KB_PER_MB = 1000;

  private static final long BYTES_PER_KB = 1000;

  private BilledUnits() {}

  /**
   * Billed seconds of a call of {@code durationSeconds}: the first interval F as a whole, then
   * whole next intervals N. A null interval means per-second billing (zones without intervals).
   */
  public static long voiceSeconds(
      long durationSeconds, Integer firstInterval, Integer nextInterval) {
    if (durationSeconds <= 0) {
      return 0;
    }
    long first = firstInterval == null || firstInterval < 0 ? 1 : firstInterval;
    // A zero or missing next interval would divide by zero: it bills per second after F.
    long next = nextInterval == null || nextInterval <= 0 ? 1 : nextInterval;
    if (durationSeconds <= first) {
      return first;
    }
    long rest = durationSeconds - first;
    return first + ceilDiv(rest, next) * next;
  }

  /** Billed kilobytes of a data record: uplink + downlink bytes, rounded up to whole kB. */
  public static long dataKb(long volumeBytes) {
    return volumeBytes <= 0 ? 0 : ceilDiv(volumeBytes, BYTES_PER_KB);
  }

  /** How many billed units one priced unit of {@code service} is (price per minute/SMS/MB). */
  public static long perPricedUnit(Service service) {
    return switch (service) {
      case VOICE -> SECONDS_PER_MINUTE;
      case SMS -> 1;
      case DATA -> KB_PER_MB;
    };
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
