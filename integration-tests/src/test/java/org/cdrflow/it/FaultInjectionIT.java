package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.logging.log4j.Level;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratorSettings;
import org.cdrflow.it.FaultHarness.Fault;
import org.cdrflow.it.FaultHarness.Injection;
import org.cdrflow.it.FaultHarness.Landed;
import org.cdrflow.it.FaultHarness.Outcome;
import org.junit.jupiter.api.Test;

/**
 * Nothing lost, nothing doubled, nothing leaked under faults (docs/reliability.md): a generated
 * feed is run once without a fault and once with one fault of every kind ({@link Fault}) at seeded
 * random points mid-feed, each on a fresh embedded stack and a MiniCluster of two TaskManagers;
 * then every output table must be identical row by row (write times aside), the audit must account
 * for every record in both runs with the same totals, the notification topic must carry the same
 * notification ids (at least once: a fault may send one again, never a new one), and no log line of
 * the faulty run may hold a subscriber's number or IMSI.
 *
 * <p>50,000 records by default (each fault strikes, is recovered from and checked the same at any
 * size; a larger feed only takes longer); {@code -Dcdrflow.faults.records=N} runs more (the
 * benchmark-sized run is 1,000,000), {@code -Dcdrflow.faults.seed=S} other points.
 */
class FaultInjectionIT {
  private static final long RECORDS = Long.getLong("cdrflow.faults.records", 50_000);
  private static final long SEED = Long.getLong("cdrflow.faults.seed", 20261122L);

  /** Compared row by row. {@code mediation_audit} is per processing hour: compared by totals. */
  private static final List<String> TABLES =
      List.of(
          "invoice_line",
          "settlement_call",
          "settlement_daily",
          "rejected_cdr",
          "anonymisation_run",
          "fraud_alert");

  private static final List<String> AUDIT_COUNTERS =
      List.of(
          "received",
          "rated",
          "rejected",
          "duplicates",
          "partials_joined",
          "unanswered",
          "pending_partials",
          "lines_written",
          "settlement_rows_written",
          "reprocessed");

  private static final Pattern DIGIT_RUN = Pattern.compile("[0-9]{8,}");

  @Test
  void faultsAtRandomPointsLeaveTheSameTablesAuditAndNotificationsAsACleanRun() throws Exception {
    long started = System.nanoTime();
    Path base = Files.createTempDirectory(Path.of("target"), "fault-injection-").toAbsolutePath();
    Path feed = base.resolve("feed.avro");
    Path reference = base.resolve("reference");
    FeedGenerator.write(
        // A hundred records per subscriber, so that the feed exhausts some allowances.
        GeneratorSettings.of(RECORDS, (int) Math.max(500, RECORDS / 100), SEED), feed, reference);
    FaultHarness harness = new FaultHarness(base, feed, reference, RECORDS);
    List<Injection> plan = FaultHarness.plan(RECORDS, new Random(SEED));

    Outcome clean = harness.run("clean", List.of());
    Outcome faulty;
    List<String> log;
    try (CapturedLog captured = CapturedLog.start(Map.of("org.cdrflow", Level.INFO))) {
      faulty = harness.run("faulty", plan);
      log = captured.lines();
    }

    System.out.printf(
        "FaultInjectionIT: %d records, seed %d; clean job %.1f s, faulty job %.1f s%n",
        RECORDS, SEED, clean.jobMillis() / 1000.0, faulty.jobMillis() / 1000.0);
    for (Landed l : faulty.faults()) {
      System.out.printf(
          "FaultInjectionIT: %s planned at record %d, struck at committed offset %d, job %s,"
              + " next checkpoint %.1f s later%n",
          l.fault(),
          l.plannedAt(),
          l.committedAt(),
          l.jobFailed() ? "failed and restored" : "kept running",
          l.recoveryMillis() / 1000.0);
    }

    Set<Fault> struck = EnumSet.noneOf(Fault.class);
    for (Landed l : faulty.faults()) {
      assertTrue(
          l.committedAt() > 0 && l.committedAt() < RECORDS,
          l.fault() + " struck mid-feed, after a checkpoint");
      struck.add(l.fault());
    }
    assertEquals(EnumSet.allOf(Fault.class), struck, "every kind of fault struck");

    for (String table : TABLES) {
      int rows = assertSameRows(clean.export(), faulty.export(), table);
      System.out.printf("FaultInjectionIT: %s: %d rows compared, 0 differences%n", table, rows);
    }
    assertTrue(clean.exportedRows().get("invoice_line") > RECORDS / 2, "most records are rated");

    for (Outcome run : List.of(clean, faulty)) {
      assertAuditAccountsForEveryRecord(run.export());
    }
    for (String counter : AUDIT_COUNTERS) {
      assertEquals(
          ExportedTables.sum(clean.export(), "mediation_audit", counter),
          ExportedTables.sum(faulty.export(), "mediation_audit", counter),
          "audit total " + counter);
    }
    assertEquals(
        rejectsByReason(clean.export()), rejectsByReason(faulty.export()), "rejects by reason");
    System.out.printf(
        "FaultInjectionIT: audit %s, rejected by reason %s, equal in both runs%n",
        auditTotals(faulty.export()), rejectsByReason(faulty.export()));

    assertEquals(
        clean.notificationMessages(),
        clean.notificationIds().size(),
        "without a fault each notification is sent once");
    assertTrue(!clean.notificationIds().isEmpty(), "the feed exhausts some allowances");
    assertEquals(
        clean.notificationIds(), faulty.notificationIds(), "the same notification ids were sent");
    System.out.printf(
        "FaultInjectionIT: notifications: %d distinct ids in both runs; messages %d clean, %d"
            + " after faults (%d sent again with the same id)%n",
        clean.notificationIds().size(),
        clean.notificationMessages(),
        faulty.notificationMessages(),
        faulty.notificationMessages() - faulty.notificationIds().size());

    assertNoSubscriberIdentityIn(log, reference);
    System.out.printf(
        "FaultInjectionIT: %d log lines of the faulty run hold no number or IMSI; whole test %.1f"
            + " s%n",
        log.size(), (System.nanoTime() - started) / 1e9);

    // Passed: two stacks' worth of broker, database and job state (close to a gigabyte) are of no
    // further use; a failed run keeps them for a look.
    try (Stream<Path> files = Files.walk(base)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  /** Compares one exported table row by row; returns the number of rows. */
  private static int assertSameRows(Path clean, Path faulty, String table) throws IOException {
    List<String> expected = ExportedTables.rows(clean, table);
    List<String> actual = ExportedTables.rows(faulty, table);
    Set<String> missing = new HashSet<>(expected);
    actual.forEach(missing::remove);
    Set<String> extra = new HashSet<>(actual);
    expected.forEach(extra::remove);
    if (!missing.isEmpty() || !extra.isEmpty() || expected.size() != actual.size()) {
      fail(
          table
              + ": "
              + expected.size()
              + " rows clean, "
              + actual.size()
              + " after faults; "
              + missing.size()
              + " rows only in the clean run, e.g. "
              + missing.stream().limit(2).toList()
              + "; "
              + extra.size()
              + " only after faults, e.g. "
              + extra.stream().limit(2).toList());
    }
    assertEquals(expected, actual, table + " in key order");
    return expected.size();
  }

  /** received = rated + rejected + duplicates + unanswered + pending, and received = the feed. */
  private static void assertAuditAccountsForEveryRecord(Path export) throws IOException {
    Map<String, Long> t = auditTotals(export);
    assertEquals(RECORDS, t.get("received"), "every record of the feed is received once");
    assertEquals(
        t.get("received"),
        t.get("rated")
            + t.get("rejected")
            + t.get("duplicates")
            + t.get("unanswered")
            + t.get("pending_partials"),
        "audit equation " + t);
  }

  private static Map<String, Long> auditTotals(Path export) throws IOException {
    Map<String, Long> totals = new TreeMap<>();
    for (String counter : AUDIT_COUNTERS) {
      totals.put(counter, ExportedTables.sum(export, "mediation_audit", counter));
    }
    return totals;
  }

  /** {@code rejected_by_reason} summed over every hour. */
  private static Map<String, Long> rejectsByReason(Path export) throws IOException {
    ObjectMapper json = new ObjectMapper();
    Map<String, Long> byReason = new TreeMap<>();
    try (Reader r = Files.newBufferedReader(export.resolve("mediation_audit.csv"));
        CSVParser p =
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
      for (CSVRecord rec : p) {
        JsonNode counts = json.readTree(rec.get("rejected_by_reason"));
        for (Iterator<Map.Entry<String, JsonNode>> it = counts.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          byReason.merge(e.getKey(), e.getValue().asLong(), Long::sum);
        }
      }
    }
    return byReason;
  }

  /**
   * Failures, retries and restarts log exceptions (JDBC batch errors among them): none may quote a
   * subscriber's number or IMSI from the reference data.
   */
  private static void assertNoSubscriberIdentityIn(List<String> log, Path reference)
      throws IOException {
    Set<String> identities = new HashSet<>();
    try (Reader r = Files.newBufferedReader(reference.resolve("subscription.csv"));
        CSVParser p =
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
      for (CSVRecord rec : p) {
        identities.add(rec.get("msisdn").replace("+", ""));
        identities.add(rec.get("imsi"));
      }
    }
    assertTrue(identities.size() > 500, "the reference data has subscribers");
    for (String line : log) {
      Matcher m = DIGIT_RUN.matcher(line);
      while (m.find()) {
        String digits = m.group();
        for (String id : identities) {
          if (digits.contains(id)) {
            fail("a log line of the faulty run holds a subscriber's number or IMSI: " + line);
          }
        }
      }
    }
  }
}
