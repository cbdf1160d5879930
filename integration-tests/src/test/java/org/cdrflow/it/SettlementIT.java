package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.cdrflow.cli.Cdrflow;
import org.junit.jupiter.api.Test;

/**
 * Interconnect settlement as finance pulls it, on the real stack: the worked example's feed, then a
 * second feed replayed into the same workdir (the job resumes from its saved state) with exact
 * copies of settled records, late records for earlier days and a record sent twice
 * (examples/worked/README.md, "Second feed: duplicates and late records").
 *
 * <p>After each replay every {@code settlement_daily} row must be the sum of its {@code
 * settlement_call} rows (docs/settlement.md, reconciliation check) and every detail row must have
 * its daily row; after the second, both tables must equal the figures computed by hand, column by
 * column, the duplicates must have added nothing, the first feed's invoice lines and settlement
 * rows must be unchanged, and the monthly statement must add up to the month's daily rows.
 */
class SettlementIT {
  private static final Path WORKED = Path.of("..", "examples", "worked");
  private static final Path REFERENCE = WORKED.resolve("reference");
  private static final Path FIRST_FEED = WORKED.resolve("feed.jsonl");
  private static final Path SECOND_FEED = WORKED.resolve("second-feed.jsonl");
  private static final Path EXPECTED = WORKED.resolve("expected");

  /** Has IN and OUT, voice and SMS, and daily rows in August that a September report leaves out. */
  private static final String PARTNER = "PTN-OPB";

  private static final YearMonth MONTH = YearMonth.of(2026, 9);

  @Test
  void lateRecordsAndDuplicatesAfterAResumeAreSettledOnceOnTheirOwnDay() throws Exception {
    Path work =
        Files.createTempDirectory(Files.createDirectories(Path.of("target")), "settlement-");
    Path workDir = work.resolve("workdir");

    Path first = replay(FIRST_FEED, workDir, work.resolve("export-first"));
    assertReconciled(first, "after the first feed");
    assertTablesEqual(first, "settlement_daily.csv", "settlement_call.csv", "after the first feed");

    Path second = replay(SECOND_FEED, workDir, work.resolve("export-second"));
    assertReconciled(second, "after the second feed");
    assertTablesEqual(
        second,
        "settlement_daily-after-second.csv",
        "settlement_call-after-second.csv",
        "after the second feed");

    // Counted in raw records over both runs: W05 twice in the first feed; in the second, nine
    // copies
    // of records the first feed settled (W41's three partials among them) and the late record L06
    // twice.
    Map<String, Long> audit = auditSums(second);
    int received = lineCount(FIRST_FEED) + lineCount(SECOND_FEED);
    assertEquals(received, audit.get("received"), "every record of both feeds received: " + audit);
    assertEquals(11L, audit.get("duplicates"), "duplicates over both feeds: " + audit);
    assertEquals(
        (long) audit.get("received"),
        audit.get("rated")
            + audit.get("rejected")
            + audit.get("duplicates")
            + audit.get("unanswered")
            + audit.get("pending_partials"),
        "received = rated + rejected + duplicates + unanswered + pending: " + audit);
    assertEquals(
        (long) CsvTable.read(EXPECTED.resolve("settlement_call-after-second.csv")).rows().size(),
        audit.get("settlement_rows_written"),
        "settlement rows written over both runs: " + audit);

    // Nothing the first feed produced was changed by the copies of its records.
    assertUnchanged(first, second, "invoice_line", 12);
    assertUnchanged(first, second, "settlement_call", 12);

    assertStatementAddsUp(workDir, work.resolve("statement.csv"), second);
  }

  // ---- running

  private static Path replay(Path feed, Path workDir, Path export) {
    int exit =
        Cdrflow.run(
            "replay",
            "--reference",
            REFERENCE.toString(),
            "--input",
            feed.toString(),
            "--workdir",
            workDir.toString(),
            "--export",
            export.toString());
    assertEquals(0, exit, "cdrflow replay " + feed.getFileName() + " exit code");
    return export;
  }

  // ---- checks

  /**
   * docs/settlement.md, reconciliation: for every (partner, direction, product, currency, day) the
   * daily row's events, seconds and amount are the count and sums of its settlement_call rows, and
   * neither table has a key the other lacks.
   */
  private static void assertReconciled(Path export, String when) throws IOException {
    Map<String, Sums> fromCalls = new TreeMap<>();
    for (Map<String, String> c : CsvTable.read(export.resolve("settlement_call.csv")).rows()) {
      String key = dailyKey(c, c.get("event_date"));
      fromCalls
          .computeIfAbsent(key, k -> new Sums())
          .add(1, Long.parseLong(c.get("seconds")), new BigDecimal(c.get("amount")));
    }
    Map<String, Sums> daily = new TreeMap<>();
    for (Map<String, String> d : CsvTable.read(export.resolve("settlement_daily.csv")).rows()) {
      Sums s = new Sums();
      s.add(
          Long.parseLong(d.get("events")),
          Long.parseLong(d.get("seconds")),
          new BigDecimal(d.get("amount")));
      assertTrue(daily.put(dailyKey(d, d.get("day")), s) == null, "one daily row per key");
    }
    List<String> diffs = new ArrayList<>();
    for (Map.Entry<String, Sums> e : fromCalls.entrySet()) {
      Sums d = daily.remove(e.getKey());
      if (d == null) {
        diffs.add(e.getKey() + ": settlement_call rows " + e.getValue() + " but no daily row");
      } else if (!d.equals(e.getValue())) {
        diffs.add(e.getKey() + ": daily " + d + " but settlement_call rows sum to " + e.getValue());
      }
    }
    daily.forEach((k, d) -> diffs.add(k + ": daily " + d + " without settlement_call rows"));
    if (!diffs.isEmpty()) {
      fail(
          "settlement_daily does not reconcile with settlement_call "
              + when
              + " (export in "
              + export
              + "):\n  "
              + String.join("\n  ", diffs));
    }
  }

  /** Both settlement tables equal the hand-computed files, column by column. */
  private static void assertTablesEqual(
      Path export, String expectedDaily, String expectedCalls, String when) throws IOException {
    List<String> diffs = new ArrayList<>();
    compare(
        "settlement_daily",
        CsvTable.read(EXPECTED.resolve(expectedDaily)),
        CsvTable.read(export.resolve("settlement_daily.csv")),
        r -> dailyKey(r, r.get("day")),
        diffs);
    compare(
        "settlement_call",
        CsvTable.read(EXPECTED.resolve(expectedCalls)),
        settlementCallsBySourceRecord(export),
        r -> r.get("network_element") + "/" + r.get("call_reference"),
        diffs);
    if (!diffs.isEmpty()) {
      fail(
          diffs.size()
              + " difference(s) from the hand-computed settlement "
              + when
              + " (export in "
              + export
              + "):\n  "
              + String.join("\n  ", diffs));
    }
  }

  /**
   * Every row of the first export is in the second one unchanged (write times aside), and the
   * second has {@code added} more: one per late record, none for a duplicate.
   */
  private static void assertUnchanged(Path first, Path second, String table, int added)
      throws IOException {
    List<String> before = ExportedTables.rows(first, table);
    List<String> after = ExportedTables.rows(second, table);
    Set<String> afterSet = new HashSet<>(after);
    List<String> changed = new ArrayList<>();
    for (String row : before) {
      if (!afterSet.contains(row)) {
        changed.add(row);
      }
    }
    assertTrue(changed.isEmpty(), table + " rows of the first feed changed or gone: " + changed);
    assertEquals(before.size() + added, after.size(), table + ": rows added by the second feed");
  }

  /**
   * {@code cdrflow settlement-report} for one partner and month: its CSV lines must be the month's
   * settlement_daily rows of that partner summed per direction, product and currency.
   */
  private static void assertStatementAddsUp(Path workDir, Path csv, Path export)
      throws IOException {
    int exit =
        Cdrflow.run(
            "settlement-report",
            "--partner",
            PARTNER,
            "--month",
            MONTH.toString(),
            "--workdir",
            workDir.toString(),
            "--out",
            csv.toString());
    assertEquals(0, exit, "cdrflow settlement-report exit code");

    Map<String, Sums> fromDaily = new TreeMap<>();
    boolean otherMonths = false;
    for (Map<String, String> d : CsvTable.read(export.resolve("settlement_daily.csv")).rows()) {
      if (!PARTNER.equals(d.get("partner_id"))) {
        continue;
      }
      if (!YearMonth.from(LocalDate.parse(d.get("day"))).equals(MONTH)) {
        otherMonths = true;
        continue;
      }
      fromDaily
          .computeIfAbsent(statementKey(d), k -> new Sums())
          .add(
              Long.parseLong(d.get("events")),
              Long.parseLong(d.get("seconds")),
              new BigDecimal(d.get("amount")));
    }
    assertTrue(otherMonths, PARTNER + " has daily rows outside " + MONTH + " to leave out");
    assertFalse(fromDaily.isEmpty(), PARTNER + " has daily rows in " + MONTH);

    Map<String, Sums> statement = new TreeMap<>();
    for (Map<String, String> line : CsvTable.read(csv).rows()) {
      assertEquals(PARTNER, line.get("partner_id"), "statement partner");
      assertEquals(MONTH.toString(), line.get("month"), "statement month");
      long seconds = Long.parseLong(line.get("seconds"));
      assertEquals(
          0,
          BigDecimal.valueOf(seconds)
              .divide(BigDecimal.valueOf(60), 2, RoundingMode.HALF_UP)
              .compareTo(new BigDecimal(line.get("minutes"))),
          "minutes = seconds / 60, 2 decimals half-up: " + line);
      Sums s = new Sums();
      s.add(Long.parseLong(line.get("events")), seconds, new BigDecimal(line.get("amount")));
      assertTrue(statement.put(statementKey(line), s) == null, "one line per key: " + line);
    }
    assertEquals(fromDaily, statement, "statement of " + PARTNER + " " + MONTH + " (" + csv + ")");
  }

  private static Map<String, Long> auditSums(Path export) throws IOException {
    Map<String, Long> sums = new TreeMap<>();
    for (String c :
        List.of(
            "received",
            "rejected",
            "duplicates",
            "unanswered",
            "rated",
            "settlement_rows_written",
            "pending_partials")) {
      sums.put(c, ExportedTables.sum(export, "mediation_audit", c));
    }
    return sums;
  }

  // ---- comparing (as WorkedExampleIT does)

  /**
   * settlement_call names its invoice line by line_id: the source record (network element, call
   * reference) comes from that line.
   */
  private static CsvTable settlementCallsBySourceRecord(Path export) throws IOException {
    Map<String, Map<String, String>> lineById = new TreeMap<>();
    for (Map<String, String> l : CsvTable.read(export.resolve("invoice_line.csv")).rows()) {
      lineById.put(l.get("line_id"), l);
    }
    CsvTable calls = CsvTable.read(export.resolve("settlement_call.csv"));
    calls.header().addAll(List.of("network_element", "call_reference"));
    for (Map<String, String> s : calls.rows()) {
      Map<String, String> line = lineById.get(s.get("line_id"));
      s.put("network_element", line == null ? "(no invoice line)" : line.get("network_element"));
      s.put("call_reference", line == null ? s.get("line_id") : line.get("call_reference"));
    }
    return calls;
  }

  /** Every expected row with every expected column; an unexpected row is a difference too. */
  private static void compare(
      String table,
      CsvTable expected,
      CsvTable actual,
      Function<Map<String, String>, String> key,
      List<String> diffs) {
    assertFalse(expected.rows().isEmpty(), table + ": the expected file has rows");
    for (String column : expected.header()) {
      if (!actual.header().contains(column)) {
        diffs.add(table + ": the export has no column " + column);
      }
    }
    Map<String, Map<String, String>> actualByKey = new LinkedHashMap<>();
    for (Map<String, String> row : actual.rows()) {
      if (actualByKey.put(key.apply(row), row) != null) {
        diffs.add(table + ": more than one row for " + key.apply(row));
      }
    }
    for (Map<String, String> want : expected.rows()) {
      String k = key.apply(want);
      Map<String, String> got = actualByKey.remove(k);
      if (got == null) {
        diffs.add(table + " (" + k + "): no such row in the export");
        continue;
      }
      for (String column : expected.header()) {
        String e = want.get(column);
        String a = got.getOrDefault(column, "(no column)");
        if (!e.equals(a)) {
          diffs.add(
              table + " (" + k + ") " + column + ": expected '" + e + "', actual '" + a + "'");
        }
      }
    }
    for (String extra : actualByKey.keySet()) {
      diffs.add(table + ": unexpected row in the export (" + extra + ")");
    }
  }

  private static String dailyKey(Map<String, String> r, String day) {
    return String.join(
        "/", r.get("partner_id"), r.get("direction"), r.get("product"), r.get("currency"), day);
  }

  private static String statementKey(Map<String, String> r) {
    return String.join("/", r.get("direction"), r.get("product"), r.get("currency"));
  }

  private static int lineCount(Path feed) throws IOException {
    return (int)
        Files.readAllLines(feed, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).count();
  }

  /** Events, seconds and amount of a group of rows; amounts compared by value, not by scale. */
  private static final class Sums {
    long events;
    long seconds;
    BigDecimal amount = BigDecimal.ZERO;

    void add(long events, long seconds, BigDecimal amount) {
      this.events += events;
      this.seconds += seconds;
      this.amount = this.amount.add(amount);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Sums s
          && events == s.events
          && seconds == s.seconds
          && amount.compareTo(s.amount) == 0;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(events) * 31 + Long.hashCode(seconds);
    }

    @Override
    public String toString() {
      return events + " events, " + seconds + " s, " + amount.toPlainString();
    }
  }
}
