package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.cli.RuntimeStack;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;
import org.cdrflow.schema.codec.CdrFeedWriter;
import org.junit.jupiter.api.Test;

/**
 * Reference data with holes: a missing rate row, partner and subscription reject the records that
 * need them with the reason that points at the table to fix; once the fix is loaded, {@code cdrflow
 * reprocess --reason R} brings each of them through exactly once, and running it again adds
 * nothing.
 */
class ReferenceDataHolesIT {
  private static final Path REFERENCE = Path.of("..", "examples", "reference");
  private static final Instant T = Instant.parse("2026-11-02T09:00:00Z");

  /** Rated, or the reject reason, by call reference, after the first replay. */
  private static final Map<String, String> FIRST_PASS =
      new TreeMap<>(
          Map.of(
              "OK1", "RATED",
              "OK2", "RATED",
              "R1", "NO_RATE",
              "R2", "NO_RATE",
              "P1", "NO_PARTNER",
              "P2", "NO_PARTNER",
              "U1", "UNKNOWN_SUBSCRIBER",
              "U2", "UNKNOWN_SUBSCRIBER"));

  @Test
  void rejectsForMissingReferenceDataComeThroughOnceAfterTheFix() throws Exception {
    Path base = Files.createTempDirectory(Path.of("target"), "holes-");
    Path workDir = base.resolve("work");
    Path holes = withHoles(base.resolve("reference-with-holes"));
    Path feed = base.resolve("feed.jsonl");
    List<RawCdr> records = feed();
    CdrFeedWriter.writeJsonLines(feed, records);

    assertEquals(
        0,
        Cdrflow.run(
            "replay",
            "--reference",
            holes.toString(),
            "--input",
            feed.toString(),
            "--workdir",
            workDir.toString()));

    try (RuntimeStack stack = RuntimeStack.open(CdrflowConfig.defaults(), workDir);
        Connection c = connect(stack)) {
      assertEquals(FIRST_PASS, outcomes(c), "each record is rated or rejected for its hole");
      // U1 was sent twice: one record, one reject (docs/reliability.md), rejected twice in the
      // audit.
      assertEquals("6", single(c, "select count(*) from rejected_cdr"), "one reject per record");
      assertEquals(
          "no rate row for plan SMART, service SMS, zone DOMESTIC",
          single(c, "select detail from rejected_cdr where reason = 'NO_RATE' limit 1"));
      assertAuditBalances(c, records.size(), 0);
      CdrflowConfig.JdbcSettings jdbc = stack.config().jdbc();
      // The fix: the complete reference data (rows present are upserted unchanged).
      new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(REFERENCE);
    }

    Map<String, Integer> fed = new TreeMap<>();
    for (String reason : List.of("NO_RATE", "NO_PARTNER", "UNKNOWN_SUBSCRIBER")) {
      fed.put(reason, reprocess(reason, workDir));
    }
    assertEquals(
        Map.of("NO_PARTNER", 2, "NO_RATE", 2, "UNKNOWN_SUBSCRIBER", 2),
        fed,
        "each reprocess feeds the open rejects of its reason, every one once");

    long reprocessed = 6;
    try (RuntimeStack stack = RuntimeStack.open(CdrflowConfig.defaults(), workDir);
        Connection c = connect(stack)) {
      assertEverythingRatedOnce(c);
      assertAuditBalances(c, records.size() + reprocessed, reprocessed);
    }

    for (String reason : List.of("NO_RATE", "NO_PARTNER", "UNKNOWN_SUBSCRIBER")) {
      assertEquals(0, reprocess(reason, workDir), reason + ": nothing left to feed");
    }
    try (RuntimeStack stack = RuntimeStack.open(CdrflowConfig.defaults(), workDir);
        Connection c = connect(stack)) {
      assertEverythingRatedOnce(c);
      assertAuditBalances(c, records.size() + reprocessed, reprocessed);
    }
  }

  /** Every call reference has exactly one invoice line, and the fixed partner is settled. */
  private static void assertEverythingRatedOnce(Connection c) throws Exception {
    Map<String, Long> lines = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select call_reference, count(*) from invoice_line group by call_reference")) {
      while (r.next()) {
        lines.put(r.getString(1), r.getLong(2));
      }
    }
    Map<String, Long> once = new TreeMap<>();
    FIRST_PASS.keySet().forEach(ref -> once.put(ref, 1L));
    assertEquals(once, lines, "one invoice line per record, the copy of U1 included in U1");
    assertEquals(
        "0",
        single(c, "select count(*) from rejected_cdr where reprocessed_at is null"),
        "no reject is open again");
    assertEquals(
        "2",
        single(c, "select count(*) from settlement_call where partner_id = 'PTN-OPB'"),
        "the calls to the partner that was missing are settled");
  }

  /**
   * Received = rated + rejected + duplicates + unanswered + pending, and a reprocessed record
   * counts as received again.
   */
  private static void assertAuditBalances(Connection c, long received, long reprocessed)
      throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select sum(received), sum(rated) + sum(rejected) + sum(duplicates)"
                    + " + sum(unanswered) + sum(pending_partials), sum(reprocessed)"
                    + " from mediation_audit")) {
      r.next();
      assertEquals(received, r.getLong(1), "received");
      assertEquals(received, r.getLong(2), "rated + rejected + duplicates + … = received");
      assertEquals(reprocessed, r.getLong(3), "reprocessed");
    }
  }

  /** Runs {@code cdrflow reprocess --reason R}; returns how many rejects it fed. */
  private static int reprocess(String reason, Path workDir) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    int exit;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      exit = Cdrflow.run("reprocess", "--reason", reason, "--workdir", workDir.toString());
    } finally {
      System.setOut(original);
    }
    String printed = out.toString(StandardCharsets.UTF_8);
    original.print(printed);
    assertEquals(0, exit, printed);
    String marker = " rejects of reason " + reason + " to feed again";
    String line =
        printed
            .lines()
            .filter(l -> l.endsWith(marker))
            .findFirst()
            .orElseThrow(AssertionError::new);
    return Integer.parseInt(line.substring(0, line.length() - marker.length()).trim());
  }

  /** Rated or the reject reason, per call reference. */
  private static Map<String, String> outcomes(Connection c) throws Exception {
    Map<String, String> got = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select call_reference from invoice_line")) {
      while (r.next()) {
        got.put(r.getString(1), "RATED");
      }
    }
    // One partition, fed in file order: the source offset is the record's index in the feed.
    List<RawCdr> records = feed();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select source_offset, reason, detail from rejected_cdr")) {
      while (r.next()) {
        assertNotNull(r.getString(3));
        String ref = records.get((int) r.getLong(1)).getCallReference().toString();
        got.merge(ref, r.getString(2), (a, b) -> a.equals(b) ? a : a + "+" + b);
      }
    }
    return got;
  }

  /** A copy of the example reference data without SMART's SMS rate, partner B and SUB-0011. */
  private static Path withHoles(Path dir) throws Exception {
    Files.createDirectories(dir);
    Map<String, Integer> cut = new TreeMap<>();
    try (Stream<Path> files = Files.list(REFERENCE)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        Predicate<String> keep =
            switch (name) {
              case "rate.csv" -> l -> !l.startsWith("SMART,SMS,DOMESTIC,");
              // the partner, and the rows that refer to it
              case "partner.csv", "trunk.csv", "interconnect_rate.csv", "transit_route.csv" ->
                  l -> !l.contains("PTN-OPB");
              case "subscription.csv" -> l -> !l.startsWith("SUB-0011,");
              default -> l -> true;
            };
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        List<String> kept = lines.stream().filter(keep).toList();
        cut.put(name, lines.size() - kept.size());
        Files.write(dir.resolve(name), kept, StandardCharsets.UTF_8);
      }
    }
    assertEquals(1, cut.get("rate.csv"));
    assertEquals(1, cut.get("partner.csv"));
    assertEquals(1, cut.get("subscription.csv"));
    return dir;
  }

  /** Two records per hole, a copy of one of them, and two that need nothing missing. */
  private static List<RawCdr> feed() {
    List<RawCdr> r = new ArrayList<>();
    r.add(call("OK1", RecordType.MOC, "+4792000104", "+4745123456", 0));
    r.add(call("R1", RecordType.SMS_MO, "+4791000101", "+4745123456", 1));
    r.add(call("P1", RecordType.MOC, "+4791000102", "+4747123456", 2));
    r.add(call("U1", RecordType.MOC, "+4792000111", "+4745123456", 3));
    r.add(call("R2", RecordType.SMS_MO, "004791000101", "45123456", 4));
    r.add(call("P2", RecordType.MOC, "4791000102", "+4748555002", 5));
    r.add(call("U2", RecordType.SMS_MO, "92000111", "+4745123456", 6));
    r.add(call("U1", RecordType.MOC, "+4792000111", "+4745123456", 3)); // sent twice
    r.add(call("OK2", RecordType.SMS_MO, "+4792000104", "+4746555001", 8));
    return r;
  }

  private static RawCdr call(
      String reference, RecordType type, String served, String called, int minute) {
    Instant at = T.plusSeconds(60L * minute);
    boolean voice = type == RecordType.MOC;
    return RawCdr.newBuilder()
        .setNetworkElement(voice ? "MSC-OSL-1" : "SMSC-OSL-1")
        .setCallReference(reference)
        .setSequenceNumber(0)
        .setLastPartial(true)
        .setRecordType(type)
        .setServedMsisdn(served)
        .setCalledNumber(called)
        .setSeizureTime(voice ? at.minusSeconds(5) : at)
        .setAnswerTime(voice ? at : null)
        .setDurationSeconds(voice ? 95 : 0)
        .setCauseForTerm("NORMAL")
        .build();
  }

  private static Connection connect(RuntimeStack stack) throws Exception {
    CdrflowConfig.JdbcSettings jdbc = stack.config().jdbc();
    return DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
  }

  private static String single(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      assertTrue(r.next(), sql);
      return r.getString(1);
    }
  }
}
