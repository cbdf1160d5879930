package org.cdrflow.rating;

import java.time.LocalDate;

/**
 * The fair-use test of docs/rating.md ("Fair use"): a subscription roaming in the EU zone outside
 * the Nordic and Baltic countries must, over the 90 days before the event date, have been at home
 * on at least half of those days. Days before the subscription started (its earliest valid_from: a
 * plan change does not restart it) do not count, and a window of fewer than 14 days is too short to
 * judge.
 */
public final class FairUse {
  static final int WINDOW_DAYS = 90;
  static final int MIN_WINDOW_DAYS = 14;

  private FairUse() {}

  /**
   * Whether an event on {@code eventDate} carries the fair-use surcharge.
   *
   * @param subscriptionStart Europe/Oslo date the subscription started; its own day counts
   */
  public static boolean surcharged(
      LocalDate eventDate, LocalDate subscriptionStart, PresenceDays presence) {
    if (!judged(eventDate, subscriptionStart)) {
      return false;
    }
    int to = Math.toIntExact(eventDate.toEpochDay()) - 1;
    int from = windowStart(eventDate, subscriptionStart);
    int days = to - from + 1;
    int present = presence == null ? 0 : presence.countPresent(from, to);
    return 2L * present < days; // exactly half is enough
  }

  /**
   * Whether the window of an event on {@code eventDate} has the {@value #MIN_WINDOW_DAYS} days
   * needed to judge: known from the reference data alone, before any presence day is counted.
   */
  public static boolean judged(LocalDate eventDate, LocalDate subscriptionStart) {
    int to = Math.toIntExact(eventDate.toEpochDay()) - 1; // the event date is not in the window
    return to - windowStart(eventDate, subscriptionStart) + 1 >= MIN_WINDOW_DAYS;
  }

  private static int windowStart(LocalDate eventDate, LocalDate subscriptionStart) {
    return Math.max(
        Math.toIntExact(eventDate.toEpochDay()) - WINDOW_DAYS,
        Math.toIntExact(subscriptionStart.toEpochDay()));
  }
}
