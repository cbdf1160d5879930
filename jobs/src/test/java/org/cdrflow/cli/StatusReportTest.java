package org.cdrflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code cdrflow status} calls a matter for a human (docs/operations.md). */
class StatusReportTest {
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
  private static final Duration MAX_AGE = Duration.ofMinutes(15);

  private static final StatusReport.Job RUNNING =
      new StatusReport.Job("http://127.0.0.1:8081", "RUNNING", NOW.minusSeconds(60), 0, 5L, 0L);
  private static final StatusReport.Audit BALANCED = new StatusReport.Audit(100, 100);
  private static final StatusReport.AnonymisationRun DECEMBER =
      new StatusReport.AnonymisationRun(
          LocalDate.parse("2026-12-01"), "COMPLETED", NOW.minusSeconds(86400 * 6), NOW, 10);

  private static StatusReport report(
      StatusReport.Job job,
      StatusReport.Audit audit,
      Map<String, Long> fraud,
      StatusReport.AnonymisationRun run,
      boolean pending) {
    return new StatusReport(job, 0L, audit, Map.of("NO_RATE", 2L), fraud, run, pending);
  }

  @Test
  void eachCaseNeedsAHumanOrNot() {
    Object[][] cases = {
      {"all well", report(RUNNING, BALANCED, null, DECEMBER, true), null},
      {"no job known: nothing to say about it", report(null, BALANCED, null, DECEMBER, true), null},
      {
        "job failed",
        report(
            new StatusReport.Job("u", "FAILED", NOW, 0, null, null),
            BALANCED,
            null,
            DECEMBER,
            true),
        "the streaming job is FAILED"
      },
      {
        "job restarting",
        report(
            new StatusReport.Job("u", "RESTARTING", NOW, 0, null, null),
            BALANCED,
            null,
            DECEMBER,
            true),
        "the streaming job is RESTARTING"
      },
      {
        "old checkpoint",
        report(
            new StatusReport.Job("u", "RUNNING", NOW.minus(Duration.ofMinutes(16)), 0, 1L, 0L),
            BALANCED,
            null,
            DECEMBER,
            true),
        "no checkpoint completed"
      },
      {
        "no checkpoint at all",
        report(
            new StatusReport.Job("u", "RUNNING", null, 0, 1L, 0L), BALANCED, null, DECEMBER, true),
        "no checkpoint completed"
      },
      {
        "the job's balance is off",
        report(
            new StatusReport.Job("u", "RUNNING", NOW, 0, 1L, 3L), BALANCED, null, DECEMBER, true),
        "audit balance is 3"
      },
      {
        "records in flight in the tables are fine",
        report(RUNNING, new StatusReport.Audit(100, 90), null, DECEMBER, true),
        null
      },
      {
        "counted twice",
        report(RUNNING, new StatusReport.Audit(100, 101), null, DECEMBER, true),
        "1 more records than it received"
      },
      {
        "high fraud alert open",
        report(RUNNING, BALANCED, Map.of("HIGH", 2L, "LOW", 5L), DECEMBER, true),
        "2 open fraud alert(s) of severity HIGH"
      },
      {"only low fraud alerts", report(RUNNING, BALANCED, Map.of("LOW", 5L), DECEMBER, true), null},
      {
        "anonymisation failed",
        report(
            RUNNING,
            BALANCED,
            null,
            new StatusReport.AnonymisationRun(LocalDate.parse("2026-12-01"), "FAILED", NOW, NOW, 0),
            true),
        "failed"
      },
      {
        "last month's run only, on the 7th",
        report(
            RUNNING,
            BALANCED,
            null,
            new StatusReport.AnonymisationRun(
                LocalDate.parse("2026-11-01"), "COMPLETED", NOW, NOW, 0),
            true),
        "has not completed by day 5"
      },
      {"never ran, nothing to anonymise", report(RUNNING, BALANCED, null, null, false), null},
      {"never ran, lines waiting", report(RUNNING, BALANCED, null, null, true), "day 5"},
    };
    for (Object[] c : cases) {
      List<String> found = ((StatusReport) c[1]).needsHuman(NOW, MAX_AGE);
      if (c[2] == null) {
        assertEquals(List.of(), found, (String) c[0]);
      } else {
        assertEquals(1, found.size(), c[0] + ": " + found);
        assertTrue(found.get(0).contains((String) c[2]), c[0] + ": " + found);
      }
    }
  }

  @Test
  void notOverdueBeforeTheFifth() {
    StatusReport report =
        report(
            RUNNING,
            BALANCED,
            null,
            new StatusReport.AnonymisationRun(
                LocalDate.parse("2026-11-01"), "COMPLETED", NOW, NOW, 0),
            true);
    assertEquals(List.of(), report.needsHuman(Instant.parse("2026-12-04T12:00:00Z"), MAX_AGE));
    // Oslo is an hour ahead: 23:30 UTC on the 4th is already the 5th there.
    assertEquals(1, report.needsHuman(Instant.parse("2026-12-04T23:30:00Z"), MAX_AGE).size());
  }

  @Test
  void theJsonCarriesEveryFactAndTheVerdict() throws Exception {
    StatusReport report = report(RUNNING, new StatusReport.Audit(10, 11), null, DECEMBER, true);
    JsonNode json = new ObjectMapper().readTree(report.toJson(NOW, MAX_AGE));
    assertEquals("RUNNING", json.path("job").path("state").asText());
    assertEquals(5, json.path("job").path("event_time_lag_seconds").asLong());
    assertEquals(0, json.path("consumer_lag").asLong());
    assertEquals(-1, json.path("audit").path("difference").asLong());
    assertEquals(2, json.path("open_rejects").path("NO_RATE").asLong());
    assertTrue(json.path("open_fraud_alerts").isNull(), "no fraud_alert table");
    assertEquals("2026-12-01", json.path("last_anonymisation").path("as_of").asText());
    assertEquals(1, json.path("needs_human").size());
    String text = report.toText(NOW, MAX_AGE);
    assertTrue(text.contains("NEEDS A HUMAN"), text);
    assertTrue(text.contains("NO_RATE 2"), text);
  }
}
