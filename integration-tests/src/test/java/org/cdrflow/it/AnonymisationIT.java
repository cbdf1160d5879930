package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.cdrflow.anonymisation.AnonymisationCounts;
import org.cdrflow.anonymisation.AnonymisationCutoff;
import org.cdrflow.anonymisation.AnonymisationReport;
import org.cdrflow.anonymisation.AnonymisationRun;
import org.cdrflow.anonymisation.AnonymisedColumns;
import org.cdrflow.anonymisation.LineFate;
import org.cdrflow.anonymisation.RetentionRule;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;
import org.cdrflow.schema.codec.CdrFeedWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The monthly anonymisation on the real stack (docs/anonymisation.md): a seven-month feed replayed
 * through the streaming job, invoices of every status, then dry run, a run killed half-way and
 * resumed, a clean run on a copy of the database (as the anonymiser role), a second run, a replay
 * of old records, the subscriber export and the roles.
 *
 * <p>Each step stands on its own: the replay runs once, and each step works on its own copy of the
 * database, copied from the state it starts from (right after the replay, or after one complete
 * run, which the setup makes once as the reference outcome). So any step can run alone or in any
 * order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnonymisationIT {
  private static final ZoneId OSLO = AnonymisationCutoff.OSLO;
  private static final LocalDate AS_OF = LocalDate.of(2026, 11, 1);

  /** 2026-06-01T00:00+02:00: March, April and May 2026 are old, June to September are not. */
  private static final Instant CUTOFF = AnonymisationCutoff.cutoff(AS_OF);

  private static final List<YearMonth> MONTHS =
      Stream.iterate(YearMonth.of(2026, 3), m -> m.plusMonths(1)).limit(7).toList();

  private static final String SUBSCRIBER = "+4791000101";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path workDir;
  private Path reference;
  private EmbeddedStack stack;

  /** Database names of the two starting points, copied by {@link #copyOf}, never connected to. */
  private static final String REPLAYED = "cdrflow_replayed";

  private static final String ANONYMISED = "cdrflow_anonymised";

  /** A copy of the database after one complete run as the owner: the outcome runs must match. */
  private static final String REFERENCE = "cdrflow_reference";

  /** The database right after the replay and the invoice updates, before any run. */
  private Map<String, ObjectNode> lines0;

  private Map<String, ObjectNode> calls0;
  private Map<String, ObjectNode> rejects0;
  private Map<String, String> invoices0;
  private AnonymisationCounts expected;

  @BeforeAll
  void replaySevenMonthsAndSetInvoices() throws Exception {
    workDir = Files.createTempDirectory(Path.of("target"), "anonymisation-it-").toAbsolutePath();
    reference = referenceWithoutBillingState(workDir.resolve("reference"));
    stack = EmbeddedStack.start(workDir);
    stack.createTopics(
        Map.of("cdr.raw", 1, "cdr.rejected", 1, "cdr.notifications", 1, "cdr.fraud-alerts", 1));
    Path config = writeConfig(workDir.resolve("it.properties"), stack.jdbcUrl(), stack.jdbcUser());
    assertEquals(0, Cdrflow.run("migrate", "--config", config.toString()));

    Path feed = workDir.resolve("feed.jsonl");
    writeFeed(feed);
    assertEquals(
        0,
        Cdrflow.run(
            "replay",
            "--reference",
            reference.toString(),
            "--input",
            feed.toString(),
            "--workdir",
            workDir.toString(),
            "--config",
            config.toString()));
    setInvoices();

    try (Connection c = connect(stack.jdbcUrl(), stack.jdbcUser())) {
      lines0 = rows(c, "invoice_line", "line_id");
      calls0 = rows(c, "settlement_call", "settlement_id");
      rejects0 = rows(c, "rejected_cdr", "reject_id");
      invoices0 = invoices(c);
    }
    expected = expectedCounts();

    copyDatabase(EmbeddedStack.DATABASE, REPLAYED);
    new AnonymisationRun(
            new CdrflowConfig.JdbcSettings(copyOf(REPLAYED, REFERENCE), stack.jdbcUser(), null),
            AnonymisationRun.Options.defaults(),
            Clock.systemUTC(),
            null)
        .run(AS_OF, false);
    copyDatabase(REFERENCE, ANONYMISED);
  }

  @AfterAll
  void stopStack() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theFeedHoldsEveryCaseTheRuleDistinguishes() {
    Map<LineFate, Integer> fates = new EnumMap<>(LineFate.class);
    lines0.values().forEach(l -> fates.merge(fate(l, invoices0), 1, Integer::sum));
    for (LineFate f :
        List.of(
            LineFate.ANONYMISE,
            LineFate.RETAIN_UNPAID,
            LineFate.RETAIN_DISPUTED,
            LineFate.RETAIN_NO_INVOICE,
            LineFate.NOT_DUE)) {
      assertTrue(fates.getOrDefault(f, 0) > 0, f + " in " + fates);
    }
    assertTrue(expected.settlementAnonymised() > 0, "settled calls among the old paid lines");
    assertTrue(expected.rejectsPurged() > 0, "old rejects with payloads");
    assertTrue(
        rejects0.values().stream().anyMatch(r -> !purged(r) && !r.get("payload").isNull()),
        "recent rejects with payloads");
    // The boundary pair: one millisecond before local midnight of the cutoff, and midnight.
    assertEquals(LineFate.ANONYMISE, fate(line0("EDGE-BEFORE"), invoices0));
    assertEquals(LineFate.NOT_DUE, fate(line0("EDGE-AT"), invoices0));
  }

  @Test
  void aDryRunRecordsItsCountsAndChangesNothingElse() throws Exception {
    String url = copyOf(REPLAYED, "step_dry_run");
    assertEquals(0, anonymise(url, "--dry-run"));

    try (Connection c = connect(url, stack.jdbcUser())) {
      assertEquals(lines0, rows(c, "invoice_line", "line_id"));
      assertEquals(calls0, rows(c, "settlement_call", "settlement_id"));
      assertEquals(rejects0, rows(c, "rejected_cdr", "reject_id"));
      List<Run> runs = runs(c);
      assertEquals(1, runs.size());
      Run dry = runs.get(0);
      assertTrue(dry.dryRun);
      assertEquals("COMPLETED", dry.status);
      assertEquals(AS_OF, dry.asOf);
      assertEquals(CUTOFF, dry.cutoff);
      assertEquals(expected, dry.counts);
    }
  }

  @Test
  void aRunKilledHalfWayLeavesNoRowHalfAnonymisedAndTheNextRunCompletesIt() throws Exception {
    String url = copyOf(REPLAYED, "step_killed_half_way");
    CdrflowConfig.JdbcSettings jdbc = new CdrflowConfig.JdbcSettings(url, stack.jdbcUser(), null);
    AnonymisationRun killed =
        new AnonymisationRun(
            jdbc,
            AnonymisationRun.Options.defaults().withBatchRows(40).failingAfter(1).rowByRowOnly(),
            Clock.systemUTC(),
            null);

    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> killed.run(AS_OF, false));
    assertTrue(e.getMessage().contains("fault injected"), e.getMessage());

    try (Connection c = connect(url, stack.jdbcUser())) {
      Run failed = runs(c).get(0);
      assertEquals("FAILED", failed.status);
      long done = failed.counts.linesAnonymised();
      assertTrue(done > 0 && done < expected.linesAnonymised(), "half-way: " + failed.counts);
      Map<String, ObjectNode> lines = rows(c, "invoice_line", "line_id");
      checkLines(lines, true);
      checkSettlement(lines, rows(c, "settlement_call", "settlement_id"));
      // The killed run's counts are exactly what it committed.
      assertEquals(
          done, countWhere(c, "invoice_line", "anonymisation_run_id = '" + failed.id + "'"));
      assertEquals(
          failed.counts.settlementAnonymised(),
          countWhere(c, "settlement_call", "anonymised_at IS NOT NULL"));

      // As if the process had been killed outright: the run is left RUNNING.
      try (Statement st = c.createStatement()) {
        st.executeUpdate(
            "UPDATE anonymisation_run SET status = 'RUNNING', finished_at = NULL"
                + " WHERE run_id = '"
                + failed.id
                + "'");
      }
    }

    // Resumed row by row too, so that the next test compares this with half months written anew.
    new AnonymisationRun(
            jdbc,
            AnonymisationRun.Options.defaults().withBatchRows(40).rowByRowOnly(),
            Clock.systemUTC(),
            null)
        .run(AS_OF, false);

    try (Connection c = connect(url, stack.jdbcUser());
        Connection reference = connect(url(REFERENCE), stack.jdbcUser())) {
      List<Run> runs = runs(c);
      assertEquals(2, runs.size());
      Run abandoned = runs.get(0);
      Run resumed = runs.get(1);
      assertEquals("FAILED", abandoned.status, "the next run marks a dead run FAILED");
      assertTrue(abandoned.finishedAt != null);
      assertEquals("COMPLETED", resumed.status);
      assertEquals(
          expected.linesAnonymised(),
          abandoned.counts.linesAnonymised() + resumed.counts.linesAnonymised());
      assertEquals(
          expected.settlementAnonymised(),
          abandoned.counts.settlementAnonymised() + resumed.counts.settlementAnonymised());
      assertEquals(
          expected.rejectsPurged(),
          abandoned.counts.rejectsPurged() + resumed.counts.rejectsPurged());
      assertEquals(expected.retainedUnpaid(), resumed.counts.retainedUnpaid());
      assertEquals(expected.retainedDisputed(), resumed.counts.retainedDisputed());
      assertEquals(expected.retainedNoInvoice(), resumed.counts.retainedNoInvoice());

      Map<String, ObjectNode> lines = rows(c, "invoice_line", "line_id");
      checkLines(lines, false);
      checkSettlement(lines, rows(c, "settlement_call", "settlement_id"));
      checkRejects(rows(c, "rejected_cdr", "reject_id"));
      // Resumed row by row, the reference run wrote half months anew: the same tables all the same.
      assertSameOutcome(reference, c);
      assertEquals(
          rows(reference, "rejected_cdr", "reject_id"), rows(c, "rejected_cdr", "reject_id"));
    }
  }

  @Test
  void aRunAsTheAnonymiserRoleGivesTheSameTablesAsTheOwnersRun() throws Exception {
    String cleanUrl = copyOf(REPLAYED, "step_as_anonymiser");
    Map<String, Long> partitionsBefore;
    try (Connection c = connect(cleanUrl, stack.jdbcUser());
        Statement st = c.createStatement()) {
      st.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'it_anonymiser')"
              + " THEN CREATE ROLE it_anonymiser LOGIN IN ROLE cdr_anonymiser; END IF; END $$");
      partitionsBefore = halfMonthPartitions(c);
    }
    Path asAnonymiser =
        writeConfig(workDir.resolve("anonymiser.properties"), cleanUrl, "it_anonymiser");

    assertEquals(
        0,
        Cdrflow.run(
            "anonymise",
            "--as-of",
            AS_OF.toString(),
            "--config",
            asAnonymiser.toString(),
            "--workdir",
            workDir.toString()));

    try (Connection clean = connect(cleanUrl, stack.jdbcUser());
        Connection resumed = connect(url(REFERENCE), stack.jdbcUser())) {
      List<Run> runs = runs(clean);
      Run run = runs.get(runs.size() - 1);
      assertEquals("COMPLETED", run.status);
      assertEquals(expected, run.counts);
      // A partition written anew is a new table: the half months before the cutoff.
      Map<String, Long> partitionsAfter = halfMonthPartitions(clean);
      assertEquals(partitionsBefore.keySet(), partitionsAfter.keySet());
      List<String> writtenAnew =
          partitionsBefore.keySet().stream()
              .filter(p -> !partitionsBefore.get(p).equals(partitionsAfter.get(p)))
              .sorted()
              .toList();
      assertTrue(
          writtenAnew.contains("invoice_line_2026_03_01")
              && writtenAnew.contains("settlement_call_2026_03_01")
              && writtenAnew.stream()
                  .allMatch(
                      p ->
                          p.compareTo("invoice_line_2026_06") < 0
                              || p.startsWith("settlement_call_")
                                  && p.compareTo("settlement_call_2026_06") < 0),
          "half months before the cutoff written anew: " + writtenAnew);
      Map<String, ObjectNode> lines = rows(clean, "invoice_line", "line_id");
      checkLines(lines, false);
      Set<String> runMarks = Set.of("anonymised_at", "anonymisation_run_id", "updated_at");
      assertEquals(
          without(rows(resumed, "invoice_line", "line_id"), runMarks), without(lines, runMarks));
      assertEquals(
          without(rows(resumed, "settlement_call", "settlement_id"), runMarks),
          without(rows(clean, "settlement_call", "settlement_id"), runMarks));
      assertEquals(
          rows(resumed, "rejected_cdr", "reject_id"), rows(clean, "rejected_cdr", "reject_id"));
    }

    // The same role answers access requests: it reads all three tables.
    Path export = workDir.resolve("export-as-anonymiser.json");
    assertEquals(
        0,
        Cdrflow.run(
            "export-subscriber",
            "--msisdn",
            SUBSCRIBER,
            "--out",
            export.toString(),
            "--config",
            asAnonymiser.toString(),
            "--workdir",
            workDir.toString()));
    assertTrue(JSON.readTree(export.toFile()).get("invoice_lines").size() > 0);
  }

  @Test
  void afterTheRunNoOldRowWithAPaidInvoiceHoldsAnythingIdentifying() throws Exception {
    try (Connection c = connect(copyOf(ANONYMISED, "step_after_run"), stack.jdbcUser())) {
      long total = countWhere(c, "invoice_line", "true");
      assertEquals(lines0.size(), total, "no line added or removed");
      assertEquals(
          0,
          scalar(
              c,
              "SELECT count(*) FROM invoice_line l WHERE l.event_start < '"
                  + CUTOFF
                  + "' AND EXISTS (SELECT 1 FROM invoice i WHERE i.account_id = l.account_id"
                  + " AND i.billing_period = l.billing_period AND i.status IN ('PAID', 'CREDITED'))"));
      assertEquals(
          expected.linesAnonymised(),
          scalar(
              c,
              "SELECT count(*) FROM invoice_line WHERE anonymised_at IS NOT NULL AND msisdn IS NULL"
                  + " AND imsi IS NULL AND counterpart_number IS NULL AND account_id IS NULL"
                  + " AND subscription_id IS NULL AND network_element IS NULL"
                  + " AND call_reference IS NULL AND event_start IS NULL"
                  + " AND anonymisation_run_id IS NOT NULL AND event_date < DATE '2026-06-01'"));
      assertEquals(
          0,
          scalar(
              c,
              "SELECT count(*) FROM settlement_call s JOIN invoice_line l"
                  + " ON l.line_id = s.line_id WHERE l.anonymised_at IS NOT NULL"));
      assertEquals(
          0,
          scalar(
              c,
              "SELECT count(*) FROM settlement_call WHERE anonymised_at IS NOT NULL AND"
                  + " (a_number IS NOT NULL OR b_number IS NOT NULL OR line_id IS NOT NULL)"));
      assertEquals(
          0,
          scalar(
              c,
              "SELECT count(*) FROM rejected_cdr WHERE payload IS NOT NULL"
                  + " AND coalesce(event_time, first_seen) < '"
                  + CUTOFF
                  + "'"));
    }
  }

  @Test
  void aSecondRunWithTheSameDateChangesNothingAndRecordsZeros() throws Exception {
    String url = copyOf(ANONYMISED, "step_second_run");
    Map<String, ObjectNode> lines;
    Map<String, ObjectNode> calls;
    Map<String, ObjectNode> rejects;
    try (Connection c = connect(url, stack.jdbcUser())) {
      lines = rows(c, "invoice_line", "line_id");
      calls = rows(c, "settlement_call", "settlement_id");
      rejects = rows(c, "rejected_cdr", "reject_id");
    }

    assertEquals(0, anonymise(url));

    try (Connection c = connect(url, stack.jdbcUser())) {
      assertEquals(lines, rows(c, "invoice_line", "line_id"));
      assertEquals(calls, rows(c, "settlement_call", "settlement_id"));
      assertEquals(rejects, rows(c, "rejected_cdr", "reject_id"));
      List<Run> runs = runs(c);
      Run again = runs.get(runs.size() - 1);
      assertEquals("COMPLETED", again.status);
      assertEquals(
          new AnonymisationCounts(
              0,
              0,
              0,
              expected.retainedUnpaid(),
              expected.retainedDisputed(),
              expected.retainedNoInvoice()),
          again.counts);
    }
  }

  @Test
  void anOldRecordReplayedAfterTheRunIsRejectedTooOldAndRecreatesNothing() throws Exception {
    ObjectNode anonymised =
        lines0.values().stream()
            .filter(l -> fate(l, invoices0) == LineFate.ANONYMISE)
            .filter(l -> "MO".equals(l.get("direction").asText()))
            .filter(l -> "VOICE".equals(l.get("service").asText()))
            .findFirst()
            .orElseThrow();
    Instant old = instant(anonymised.get("event_start"));
    String url = copyOf(ANONYMISED, "step_late_records");
    Path lateConfig = writeConfig(workDir.resolve("late.properties"), url, stack.jdbcUser());
    Path feed = workDir.resolve("late.jsonl");
    try (CdrFeedWriter w = CdrFeedWriter.jsonLines(feed)) {
      // The very record of an anonymised line, again ...
      w.write(
          moc(
              anonymised.get("network_element").asText(),
              anonymised.get("call_reference").asText(),
              anonymised.get("msisdn").asText(),
              "+4794000001",
              old));
      // ... an old record never seen before ...
      w.write(moc("MSC-OSL-9", "LATE-OLD-1", "004791000101", "+4794000002", old.plusSeconds(60)));
      // ... and a recent one, which is rated as usual.
      w.write(
          moc(
              "MSC-OSL-9",
              "LATE-NEW-1",
              "004791000101",
              "+4794000003",
              Instant.parse("2026-10-05T08:00:00Z")));
    }

    assertEquals(
        0,
        Cdrflow.run(
            "replay",
            "--reference",
            reference.toString(),
            "--input",
            feed.toString(),
            "--workdir",
            workDir.toString(),
            "--config",
            lateConfig.toString()));

    try (Connection c = connect(url, stack.jdbcUser())) {
      Map<String, ObjectNode> lines = rows(c, "invoice_line", "line_id");
      assertEquals(lines0.size() + 1, lines.size(), "only the recent record adds a line");
      Map<String, ObjectNode> known = new TreeMap<>(lines);
      known.keySet().retainAll(lines0.keySet());
      checkLines(known, false);
      assertEquals(
          0,
          countWhere(
              c,
              "invoice_line",
              "call_reference IN ('LATE-OLD-1', '"
                  + anonymised.get("call_reference").asText()
                  + "')"));
      assertEquals(1, countWhere(c, "invoice_line", "call_reference = 'LATE-NEW-1'"));
      assertEquals(
          2,
          countWhere(
              c,
              "rejected_cdr",
              "reason = 'TOO_OLD' AND payload IS NULL AND event_time < '" + CUTOFF + "'"));
      assertEquals(0, countWhere(c, "rejected_cdr", "reason = 'TOO_OLD' AND payload IS NOT NULL"));
    }
  }

  @Test
  void theSubscriberExportHoldsTheSubscribersOwnRowsAsJson() throws Exception {
    String url = copyOf(ANONYMISED, "step_export");
    Path exportConfig = writeConfig(workDir.resolve("export.properties"), url, stack.jdbcUser());
    Path out = workDir.resolve("export.json");
    assertEquals(
        0,
        Cdrflow.run(
            "export-subscriber",
            "--msisdn",
            "91000101",
            "--out",
            out.toString(),
            "--config",
            exportConfig.toString(),
            "--workdir",
            workDir.toString()));
    assertEquals("rw-------", permissions(out));
    JsonNode export = JSON.readTree(out.toFile());

    try (Connection c = connect(url, stack.jdbcUser())) {
      assertEquals(SUBSCRIBER, export.get("msisdn").asText());
      Set<String> lineIds = new HashSet<>();
      for (JsonNode l : export.get("invoice_lines")) {
        assertEquals(SUBSCRIBER, l.get("msisdn").asText());
        assertFalse(instant(l.get("event_start")).isBefore(CUTOFF), "old paid lines are gone");
        lineIds.add(l.get("line_id").asText());
      }
      assertEquals(countWhere(c, "invoice_line", "msisdn = '" + SUBSCRIBER + "'"), lineIds.size());
      assertTrue(lineIds.size() > 10);

      JsonNode calls = export.get("settlement_calls");
      assertEquals(
          countWhere(
              c,
              "settlement_call",
              "a_number = '" + SUBSCRIBER + "' OR b_number = '" + SUBSCRIBER + "'"),
          calls.size());
      assertTrue(calls.size() > 0);
      for (JsonNode s : calls) {
        assertTrue(
            SUBSCRIBER.equals(s.get("a_number").asText())
                || SUBSCRIBER.equals(s.get("b_number").asText()));
        assertFalse(s.has("amount"), "wholesale terms are not the customer's data");
      }

      // The recent BAD_TIME reject was for "004791000101"; the old BAD_NUMBER one was purged.
      JsonNode rejects = export.get("rejected_records");
      assertEquals(1, rejects.size(), rejects.toString());
      assertEquals("BAD_TIME", rejects.get(0).get("reason").asText());
      assertEquals("004791000101", rejects.get(0).get("record").get("servedMsisdn").asText());
    }

    // A period: only what happened in it, by event date in Oslo.
    Path august = workDir.resolve("export-august.json");
    assertEquals(
        0,
        Cdrflow.run(
            "export-subscriber",
            "--msisdn",
            SUBSCRIBER,
            "--from",
            "2026-08-01",
            "--to",
            "2026-08-31",
            "--out",
            august.toString(),
            "--config",
            exportConfig.toString(),
            "--workdir",
            workDir.toString()));
    JsonNode inAugust = JSON.readTree(august.toFile());
    assertTrue(inAugust.get("invoice_lines").size() > 0);
    for (JsonNode l : inAugust.get("invoice_lines")) {
      assertEquals("2026-08", l.get("event_date").asText().substring(0, 7));
    }
    // A reject is dated by the record's own time, also for BAD_TIME (docs/mediation.md): the
    // answer-before-seizure record of 12 August is August's.
    JsonNode augustRejects = inAugust.get("rejected_records");
    assertEquals(1, augustRejects.size(), augustRejects.toString());
    assertEquals("BAD_TIME", augustRejects.get(0).get("reason").asText());
  }

  @Test
  void eachRoleReadsAndChangesOnlyWhatItNeeds() throws Exception {
    try (Connection c = connect(copyOf(ANONYMISED, "step_roles"), stack.jdbcUser())) {
      c.setAutoCommit(false);
      allowed(c, "cdr_billing", "SELECT msisdn FROM invoice_line LIMIT 1");
      denied(c, "cdr_billing", "SELECT payload FROM rejected_cdr LIMIT 1");
      denied(c, "cdr_billing", "SELECT * FROM settlement_call LIMIT 1");
      denied(c, "cdr_billing", "SELECT * FROM settlement_daily LIMIT 1");
      denied(c, "cdr_billing", "UPDATE invoice_line SET amount = 0");

      allowed(c, "cdr_finance", "SELECT a_number FROM settlement_call LIMIT 1");
      allowed(c, "cdr_finance", "SELECT * FROM settlement_daily LIMIT 1");
      denied(c, "cdr_finance", "SELECT * FROM invoice_line LIMIT 1");
      denied(c, "cdr_finance", "SELECT * FROM rejected_cdr LIMIT 1");

      allowed(c, "cdr_mediation", "SELECT payload FROM rejected_cdr LIMIT 1");
      allowed(c, "cdr_mediation", "SELECT cutoff FROM anonymisation_run LIMIT 1");
      denied(c, "cdr_mediation", "UPDATE anonymisation_run SET status = 'FAILED'");

      allowed(c, "cdr_anonymiser", "SELECT payload FROM rejected_cdr LIMIT 1");
      allowed(c, "cdr_anonymiser", "SELECT status FROM invoice LIMIT 1");
      allowed(c, "cdr_anonymiser", "UPDATE invoice_line SET msisdn = NULL");
      allowed(c, "cdr_anonymiser", "UPDATE rejected_cdr SET payload = NULL");
      denied(c, "cdr_anonymiser", "DELETE FROM invoice_line");
      denied(
          c,
          "cdr_anonymiser",
          "INSERT INTO invoice_line (line_id, event_date) VALUES (gen_random_uuid(), CURRENT_DATE)");
      denied(c, "cdr_anonymiser", "UPDATE invoice SET status = 'PAID'");
      denied(c, "cdr_anonymiser", "SELECT * FROM subscription LIMIT 1");
      denied(c, "cdr_anonymiser", "SELECT * FROM settlement_daily LIMIT 1");
    }
  }

  /**
   * Runs killed at points drawn from a seed (split size, and how many splits each subtask commits
   * before it dies), each left RUNNING as a killed process leaves it, then one more run: the same
   * tables and totals as the one clean run (docs/reliability.md).
   */
  @Test
  void runsKilledAtSeededRandomPointsEndAsOneCleanRun() throws Exception {
    Random random = new Random(20261123L);
    String killedUrl = copyOf(REPLAYED, "step_killed_at_random");
    CdrflowConfig.JdbcSettings jdbc =
        new CdrflowConfig.JdbcSettings(killedUrl, stack.jdbcUser(), null);
    int kills = 0;
    for (int i = 0; i < 3; i++) {
      AnonymisationRun run =
          new AnonymisationRun(
              jdbc,
              AnonymisationRun.Options.defaults()
                  .withBatchRows(10 + random.nextInt(50))
                  .failingAfter(1 + random.nextInt(3)),
              Clock.systemUTC(),
              null);
      try {
        run.run(AS_OF, false);
        // Fewer splits were left than the kill point: the run completed.
      } catch (IllegalStateException e) {
        assertTrue(e.getMessage().contains("fault injected"), e.getMessage());
        kills++;
        try (Connection c = connect(killedUrl, stack.jdbcUser());
            Statement st = c.createStatement()) {
          st.executeUpdate(
              "UPDATE anonymisation_run SET status = 'RUNNING', finished_at = NULL"
                  + " WHERE status = 'FAILED'");
        }
      }
    }
    assertTrue(kills > 0, "at least one run was killed");
    new AnonymisationRun(jdbc, AnonymisationRun.Options.defaults(), Clock.systemUTC(), null)
        .run(AS_OF, false);

    try (Connection clean = connect(url(REFERENCE), stack.jdbcUser());
        Connection killed = connect(killedUrl, stack.jdbcUser())) {
      assertSameOutcome(clean, killed);
      assertEquals(
          rows(clean, "rejected_cdr", "reject_id"), rows(killed, "rejected_cdr", "reject_id"));
      List<Run> runs = runs(killed).stream().filter(r -> !r.dryRun()).toList();
      assertEquals(
          expected.linesAnonymised(),
          runs.stream().mapToLong(r -> r.counts().linesAnonymised()).sum(),
          "lines anonymised, over " + runs.size() + " runs");
      assertEquals(
          expected.settlementAnonymised(),
          runs.stream().mapToLong(r -> r.counts().settlementAnonymised()).sum());
      assertEquals(
          expected.rejectsPurged(), runs.stream().mapToLong(r -> r.counts().rejectsPurged()).sum());
      assertTrue(runs.stream().noneMatch(r -> r.status().equals("RUNNING")), "no run left open");
      System.out.printf(
          "AnonymisationIT: %d of 3 runs killed at seeded points, then one more: same tables%n",
          kills);
    }
  }

  /**
   * A write to a half month the run wants to write anew (a late event, held open here, as the
   * streaming job's transaction would be) makes the run leave that half month to the row-by-row
   * statements: the run completes, the write is not blocked for good, and the tables end as after
   * the clean run (docs/anonymisation.md, "Half-month partitions").
   */
  @Test
  void aHalfMonthHeldByAWriteIsUpdatedRowByRow() throws Exception {
    String blockedUrl = copyOf(REPLAYED, "step_half_month_held");
    Map<String, Long> partitionsBefore;
    try (Connection c = connect(blockedUrl, stack.jdbcUser());
        Statement st = c.createStatement()) {
      // The partitions the run adds ahead of its as-of date exist already: adding one would wait
      // for the open write too, and the run would start only after it.
      st.execute("SELECT cdrflow_add_half_month_partitions(DATE '2026-10-01', DATE '2027-02-01')");
      partitionsBefore = halfMonthPartitions(c);
    }
    // The run's sessions give up waiting for the half month after 2 s instead of a minute.
    CdrflowConfig.JdbcSettings jdbc =
        new CdrflowConfig.JdbcSettings(
            blockedUrl + "?options=-c%20lock_timeout%3D2000", stack.jdbcUser(), null);
    AnonymisationReport report;
    try (CapturedLog log =
            CapturedLog.start(
                Map.of("org.cdrflow.anonymisation", org.apache.logging.log4j.Level.WARN));
        Connection writer = connect(blockedUrl, stack.jdbcUser());
        Statement st = writer.createStatement()) {
      writer.setAutoCommit(false);
      st.executeUpdate(
          "INSERT INTO invoice_line (line_id, event_date) VALUES (gen_random_uuid(), DATE"
              + " '2026-03-05')");
      java.util.concurrent.CompletableFuture<AnonymisationReport> run =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return new AnonymisationRun(
                          jdbc, AnonymisationRun.Options.defaults(), Clock.systemUTC(), null)
                      .run(AS_OF, false);
                } catch (SQLException e) {
                  throw new IllegalStateException(e);
                }
              });
      // Until the half month's wait has run out and the run has left it to the row-by-row
      // statements; the swaps of the other half months wait for this transaction too, and go on
      // once it ends.
      String leftToRows = "Half month 2026-03-01 updated row by row";
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (log.lines().stream().noneMatch(l -> l.contains(leftToRows)) && !run.isDone()) {
        assertTrue(System.nanoTime() < deadline, "no \"" + leftToRows + "\" within 2 minutes");
        Thread.sleep(50);
      }
      writer.rollback();
      report = run.get(5, java.util.concurrent.TimeUnit.MINUTES);
    }

    assertEquals("COMPLETED", report.status());
    assertEquals(expected, report.counts());
    try (Connection clean = connect(url(REFERENCE), stack.jdbcUser());
        Connection blocked = connect(blockedUrl, stack.jdbcUser())) {
      Map<String, Long> partitionsAfter = halfMonthPartitions(blocked);
      assertEquals(
          partitionsBefore.get("invoice_line_2026_03_01"),
          partitionsAfter.get("invoice_line_2026_03_01"),
          "the half month held by the write was updated in place");
      List<String> writtenAnew =
          partitionsBefore.keySet().stream()
              .filter(p -> !partitionsBefore.get(p).equals(partitionsAfter.get(p)))
              .toList();
      assertTrue(
          writtenAnew.stream().anyMatch(p -> p.startsWith("invoice_line_2026_0")),
          "the other half months were written anew: " + writtenAnew);
      assertSameOutcome(clean, blocked);
    }
  }

  @Test
  void theCommandRunsOnTheWorkdirsOwnEmbeddedStack() throws Exception {
    // The workdir's own database is the replay's (every other step works on copies).
    stack.close();
    stack = null;
    PrintStream stdout = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      exit = Cdrflow.run("anonymise", "--as-of", AS_OF.toString(), "--workdir", workDir.toString());
    } finally {
      System.setOut(stdout);
      // For the steps that may come after this one.
      stack = EmbeddedStack.start(workDir);
    }
    String summary = printed.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, summary);
    assertTrue(summary.contains("cutoff 2026-06-01T00:00:00+02:00, COMPLETED"), summary);
    assertTrue(
        summary.matches("(?s).*invoice lines anonymised +" + expected.linesAnonymised() + "\\n.*"),
        summary);
    assertTrue(
        summary.matches("(?s).*kept, invoice unpaid +" + expected.retainedUnpaid() + "\\n.*"),
        summary);
  }

  // ---------------------------------------------------------------- the rule, row by row

  private LineFate fate(ObjectNode line, Map<String, String> invoices) {
    String status =
        invoices.get(line.get("account_id").asText() + "|" + line.get("billing_period").asText());
    return RetentionRule.fateOf(
        instant(line.get("event_start")), instant(line.get("anonymised_at")), status, CUTOFF);
  }

  private boolean purged(ObjectNode reject) {
    return RetentionRule.purgesPayload(
        instant(reject.get("event_time")),
        instant(reject.get("first_seen")),
        !reject.get("payload").isNull(),
        CUTOFF);
  }

  private AnonymisationCounts expectedCounts() {
    Map<LineFate, Long> n = new EnumMap<>(LineFate.class);
    Set<String> anonymised = new HashSet<>();
    lines0.forEach(
        (id, l) -> {
          LineFate f = fate(l, invoices0);
          n.merge(f, 1L, Long::sum);
          if (f == LineFate.ANONYMISE) {
            anonymised.add(id);
          }
        });
    long calls =
        calls0.values().stream()
            .filter(s -> anonymised.contains(s.get("line_id").asText()))
            .count();
    long rejects = rejects0.values().stream().filter(this::purged).count();
    return new AnonymisationCounts(
        n.getOrDefault(LineFate.ANONYMISE, 0L),
        calls,
        rejects,
        n.getOrDefault(LineFate.RETAIN_UNPAID, 0L),
        n.getOrDefault(LineFate.RETAIN_DISPUTED, 0L),
        n.getOrDefault(LineFate.RETAIN_NO_INVOICE, 0L));
  }

  /**
   * Every line is as the rule says: anonymised completely (when its fate is to be), or exactly as
   * before the run. With {@code partly}, an ANONYMISE line may also still be untouched (a killed
   * run), but never half-way.
   */
  /**
   * The lines and settlement rows of two databases anonymised differently are the same, but for the
   * marks of the run that anonymised them.
   */
  private static void assertSameOutcome(Connection expected, Connection actual)
      throws SQLException, IOException {
    Set<String> runMarks = Set.of("anonymised_at", "anonymisation_run_id", "updated_at");
    assertEquals(
        without(rows(expected, "invoice_line", "line_id"), runMarks),
        without(rows(actual, "invoice_line", "line_id"), runMarks));
    assertEquals(
        without(rows(expected, "settlement_call", "settlement_id"), runMarks),
        without(rows(actual, "settlement_call", "settlement_id"), runMarks));
  }

  /** The half-month partitions of both tables, by name, with the id of the table behind each. */
  private static Map<String, Long> halfMonthPartitions(Connection c) throws SQLException {
    Map<String, Long> out = new TreeMap<>();
    try (Statement st = c.createStatement();
        ResultSet r =
            st.executeQuery(
                "SELECT c.relname, c.oid::bigint FROM pg_inherits h JOIN pg_class c"
                    + " ON c.oid = h.inhrelid WHERE h.inhparent IN"
                    + " ('invoice_line'::regclass, 'settlement_call'::regclass)"
                    + " AND c.relname !~ '_default$'")) {
      while (r.next()) {
        out.put(r.getString(1), r.getLong(2));
      }
    }
    return out;
  }

  private void checkLines(Map<String, ObjectNode> now, boolean partly) {
    assertEquals(lines0.keySet(), now.keySet());
    Set<String> cleared = new HashSet<>(AnonymisedColumns.INVOICE_LINE_CLEARED);
    Set<String> marks = Set.of("anonymised_at", "anonymisation_run_id", "updated_at", "created_at");
    for (Map.Entry<String, ObjectNode> e : lines0.entrySet()) {
      ObjectNode before = e.getValue();
      ObjectNode after = now.get(e.getKey());
      LineFate f = fate(before, invoices0);
      if (f != LineFate.ANONYMISE || (partly && after.get("anonymised_at").isNull())) {
        assertEquals(before, after, "untouched: " + f);
        continue;
      }
      for (Map.Entry<String, JsonNode> col : toMap(before).entrySet()) {
        String name = col.getKey();
        if (cleared.contains(name)) {
          assertTrue(after.get(name).isNull(), name + " cleared");
        } else if (!marks.contains(name)) {
          assertEquals(col.getValue(), after.get(name), name + " kept");
        }
      }
      assertFalse(after.get("anonymised_at").isNull());
      assertFalse(after.get("anonymisation_run_id").isNull());
      Instant created = instant(after.get("created_at"));
      assertEquals(
          instant(before.get("created_at"))
              .atZone(OSLO)
              .toLocalDate()
              .atStartOfDay(OSLO)
              .toInstant(),
          created,
          "created_at keeps only its day");
    }
  }

  /** A settlement row is anonymised exactly when its line is: same transaction. */
  private void checkSettlement(Map<String, ObjectNode> lines, Map<String, ObjectNode> now) {
    assertEquals(calls0.keySet(), now.keySet());
    for (Map.Entry<String, ObjectNode> e : calls0.entrySet()) {
      ObjectNode before = e.getValue();
      ObjectNode after = now.get(e.getKey());
      ObjectNode line = lines.get(before.get("line_id").asText());
      if (line.get("anonymised_at").isNull()) {
        assertEquals(before, after);
      } else {
        ObjectNode expect = before.deepCopy();
        AnonymisedColumns.SETTLEMENT_CALL_CLEARED.forEach(c -> expect.putNull(c));
        expect.set("anonymised_at", after.get("anonymised_at"));
        assertFalse(after.get("anonymised_at").isNull());
        assertEquals(expect, after);
      }
    }
  }

  private void checkRejects(Map<String, ObjectNode> now) {
    assertEquals(rejects0.keySet(), now.keySet());
    for (Map.Entry<String, ObjectNode> e : rejects0.entrySet()) {
      ObjectNode expect = e.getValue().deepCopy();
      if (purged(e.getValue())) {
        expect.putNull("payload");
      }
      assertEquals(expect, now.get(e.getKey()));
    }
  }

  // ---------------------------------------------------------------- the feed

  /**
   * Per subscription of the example reference data and month March–September 2026: two calls out (a
   * mobile and a fixed number of another operator: settled), a call in over a partner trunk
   * (settled), an on-net SMS and a data session; the served number in changing raw forms. Plus the
   * boundary pair, and rejects old and recent.
   */
  private void writeFeed(Path feed) throws IOException {
    List<String[]> subs = new ArrayList<>();
    for (String line : Files.readAllLines(reference.resolve("subscription.csv"))) {
      if (!line.startsWith("subscription_id")) {
        subs.add(line.split(",", -1));
      }
    }
    int seq = 0;
    try (CdrFeedWriter w = CdrFeedWriter.jsonLines(feed)) {
      for (int s = 0; s < subs.size(); s++) {
        String[] sub = subs.get(s);
        String msisdn = sub[2];
        Instant validFrom = OffsetDateTime.parse(sub[5]).toInstant();
        Instant validTo = sub[6].isEmpty() ? Instant.MAX : OffsetDateTime.parse(sub[6]).toInstant();
        for (YearMonth month : MONTHS) {
          LocalDate day = month.atDay(3 + s % 20);
          for (int k = 0; k < 5; k++) {
            Instant at = day.atTime(LocalTime.of(9 + 2 * k, 15)).atZone(OSLO).toInstant();
            if (at.isBefore(validFrom) || !at.isBefore(validTo)) {
              continue;
            }
            String ref = "CALL-" + (++seq);
            String served = rawForm(msisdn, seq);
            w.write(
                switch (k) {
                  case 0 -> moc("MSC-OSL-1", ref, served, "+4794" + digits(seq, 6), at);
                  case 1 -> moc("MSC-OSL-1", ref, served, "+4722" + digits(seq, 6), at);
                  case 2 -> mtc("MSC-OSL-1", ref, served, "+4796" + digits(seq, 6), at);
                  case 3 -> sms("MSC-OSL-2", ref, served, "+4791000102", at);
                  default -> data("PGW-OSL-1", ref, served, at);
                });
          }
        }
      }
      Instant before = CUTOFF.minusMillis(1);
      w.write(moc("MSC-OSL-1", "EDGE-BEFORE", SUBSCRIBER, "+4794111111", before));
      w.write(moc("MSC-OSL-1", "EDGE-AT", SUBSCRIBER, "+4794111112", CUTOFF));
      // Rejects: old ones lose their payload, recent ones keep it.
      w.write(moc("MSC-OSL-1", "REJ-UNKNOWN-OLD", "+4799999999", "+4794000000", at(2026, 4, 10)));
      w.write(moc("MSC-OSL-1", "REJ-UNKNOWN-NEW", "+4799999999", "+4794000000", at(2026, 8, 10)));
      w.write(moc("MSC-OSL-1", "REJ-BADNUM-OLD", "004791000101", "9x9", at(2026, 4, 11)));
      RawCdr badTime =
          moc("MSC-OSL-1", "REJ-BADTIME", "004791000101", "+4794000000", at(2026, 8, 12));
      badTime.setAnswerTime(badTime.getSeizureTime().minusSeconds(30));
      w.write(badTime);
    }
    // An undecodable line: no event time, so its age is when it was first seen (now).
    Files.writeString(feed, "this is not a record\n", StandardOpenOption.APPEND);
  }

  private static Instant at(int y, int m, int d) {
    return LocalDate.of(y, m, d).atTime(12, 0).atZone(OSLO).toInstant();
  }

  private static String rawForm(String e164, int i) {
    String national = e164.substring(3);
    return switch (i % 4) {
      case 0 -> e164;
      case 1 -> "00" + e164.substring(1);
      case 2 -> e164.substring(1);
      default -> national;
    };
  }

  private static String digits(int n, int width) {
    String s = Integer.toString(100_000 + n % 900_000);
    return s.substring(s.length() - width);
  }

  private static RawCdr.Builder base(
      String element, String ref, RecordType type, String served, Instant answer) {
    return RawCdr.newBuilder()
        .setNetworkElement(element)
        .setCallReference(ref)
        .setSequenceNumber(0)
        .setLastPartial(true)
        .setRecordType(type)
        .setServedMsisdn(served)
        .setServedImsi(null)
        .setCallingNumber(null)
        .setCalledNumber(null)
        .setSeizureTime(answer.minusSeconds(5))
        .setAnswerTime(answer)
        .setDurationSeconds(0)
        .setCauseForTerm("NORMAL")
        .setVisitedPlmn(null)
        .setInTrunk(null)
        .setOutTrunk(null)
        .setUplinkBytes(null)
        .setDownlinkBytes(null);
  }

  private static RawCdr moc(String element, String ref, String served, String called, Instant at) {
    return base(element, ref, RecordType.MOC, served, at)
        .setCalledNumber(called)
        .setDurationSeconds(65)
        .build();
  }

  private static RawCdr mtc(String element, String ref, String served, String calling, Instant at) {
    return base(element, ref, RecordType.MTC, served, at)
        .setCallingNumber(calling)
        .setInTrunk("OSL-OPB-1")
        .setDurationSeconds(42)
        .build();
  }

  private static RawCdr sms(String element, String ref, String served, String called, Instant at) {
    return base(element, ref, RecordType.SMS_MO, served, at)
        .setCalledNumber(called)
        .setSeizureTime(at)
        .setAnswerTime(null)
        .build();
  }

  private static RawCdr data(String element, String ref, String served, Instant at) {
    return base(element, ref, RecordType.DATA, served, at)
        .setDurationSeconds(300)
        .setUplinkBytes(120_000L)
        .setDownlinkBytes(2_400_000L)
        .build();
  }

  // ---------------------------------------------------------------- invoices

  /**
   * Every account's periods are paid, except: ACC-1002 credited / open / overdue in March–May,
   * ACC-1003 disputed in April, ACC-1004 without invoice in March and open in May, ACC-1005 without
   * invoice in May, ACC-1009 without any invoice before June; September is open for all.
   */
  private void setInvoices() throws SQLException {
    Map<String, String> exceptions = new HashMap<>();
    exceptions.put("ACC-1002|2026-03", "CREDITED");
    exceptions.put("ACC-1002|2026-04", "OPEN");
    exceptions.put("ACC-1002|2026-05", "OVERDUE");
    exceptions.put("ACC-1003|2026-04", "DISPUTED");
    exceptions.put("ACC-1004|2026-03", null);
    exceptions.put("ACC-1004|2026-05", "OPEN");
    exceptions.put("ACC-1005|2026-05", null);
    for (YearMonth m : MONTHS.subList(0, 3)) {
      exceptions.put("ACC-1009|" + m, null);
    }
    try (Connection c = connect(stack.jdbcUrl(), stack.jdbcUser());
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO invoice (invoice_id, account_id, billing_period, status, paid_at)"
                    + " VALUES (?, ?, ?, ?, ?)")) {
      c.createStatement().execute("DELETE FROM invoice");
      for (int a = 1001; a <= 1009; a++) {
        for (YearMonth m : MONTHS) {
          String key = "ACC-" + a + "|" + m;
          String status =
              exceptions.containsKey(key)
                  ? exceptions.get(key)
                  : m.equals(YearMonth.of(2026, 9)) ? "OPEN" : "PAID";
          if (status == null) {
            continue;
          }
          ps.setString(1, "INV-" + m + "-" + a);
          ps.setString(2, "ACC-" + a);
          ps.setString(3, m.toString());
          ps.setString(4, status);
          ps.setObject(
              5,
              "PAID".equals(status)
                  ? m.plusMonths(1).atDay(20).atStartOfDay(OSLO).toOffsetDateTime()
                  : null);
          ps.addBatch();
        }
      }
      ps.executeBatch();
    }
  }

  // ---------------------------------------------------------------- database helpers

  /** {@code cdrflow anonymise} on the database at {@code url}. */
  private int anonymise(String url, String... extra) throws IOException {
    Path urlConfig =
        writeConfig(
            Files.createTempFile(workDir, "anonymise-", ".properties"), url, stack.jdbcUser());
    List<String> args =
        new ArrayList<>(
            List.of(
                "anonymise",
                "--as-of",
                AS_OF.toString(),
                "--config",
                urlConfig.toString(),
                "--workdir",
                workDir.toString()));
    args.addAll(List.of(extra));
    return Cdrflow.run(args.toArray(String[]::new));
  }

  private record Run(
      String id,
      LocalDate asOf,
      Instant cutoff,
      boolean dryRun,
      String status,
      Instant finishedAt,
      AnonymisationCounts counts) {}

  private static List<Run> runs(Connection c) throws SQLException {
    List<Run> runs = new ArrayList<>();
    try (Statement st = c.createStatement();
        ResultSet r =
            st.executeQuery(
                "SELECT run_id, as_of, cutoff, dry_run, status, finished_at, lines_anonymised,"
                    + " settlement_anonymised, rejects_purged, retained_unpaid, retained_disputed,"
                    + " retained_no_invoice FROM anonymisation_run ORDER BY started_at, run_id")) {
      while (r.next()) {
        OffsetDateTime finished = r.getObject(6, OffsetDateTime.class);
        runs.add(
            new Run(
                r.getString(1),
                r.getObject(2, LocalDate.class),
                r.getObject(3, OffsetDateTime.class).toInstant(),
                r.getBoolean(4),
                r.getString(5),
                finished == null ? null : finished.toInstant(),
                new AnonymisationCounts(
                    r.getLong(7),
                    r.getLong(8),
                    r.getLong(9),
                    r.getLong(10),
                    r.getLong(11),
                    r.getLong(12))));
      }
    }
    return runs;
  }

  private static Connection connect(String url, String user) throws SQLException {
    Connection c = DriverManager.getConnection(url, user, null);
    try (Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
    }
    return c;
  }

  /** Every row of a table as JSON (column name to value), by its key. */
  private static Map<String, ObjectNode> rows(Connection c, String table, String key)
      throws SQLException, IOException {
    Map<String, ObjectNode> rows = new TreeMap<>();
    try (Statement st = c.createStatement();
        ResultSet r =
            st.executeQuery("SELECT " + key + "::text, to_jsonb(t)::text FROM " + table + " t")) {
      while (r.next()) {
        rows.put(r.getString(1), (ObjectNode) JSON.readTree(r.getString(2)));
      }
    }
    return rows;
  }

  private static Map<String, String> invoices(Connection c) throws SQLException {
    Map<String, String> m = new HashMap<>();
    try (Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SELECT account_id, billing_period, status FROM invoice")) {
      while (r.next()) {
        m.put(r.getString(1) + "|" + r.getString(2), r.getString(3));
      }
    }
    return m;
  }

  private static Map<String, ObjectNode> without(Map<String, ObjectNode> rows, Set<String> cols) {
    Map<String, ObjectNode> out = new TreeMap<>();
    rows.forEach(
        (k, v) -> {
          ObjectNode copy = v.deepCopy();
          copy.remove(cols);
          out.put(k, copy);
        });
    return out;
  }

  private static Map<String, JsonNode> toMap(ObjectNode row) {
    Map<String, JsonNode> m = new TreeMap<>();
    row.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  private ObjectNode line0(String callReference) {
    return lines0.values().stream()
        .filter(l -> callReference.equals(l.get("call_reference").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line for " + callReference));
  }

  private static Instant instant(JsonNode v) {
    return v == null || v.isNull() ? null : OffsetDateTime.parse(v.asText()).toInstant();
  }

  private static long countWhere(Connection c, String table, String where) throws SQLException {
    return scalar(c, "SELECT count(*) FROM " + table + " WHERE " + where);
  }

  private static long scalar(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet r = st.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static void allowed(Connection c, String role, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCAL ROLE " + role);
      st.execute(sql);
    } finally {
      c.rollback();
    }
  }

  private static void denied(Connection c, String role, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("SET LOCAL ROLE " + role);
      st.execute(sql);
      fail(role + " may not: " + sql);
    } catch (SQLException e) {
      assertEquals("42501", e.getSQLState(), role + ": " + sql + ": " + e.getMessage());
    } finally {
      c.rollback();
    }
  }

  /** A copy of the database as it is now (before any real run), for the clean run. */
  /** A new copy {@code name} of the database {@code template}; its URL. */
  private String copyOf(String template, String name) throws Exception {
    copyDatabase(template, name);
    return url(name);
  }

  /** The URL of database {@code name} on the running stack (its port changes with a restart). */
  private String url(String name) {
    return stack.jdbcUrl().replaceFirst("/" + EmbeddedStack.DATABASE + "$", "/" + name);
  }

  private void copyDatabase(String template, String name) throws Exception {
    String adminUrl = url("postgres");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try (Connection c = connect(adminUrl, stack.jdbcUser());
          Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + name);
        st.execute("CREATE DATABASE " + name + " TEMPLATE " + template);
        break;
      } catch (SQLException e) {
        // The streaming job's last connections may still be closing.
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
  }

  /** Names the running stack, so that commands use it instead of starting their own. */
  private Path writeConfig(Path file, String jdbcUrl, String user) throws IOException {
    Files.writeString(
        file,
        "home.operator-id=HOME\n"
            + "kafka.bootstrap.servers="
            + stack.kafkaBootstrapServers()
            + "\njdbc.url="
            + jdbcUrl
            + "\njdbc.user="
            + user
            + "\nanonymisation.batch-rows=40\n",
        StandardCharsets.UTF_8);
    return file;
  }

  /**
   * The example reference data without invoices (this test sets them) and without closed billing
   * periods (every month of the feed lies in the past; closed periods would make every line LATE,
   * billed in November).
   */
  private static Path referenceWithoutBillingState(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(Path.of("..", "examples", "reference"))) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".csv")
            && !name.equals("invoice.csv")
            && !name.equals("billing_period.csv")) {
          Files.copy(f, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return dir;
  }

  private static String permissions(Path file) throws IOException {
    return java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(file));
  }
}
