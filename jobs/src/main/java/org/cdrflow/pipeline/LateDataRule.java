package org.cdrflow.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Optional;
import org.cdrflow.rating.PresenceDays;

/**
 * When keyed state can end (docs/architecture.md, "State that ends"). Late records are rated and
 * settled whenever they arrive, on their own day and period; the only limit is the cutoff of the
 * latest anonymisation run, before which mediation rejects a record as TOO_OLD. A day, period or
 * presence range that a record at or after the cutoff can no longer touch, and that the watermark
 * has passed, is final: its state can go, and no record can bring it back as a partial value.
 * Without an anonymisation run nothing is final by this rule (a late record could still land).
 *
 * <p>Plain rules over times, no Flink types; the operators call them from a processing-time check.
 */
public final class LateDataRule {
  private LateDataRule() {}

  private static final ZoneId OSLO = ZoneId.of("Europe/Oslo");

  /**
   * How long before the cutoff a day must end to count as final: covers records that passed the
   * cutoff check in mediation just before the cutoff moved and are still on their way (held for the
   * watermark, buffered as partials).
   */
  public static final Duration IN_FLIGHT_MARGIN = Duration.ofDays(1);

  /** How long after its end an audit hour is kept (audit hours are processing hours). */
  public static final Duration AUDIT_HOUR_KEPT = Duration.ofDays(1);

  /** The days before an event that fair use reads (docs/rating.md, "Fair use"). */
  static final int FAIR_USE_DAYS = 90;

  /** A {@code settlement_daily} day (Europe/Oslo) can no longer change. */
  public static boolean settlementDayIsFinal(
      LocalDate day, long watermark, Optional<Instant> cutoff) {
    return isFinal(day.plusDays(1).atStartOfDay(OSLO).toInstant(), watermark, cutoff);
  }

  /** No event of usage period {@code period} (a Europe/Oslo month) can be rated any more. */
  public static boolean usagePeriodIsFinal(
      YearMonth period, long watermark, Optional<Instant> cutoff) {
    return isFinal(period.plusMonths(1).atDay(1).atStartOfDay(OSLO).toInstant(), watermark, cutoff);
  }

  /**
   * No event that can still be rated reads these presence days: fair use reads the {@value
   * #FAIR_USE_DAYS} days before an event, and the newest day recorded is older than that for every
   * event at or after the cutoff. Empty presence is final.
   */
  public static boolean presenceIsFinal(
      PresenceDays presence, long watermark, Optional<Instant> cutoff) {
    if (presence.bits == null) {
      return true;
    }
    LocalDate newest = LocalDate.ofEpochDay(presence.firstDay + PresenceDays.DAYS - 1L);
    return isFinal(
        newest.plusDays(1 + FAIR_USE_DAYS).atStartOfDay(OSLO).toInstant(), watermark, cutoff);
  }

  /** A processing hour of {@code mediation_audit} gets no more events. */
  public static boolean auditHourIsFinal(long hourStartMillis, long now) {
    return hourStartMillis + Duration.ofHours(1).toMillis() + AUDIT_HOUR_KEPT.toMillis() <= now;
  }

  /** Nothing before {@code end} can change any more. */
  private static boolean isFinal(Instant end, long watermark, Optional<Instant> cutoff) {
    return end.toEpochMilli() <= watermark
        && cutoff.isPresent()
        && !end.plus(IN_FLIGHT_MARGIN).isAfter(cutoff.get());
  }
}
