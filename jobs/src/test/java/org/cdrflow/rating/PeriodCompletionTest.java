package org.cdrflow.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeriodCompletionTest {

  @ParameterizedTest(name = "watermark {0}, lateness {1} -> {2}")
  @CsvSource({
    // September ends 2026-10-01T00:00 Oslo = 2026-09-30T22:00Z.
    "2026-09-30T22:59:59.999Z, PT1H, 2026-08",
    "2026-09-30T23:00:00Z, PT1H, 2026-09", // end + lateness exactly: passed
    "2026-10-03T21:59:59.999Z, P3D, 2026-08",
    "2026-10-03T22:00:00Z, P3D, 2026-09",
    // March ends 2026-04-01T00:00 Oslo (summer time) = 2026-03-31T22:00Z.
    "2026-03-31T22:00:00Z, PT0S, 2026-03",
    "2026-03-31T21:59:59Z, PT0S, 2026-02",
    // January ends 2026-02-01T00:00 Oslo (winter time) = 2026-01-31T23:00Z.
    "2026-01-31T23:00:00Z, PT0S, 2026-01",
    "2026-01-31T22:59:59Z, PT0S, 2025-12",
  })
  void aPeriodIsPassedOnceTheWatermarkReachesItsEndPlusTheLateness(
      String watermark, String lateness, String expected) {
    assertEquals(
        Optional.of(YearMonth.parse(expected)),
        PeriodCompletion.lastPassedPeriod(
            Instant.parse(watermark).toEpochMilli(), Duration.parse(lateness)));
  }

  @Test
  void watermarksThatAreNotEventTimePassNothing() {
    assertEquals(
        Optional.empty(), PeriodCompletion.lastPassedPeriod(Long.MIN_VALUE, Duration.ofHours(1)));
    // The end of a bounded input, or a drain: not the event time of any record.
    assertEquals(
        Optional.empty(), PeriodCompletion.lastPassedPeriod(Long.MAX_VALUE, Duration.ofHours(1)));
  }

  @Test
  void theEndOfAPeriodIsOsloMidnight() {
    assertEquals(
        Instant.parse("2026-09-30T22:00:00Z"), PeriodCompletion.endOf(YearMonth.of(2026, 9)));
    assertEquals(
        Instant.parse("2026-12-31T23:00:00Z"), PeriodCompletion.endOf(YearMonth.of(2026, 12)));
  }
}
