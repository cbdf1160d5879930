package org.cdrflow.cli;

import java.time.LocalDate;
import java.time.YearMonth;

/**
 * The days the demo's feed covers: the whole days of the current month up to today (Europe/Oslo),
 * so that its lines lie in the open billing period a billing reader expects, not in a month that is
 * closed and billed late (docs/rating.md, "Late lines"); none lies in the future, which mediation
 * would reject. On the first of a month, which has no whole day yet, the previous month.
 *
 * @param start first day
 * @param days whole days from {@code start}, the last ending at 00:00 of today at the latest
 */
record DemoFeedWindow(LocalDate start, int days) {

  static DemoFeedWindow endingBefore(LocalDate today) {
    if (today.getDayOfMonth() > 1) {
      return new DemoFeedWindow(today.withDayOfMonth(1), today.getDayOfMonth() - 1);
    }
    YearMonth previous = YearMonth.from(today).minusMonths(1);
    return new DemoFeedWindow(previous.atDay(1), previous.lengthOfMonth());
  }

  /** The billing month of the window's lines (every day lies in it). */
  YearMonth month() {
    return YearMonth.from(start);
  }
}
