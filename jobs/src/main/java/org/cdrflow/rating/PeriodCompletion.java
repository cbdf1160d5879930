package org.cdrflow.rating;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Optional;

/**
 * When the streaming job may call a billing period complete (docs/interfaces.md, "Period
 * readiness"): once its event time (watermark) has passed the period's end (Europe/Oslo) plus the
 * lateness it accepts ({@code period.lateness}). Plain Java; the operator that acts on it is {@code
 * PeriodReadinessOperator}.
 */
public final class PeriodCompletion {
  private static final ZoneId OSLO = ZoneId.of("Europe/Oslo");

  private PeriodCompletion() {}

  /**
   * The latest period whose end plus {@code lateness} is at or before {@code watermarkMillis};
   * empty for the watermarks that are not event time (before the first record, end of input).
   */
  public static Optional<YearMonth> lastPassedPeriod(long watermarkMillis, Duration lateness) {
    if (watermarkMillis == Long.MIN_VALUE || watermarkMillis == Long.MAX_VALUE) {
      return Optional.empty();
    }
    Instant t = Instant.ofEpochMilli(watermarkMillis).minus(lateness);
    return Optional.of(YearMonth.from(t.atZone(OSLO)).minusMonths(1));
  }

  /** The instant a period ends: the first moment of the next month in Europe/Oslo. */
  public static Instant endOf(YearMonth period) {
    return period.plusMonths(1).atDay(1).atStartOfDay(OSLO).toInstant();
  }
}
