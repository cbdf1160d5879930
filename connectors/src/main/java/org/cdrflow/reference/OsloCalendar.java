package org.cdrflow.reference;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;

/**
 * The one time zone of the product: billing periods, event dates, presence days, settlement days
 * and the anonymisation cutoff are Europe/Oslo calendar months and days. Instants stay UTC.
 */
public final class OsloCalendar {
  public static final ZoneId ZONE = ZoneId.of("Europe/Oslo");

  private OsloCalendar() {}

  /**
   * A day written {@code yyyy-MM-dd}, read digit by digit ({@link LocalDate#of} still checks the
   * day): every invoice line and settlement row carries one, and the formatter's parser cost more
   * than the rest of a row. Any other spelling goes through {@link LocalDate#parse}.
   */
  public static LocalDate isoDate(String text) {
    if (text.length() == 10 && text.charAt(4) == '-' && text.charAt(7) == '-') {
      int y = digits(text, 0, 4);
      int m = digits(text, 5, 7);
      int d = digits(text, 8, 10);
      if (y >= 0 && m >= 0 && d >= 0) {
        return LocalDate.of(y, m, d);
      }
    }
    return LocalDate.parse(text);
  }

  /**
   * A month written {@code yyyy-MM} (a usage or billing period) as months since year 0, read digit
   * by digit: the snapshot of every rating ledger writes its periods this way. Any other spelling
   * goes through {@link YearMonth#parse}.
   */
  public static long monthIndex(String period) {
    if (period.length() == 7 && period.charAt(4) == '-') {
      int y = digits(period, 0, 4);
      int m = digits(period, 5, 7);
      if (y >= 0 && m >= 1 && m <= 12) {
        return y * 12L + m - 1;
      }
    }
    YearMonth ym = YearMonth.parse(period);
    return ym.getYear() * 12L + ym.getMonthValue() - 1;
  }

  /** The month of a {@link #monthIndex}. */
  public static YearMonth monthOf(long monthIndex) {
    return YearMonth.of(
        (int) Math.floorDiv(monthIndex, 12), (int) Math.floorMod(monthIndex, 12) + 1);
  }

  /** The decimal number in {@code s[from, to)}, or -1 if a character is not a digit. */
  private static int digits(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
