package org.cdrflow.anonymisation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnonymisationCutoffTest {

  @ParameterizedTest(name = "[{index}] as of {0} -> {1} ({2})")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # as-of    | cutoff                    | why
          2026-12-01 | 2026-07-01T00:00+02:00    | SPEC example; summer time
          2026-12-31 | 2026-07-01T00:00+02:00    | last day of the month: same cutoff
          2026-12-15 | 2026-07-01T00:00+02:00    | mid-month: same cutoff
          2027-01-01 | 2026-08-01T00:00+02:00    | January: year wraps
          2027-01-31 | 2026-08-01T00:00+02:00    | January, last day
          2027-02-15 | 2026-09-01T00:00+02:00    | February: year wraps
          2027-02-28 | 2026-09-01T00:00+02:00    | February, last day
          2027-03-31 | 2026-10-01T00:00+02:00    | 1 October is still summer time
          2027-04-01 | 2026-11-01T00:00+01:00    | November: winter time
          2027-04-30 | 2026-11-01T00:00+01:00    | 30-day month, last day
          2026-05-31 | 2025-12-01T00:00+01:00    | cutoff in December
          2026-06-01 | 2026-01-01T00:00+01:00    | cutoff on New Year
          2026-08-31 | 2026-03-01T00:00+01:00    | 1 March is before the March DST change
          2026-09-01 | 2026-04-01T00:00+02:00    | 1 April is after it
          2028-07-31 | 2028-02-01T00:00+01:00    | leap year, cutoff in February
          2028-02-29 | 2027-09-01T00:00+02:00    | as-of on a leap day
          2028-03-01 | 2027-10-01T00:00+02:00    | the day after a leap day
          2029-02-28 | 2028-09-01T00:00+02:00    | non-leap February
          """)
  void cutoffIsFirstOfTheMonthFiveMonthsBackInOslo(LocalDate asOf, String expected, String why) {
    OffsetDateTime cutoff = OffsetDateTime.parse(expected);

    assertEquals(cutoff.toInstant(), AnonymisationCutoff.cutoff(asOf), why);
    ZonedDateTime zoned = AnonymisationCutoff.cutoffAt(asOf);
    assertEquals(cutoff.toLocalDateTime(), zoned.toLocalDateTime(), why);
    assertEquals(cutoff.getOffset(), zoned.getOffset(), why);
    assertEquals(AnonymisationCutoff.OSLO, zoned.getZone());
  }

  @ParameterizedTest(name = "[{index}] {1} as of {0}: before = {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # as-of    | event time                    | before cutoff
          2026-12-01 | 2026-06-30T21:59:59.999Z      | true
          2026-12-01 | 2026-06-30T22:00:00Z          | false
          2026-12-01 | 2026-06-30T22:00:00.001Z      | false
          2026-12-01 | 2026-06-30T23:59:59.999+02:00 | true
          2026-12-01 | 2026-07-01T00:00:00+02:00     | false
          2026-12-01 | 2026-06-30T23:30:00+01:00     | false
          2027-04-30 | 2026-10-31T22:59:59.999Z      | true
          2027-04-30 | 2026-10-31T23:00:00Z          | false
          2028-07-31 | 2028-01-31T22:59:59.999Z      | true
          2028-07-31 | 2028-02-01T00:00:00+01:00     | false
          """)
  void eventStrictlyBeforeTheCutoffIsOld(LocalDate asOf, String eventTime, boolean before) {
    Instant event = OffsetDateTime.parse(eventTime).toInstant();

    assertEquals(before, AnonymisationCutoff.isBeforeCutoff(event, asOf));
  }

  @Test
  void everyDayOfAMonthHasTheSameCutoff() {
    for (LocalDate day = LocalDate.of(2025, 1, 1);
        day.isBefore(LocalDate.of(2030, 1, 1));
        day = day.plusDays(1)) {
      ZonedDateTime cutoff = AnonymisationCutoff.cutoffAt(day);
      assertEquals(AnonymisationCutoff.cutoffAt(day.withDayOfMonth(1)), cutoff, day::toString);
      assertEquals(1, cutoff.getDayOfMonth());
      assertEquals(0, cutoff.getHour());
      assertEquals(0, cutoff.getMinute());
      assertEquals(day.withDayOfMonth(1).minusMonths(5), cutoff.toLocalDate(), day::toString);
    }
  }

  @ParameterizedTest(name = "[{index}] {0} -> as of {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # clock (UTC)          | as-of in Oslo
          2026-11-30T22:59:59Z | 2026-11-30
          2026-11-30T23:00:00Z | 2026-12-01
          2026-06-30T22:00:00Z | 2026-07-01
          """)
  void defaultAsOfIsTodayInOslo(Instant now, LocalDate asOf) {
    assertEquals(asOf, AnonymisationCutoff.today(Clock.fixed(now, ZoneOffset.UTC)));
  }
}
