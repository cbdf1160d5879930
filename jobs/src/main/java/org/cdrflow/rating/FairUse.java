package org.cdrflow.rating;

import java.time.LocalDate;

/**
 * The fair-use test of docs/rating.md ("Fair use"): a subscription roaming in the EU zone outside
 * the Nordic and Baltic countries must, over the 90 days before the event date, have been at home
 * on at least half of those days. Days before the subscription started do not count, and a window
 * of fewer than 14 days is too short to judge.
 */
public final class FairUse {
  static final int WINDOW_DAYS = 90;
  static final int MIN_WINDOW_DAYS = 14;

  private FairUse() {}

  /**
   * Whether an event on {@code eventDate} carries the fair-use surcharge.
   *
   * @param validFrom Europe/Oslo date the subscription started; its own day counts
   */
  public static boolean surcharged(
      LocalDate eventDate, LocalDate validFrom, PresenceDays presence) {
    int event = Math.toIntExact(eventDate.toEpochDay());
    int from = Math.max(event - WINDOW_DAYS, Math.toIntExact(validFrom.toEpochDay()));
    int to = event - 1; // the event date itself is not in the window
    int days = to - from + 1;
    if (days < MIN_WINDOW_DAYS) {
      return false;
    }
    int present = presence == null ? 0 : presence.countPresent(from, to);
    return 2L * present < days; // exactly half is enough
  }
}
