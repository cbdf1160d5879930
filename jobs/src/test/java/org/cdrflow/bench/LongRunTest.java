package org.cdrflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.junit.jupiter.api.Test;

/**
 * The pieces of the bench's long run (docs/benchmarks.md, "Long run: state over twelve months").
 */
class LongRunTest {

  @Test
  void theJobsProcessingTimeWindowsAreScaledToTheCompressedClock() {
    Map<String, String> job = LongRun.compressedClock(CdrflowConfig.defaults());
    // A month in 30 s: 7 days of duplicates in about 7 s, the daily end check about every second.
    Duration dedup = Duration.parse(job.get(CdrflowConfig.DEDUP_WINDOW));
    Duration check = Duration.parse(job.get(CdrflowConfig.STATE_END_CHECK_INTERVAL));
    assertTrue(dedup.toMillis() > 6_800 && dedup.toMillis() < 7_000, dedup.toString());
    assertTrue(check.toMillis() > 980 && check.toMillis() < 1_000, check.toString());
    assertEquals("PT0.1S", LongRun.compressed(Duration.ofSeconds(1)), "at least 100 ms");
    assertEquals("2", job.get(CdrflowConfig.TOPIC_RAW_PARTITIONS));
  }

  @Test
  void theDefaultSizeIsTwoRecordsPerSubscriptionAndDayOverTwelveMonths() {
    LongRun.Settings s =
        new LongRun.Settings(
            0,
            5_000,
            0.02,
            42,
            LocalDate.of(2025, 11, 17),
            Path.of("w"),
            Path.of("o"),
            CdrflowConfig.defaults(),
            Duration.ofMinutes(30));
    assertEquals(LocalDate.of(2025, 11, 1), s.firstDay(), "whole months");
    assertEquals(5_000L * 2 * 365, s.recordsInAll());
    assertEquals(
        123,
        new LongRun.Settings(123, 5, 0, 1, s.start(), s.workDir(), s.out(), s.config(), s.timeout())
            .recordsInAll());
  }

  @Test
  void growthIsASlopeAboveTenPercentOfTheMeanOverTheLastSixMonths() {
    record Case(List<Double> perSubscription, boolean grows) {}
    for (Case c :
        List.of(
            new Case(List.of(600.0, 610.0, 590.0, 605.0, 600.0, 598.0), false), // flat, noise
            new Case(List.of(600.0, 580.0, 560.0, 540.0, 520.0, 500.0), false), // shrinking
            new Case(List.of(600.0, 615.0, 630.0, 645.0, 660.0, 675.0), true), // +12.5 % in 5
            new Case(List.of(600.0, 610.0, 620.0, 630.0, 640.0, 650.0), false))) { // +8 %
      assertEquals(c.grows(), LongRun.grows(c.perSubscription()), c.toString());
    }
    assertFalse(LongRun.growsAfterSixMonths(List.of()), "too few months to tell");
  }
}
