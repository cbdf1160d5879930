package org.cdrflow.rating;

import java.time.LocalDate;

/**
 * The days a subscription was seen at home, for fair use (docs/rating.md, "Fair use"): a
 * Europe/Oslo date with at least one rated event at home.
 *
 * <p>Fair use looks at the 90 days before an event, so only a sliding range of {@value #DAYS} days
 * ending at the newest day recorded is kept, as a bitset: that leaves room for events that arrive
 * up to {@value #DAYS} − 91 days after newer ones. A day older than the range is not recorded. When
 * the range slides past a recorded day that day is forgotten; from then on days before the range
 * are counted as present, because the job can no longer tell and a surcharge must not rest on
 * missing data.
 *
 * <p>A Flink POJO of about 45 bytes serialised (public no-argument constructor, public fields).
 */
public class PresenceDays {
  /** Days kept: 4 longs of bits. */
  public static final int DAYS = 256;

  /** Epoch day (days since 1970-01-01) of bit 0; meaningful once {@link #bits} is set. */
  public int firstDay;

  /** Bit i = present on day {@code firstDay + i}; null until the first day is recorded. */
  public long[] bits;

  /** A recorded day slid out of the range: days before {@link #firstDay} are unknown. */
  public boolean forgotten;

  public PresenceDays() {}

  public void record(LocalDate day) {
    record(Math.toIntExact(day.toEpochDay()));
  }

  /** Records a day at home (idempotent). */
  public void record(int epochDay) {
    if (bits == null) {
      bits = new long[DAYS / 64];
      firstDay = epochDay - (DAYS - 1);
    }
    int lastDay = firstDay + DAYS - 1;
    if (epochDay > lastDay) {
      slide(epochDay - lastDay);
    }
    int i = epochDay - firstDay;
    if (i < 0) {
      return; // older than the kept range: no window that the range still serves needs it
    }
    bits[i >>> 6] |= 1L << (i & 63);
  }

  /** Whether {@code epochDay} counts as a day at home. */
  public boolean isPresent(int epochDay) {
    if (bits == null) {
      return false;
    }
    int i = epochDay - firstDay;
    if (i < 0) {
      return forgotten;
    }
    if (i >= DAYS) {
      return false;
    }
    return (bits[i >>> 6] & (1L << (i & 63))) != 0;
  }

  /** Days at home from {@code fromDay} to {@code toDay}, both included. */
  public int countPresent(int fromDay, int toDay) {
    int n = 0;
    for (int d = fromDay; d <= toDay; d++) {
      if (isPresent(d)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Moves the range {@code days} later: bit {@code i + days} becomes bit {@code i}, word by word.
   */
  private void slide(int days) {
    int words = bits.length;
    int wordShift = Math.min(days, DAYS) >>> 6;
    int bitShift = days & 63;
    for (int w = 0; w < wordShift; w++) {
      forgotten |= bits[w] != 0;
    }
    if (days < DAYS && bitShift != 0) {
      forgotten |= (bits[wordShift] & ((1L << bitShift) - 1)) != 0;
    }
    long[] moved = new long[words];
    for (int j = 0; days < DAYS && j + wordShift < words; j++) {
      int from = j + wordShift;
      long low = bits[from] >>> bitShift;
      long high = bitShift != 0 && from + 1 < words ? bits[from + 1] << (64 - bitShift) : 0;
      moved[j] = low | high;
    }
    bits = moved;
    firstDay += days;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("PresenceDays{");
    if (bits != null) {
      for (int i = 0; i < DAYS; i++) {
        if (isPresent(firstDay + i)) {
          sb.append(LocalDate.ofEpochDay(firstDay + i)).append(' ');
        }
      }
    }
    return sb.append("forgotten=").append(forgotten).append('}').toString();
  }
}
