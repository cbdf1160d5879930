package org.cdrflow.anonymisation;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A half month of event dates, [1st, 16th) or [16th, 1st of the next month): the unit by which
 * invoice_line and settlement_call are partitioned, and which the anonymisation can write anew in
 * one piece (docs/anonymisation.md, "Half-month partitions"). The same rule as the database
 * functions {@code cdrflow_half_month_start} and {@code cdrflow_half_month_end}.
 *
 * @param firstDay the 1st or the 16th of a month
 */
public record HalfMonth(LocalDate firstDay) implements Serializable {
  private static final long serialVersionUID = 1L;

  public HalfMonth {
    Objects.requireNonNull(firstDay, "firstDay");
    if (firstDay.getDayOfMonth() != 1 && firstDay.getDayOfMonth() != 16) {
      throw new IllegalArgumentException("a half month starts on the 1st or the 16th: " + firstDay);
    }
  }

  /** The first day after it (exclusive end). */
  public LocalDate end() {
    return firstDay.getDayOfMonth() == 1
        ? firstDay.withDayOfMonth(16)
        : firstDay.withDayOfMonth(1).plusMonths(1);
  }

  /** Local midnight (Europe/Oslo) at its first day: the first event start it holds. */
  public Instant from() {
    return firstDay.atStartOfDay(AnonymisationCutoff.OSLO).toInstant();
  }

  /** Local midnight at its end: the first event start after it. */
  public Instant until() {
    return end().atStartOfDay(AnonymisationCutoff.OSLO).toInstant();
  }

  /** Whether every event start it holds lies before {@code cutoff}. */
  public boolean endsBy(Instant cutoff) {
    return !until().isAfter(cutoff);
  }
}
