package org.cdrflow.generate;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import org.cdrflow.reference.OsloCalendar;

/**
 * What {@link FeedGenerator} makes: how many feed records, for how many subscribers, from which
 * seed, over which days. The same settings always give the same bytes.
 *
 * @param records feed records to write, exactly (partials, duplicates and malformed lines included)
 * @param subscribers subscriptions to create in {@code subscription.csv}
 * @param seed the only source of randomness
 * @param start first day of the feed, a local date in Europe/Oslo
 * @param days how many days the event times are spread over, from 00:00 of {@code start}
 * @param homeOperatorId our own operator in {@code number_range.csv}: subscriber numbers are taken
 *     from its mobile ranges
 * @param churnPerMonth share of the subscriptions that leave in each month of the feed, and of new
 *     ones that join (0 = none, the default; see {@link SubscriberBase}). With churn off the output
 *     is the same, byte for byte, as before churn existed.
 */
public record GeneratorSettings(
    long records,
    int subscribers,
    long seed,
    LocalDate start,
    int days,
    String homeOperatorId,
    double churnPerMonth) {

  /** Fixed rather than "last month", so that a seed alone pins the output. */
  public static final LocalDate DEFAULT_START = LocalDate.of(2026, 10, 1);

  public static final int DEFAULT_DAYS = 30;
  public static final String DEFAULT_HOME_OPERATOR = "HOME";

  /** A mobile operator's usual churn: about 2 % of the subscriptions leave a month. */
  public static final double TYPICAL_CHURN_PER_MONTH = 0.02;

  /** Local dates and months of the feed are Oslo's, as for billing periods. */
  public static final ZoneId OSLO = OsloCalendar.ZONE;

  public GeneratorSettings {
    if (records < 1) {
      throw new IllegalArgumentException("records must be at least 1");
    }
    if (subscribers < 1) {
      throw new IllegalArgumentException("subscribers must be at least 1");
    }
    if (subscribers > 5_000_000) {
      throw new IllegalArgumentException("subscribers must be at most 5000000");
    }
    if (start == null) {
      throw new IllegalArgumentException("start is required");
    }
    if (days < 1 || days > 366) {
      throw new IllegalArgumentException("days must be between 1 and 366");
    }
    if (homeOperatorId == null || homeOperatorId.isBlank()) {
      throw new IllegalArgumentException("homeOperatorId is required");
    }
    if (!(churnPerMonth >= 0 && churnPerMonth <= 0.5)) {
      throw new IllegalArgumentException("churnPerMonth must be between 0 and 0.5");
    }
  }

  /** Without churn. */
  public GeneratorSettings(
      long records, int subscribers, long seed, LocalDate start, int days, String homeOperatorId) {
    this(records, subscribers, seed, start, days, homeOperatorId, 0);
  }

  /** Default start, days and home operator. */
  public static GeneratorSettings of(long records, int subscribers, long seed) {
    return new GeneratorSettings(
        records, subscribers, seed, DEFAULT_START, DEFAULT_DAYS, DEFAULT_HOME_OPERATOR);
  }

  public GeneratorSettings withStart(LocalDate newStart) {
    return new GeneratorSettings(
        records, subscribers, seed, newStart, days, homeOperatorId, churnPerMonth);
  }

  public GeneratorSettings withDays(int newDays) {
    return new GeneratorSettings(
        records, subscribers, seed, start, newDays, homeOperatorId, churnPerMonth);
  }

  public GeneratorSettings withHomeOperatorId(String operatorId) {
    return new GeneratorSettings(
        records, subscribers, seed, start, days, operatorId, churnPerMonth);
  }

  /** The same with {@code share} of the subscriptions leaving and as many joining each month. */
  public GeneratorSettings withChurn(double share) {
    return new GeneratorSettings(records, subscribers, seed, start, days, homeOperatorId, share);
  }

  /** 00:00 Europe/Oslo of the first day. */
  public Instant startInstant() {
    return start.atStartOfDay(OSLO).toInstant();
  }

  /** 00:00 Europe/Oslo of the day after the last; every event time is before it. */
  public Instant endInstant() {
    return start.plusDays(days).atStartOfDay(OSLO).toInstant();
  }
}
