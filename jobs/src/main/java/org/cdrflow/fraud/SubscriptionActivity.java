package org.cdrflow.fraud;

import java.util.Arrays;

/**
 * What detection remembers of one subscription (docs/fraud.md, "State"): the recent events that a
 * sliding-window rule may count (time, seconds, amount, a hash of the other number, marks), the
 * running totals of the current Europe/Oslo day, the chargeable amount of each of the last 30 days,
 * and until when each rule has already alerted. A Flink POJO: public fields, primitive arrays, no
 * numbers.
 */
public class SubscriptionActivity {
  static final byte OUTGOING_VOICE = 1;
  static final byte HIGH_RISK = 2;
  static final byte PREMIUM = 4;
  static final byte ROAMING = 8;
  static final byte BLOCKED = 16;

  static final int HISTORY_DAYS = 30;

  /** Of the latest event, for alerts raised by a timer. */
  public String accountId;

  public String planId;

  /** Recent events (sliding windows), in event-time order; {@code size} are used. */
  public long[] times = new long[0];

  public int[] seconds = new int[0];
  public int[] amountsOre = new int[0];
  public int[] numbers = new int[0];
  public byte[] marks = new byte[0];
  public int size;

  /** The Oslo day (epoch day) the day totals are for; -1 = none yet. */
  public int day = -1;

  public int dayEvents;
  public int dayOutgoingCalls;
  public int dayIncoming;
  public int dayData;
  public long dayAmountOre;
  public int daySeconds;
  public long dayFirst;
  public long dayLast;

  /** Distinct hashes of numbers called today, kept only up to the largest SIM_BOX threshold. */
  public int[] dayNumbers = new int[0];

  public int dayNumberCount;

  /** Chargeable amount (øre) of each of the last days, by epoch day modulo 30. */
  public int[] dailyOre = new int[0];

  /** The last day written into {@code dailyOre}; -1 = none. */
  public int historyDay = -1;

  /** First Oslo day seen (the history's age); -1 = none. */
  public int firstDay = -1;

  /** Rule ids that alerted, and the end of the window they alerted for. */
  public String[] alertedRules = new String[0];

  public long[] alertedUntil = new long[0];

  /** When the pending retirement timer fires (event time); 0 = none pending. */
  public long retireAt;

  public SubscriptionActivity() {}

  void add(long time, int secs, long amountOre, int number, byte mark) {
    if (size == times.length) {
      int n = Math.max(4, size * 2);
      times = Arrays.copyOf(times, n);
      seconds = Arrays.copyOf(seconds, n);
      amountsOre = Arrays.copyOf(amountsOre, n);
      numbers = Arrays.copyOf(numbers, n);
      marks = Arrays.copyOf(marks, n);
    }
    // Rated lines arrive in event-time order; one rated late goes to its place.
    int at = size;
    while (at > 0 && times[at - 1] > time) {
      at--;
    }
    if (at < size) {
      System.arraycopy(times, at, times, at + 1, size - at);
      System.arraycopy(seconds, at, seconds, at + 1, size - at);
      System.arraycopy(amountsOre, at, amountsOre, at + 1, size - at);
      System.arraycopy(numbers, at, numbers, at + 1, size - at);
      System.arraycopy(marks, at, marks, at + 1, size - at);
    }
    times[at] = time;
    seconds[at] = secs;
    amountsOre[at] = (int) Math.min(Integer.MAX_VALUE, amountOre);
    numbers[at] = number;
    marks[at] = mark;
    size++;
  }

  /** Forgets recent events at or before {@code time}. */
  void forgetUntil(long time) {
    int drop = 0;
    while (drop < size && times[drop] <= time) {
      drop++;
    }
    if (drop == 0) {
      return;
    }
    int keep = size - drop;
    System.arraycopy(times, drop, times, 0, keep);
    System.arraycopy(seconds, drop, seconds, 0, keep);
    System.arraycopy(amountsOre, drop, amountsOre, 0, keep);
    System.arraycopy(numbers, drop, numbers, 0, keep);
    System.arraycopy(marks, drop, marks, 0, keep);
    size = keep;
    if (size == 0) {
      times = new long[0];
      seconds = new int[0];
      amountsOre = new int[0];
      numbers = new int[0];
      marks = new byte[0];
    }
  }

  long alertedUntil(String ruleId) {
    for (int i = 0; i < alertedRules.length; i++) {
      if (alertedRules[i].equals(ruleId)) {
        return alertedUntil[i];
      }
    }
    return Long.MIN_VALUE;
  }

  void alerted(String ruleId, long until) {
    for (int i = 0; i < alertedRules.length; i++) {
      if (alertedRules[i].equals(ruleId)) {
        alertedUntil[i] = until;
        return;
      }
    }
    alertedRules = Arrays.copyOf(alertedRules, alertedRules.length + 1);
    alertedUntil = Arrays.copyOf(alertedUntil, alertedUntil.length + 1);
    alertedRules[alertedRules.length - 1] = ruleId;
    alertedUntil[alertedUntil.length - 1] = until;
  }

  /** Drops alert marks whose window ended at or before {@code time}. */
  void forgetAlertsUntil(long time) {
    int keep = 0;
    for (int i = 0; i < alertedRules.length; i++) {
      if (alertedUntil[i] > time) {
        alertedRules[keep] = alertedRules[i];
        alertedUntil[keep] = alertedUntil[i];
        keep++;
      }
    }
    if (keep < alertedRules.length) {
      alertedRules = Arrays.copyOf(alertedRules, keep);
      alertedUntil = Arrays.copyOf(alertedUntil, keep);
    }
  }

  /** Adds a called number to today's distinct set, up to {@code cap} numbers. */
  void dayNumber(int hash, int cap) {
    if (dayNumberCount >= cap) {
      return;
    }
    for (int i = 0; i < dayNumberCount; i++) {
      if (dayNumbers[i] == hash) {
        return;
      }
    }
    if (dayNumberCount == dayNumbers.length) {
      dayNumbers = Arrays.copyOf(dayNumbers, Math.min(cap, Math.max(8, dayNumberCount * 2)));
    }
    dayNumbers[dayNumberCount++] = hash;
  }

  /** Whether nothing is left worth keeping. */
  boolean isEmpty() {
    return size == 0 && day < 0 && alertedRules.length == 0 && firstDay < 0;
  }
}
