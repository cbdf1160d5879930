package org.cdrflow.anonymisation;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import org.cdrflow.reference.OsloCalendar;

/**
 * The cutoff of a monthly anonymisation run (docs/anonymisation.md, "When"): 00:00 Europe/Oslo on
 * the first day of the month five months before the as-of month. As of any day of December 2026 the
 * cutoff is 2026-07-01T00:00+02:00; an event strictly before it is old enough to be anonymised
 * (once its invoice is paid), and one arriving later is rejected {@code TOO_OLD}.
 *
 * <p>Whole calendar months in Oslo time, not "150 days": the rule talks of calendar months, the
 * billing periods are Oslo calendar months, and so every event of a billing period crosses the
 * cutoff in the same run. The offset follows Oslo's DST at the cutoff itself (+01:00 in winter
 * months, +02:00 in summer months); midnight is never inside a DST gap in Oslo (the clocks change
 * at 02:00/03:00), so the start of the day is always 00:00.
 */
public final class AnonymisationCutoff {

  /** The operator's time zone: billing periods and the cutoff are calendar months in it. */
  public static final ZoneId OSLO = OsloCalendar.ZONE;

  /** Information older than this many calendar months is anonymised (R2). */
  public static final int RETENTION_MONTHS = 5;

  private AnonymisationCutoff() {}

  /** The cutoff as an instant: compare event times with it ({@code event < cutoff} is old). */
  public static Instant cutoff(LocalDate asOf) {
    return cutoffAt(asOf).toInstant();
  }

  /** The cutoff in Oslo time, e.g. {@code 2026-07-01T00:00+02:00[Europe/Oslo]}. */
  public static ZonedDateTime cutoffAt(LocalDate asOf) {
    Objects.requireNonNull(asOf, "asOf");
    return asOf.withDayOfMonth(1).minusMonths(RETENTION_MONTHS).atStartOfDay(OSLO);
  }

  /**
   * True when an event at {@code eventTime} lies before the cutoff of a run as of {@code asOf}:
   * strictly before, so an event exactly at the cutoff is kept.
   */
  public static boolean isBeforeCutoff(Instant eventTime, LocalDate asOf) {
    Objects.requireNonNull(eventTime, "eventTime");
    return eventTime.isBefore(cutoff(asOf));
  }

  /** The default as-of date of {@code cdrflow anonymise}: today in Europe/Oslo. */
  public static LocalDate today(Clock clock) {
    return LocalDate.now(clock.withZone(OSLO));
  }
}
