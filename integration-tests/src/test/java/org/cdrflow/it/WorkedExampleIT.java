package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.RawCdrCodec;
import org.junit.jupiter.api.Test;

/**
 * The worked example of {@code examples/worked} (its README explains every line): the feed is
 * replayed through the real command on the embedded stack, and what billing and finance would pull
 * must equal the lines computed by hand, column by column.
 *
 * <p>The expected files leave out the generated ids and timestamps of the export. Invoice lines are
 * matched by (network_element, call_reference, direction); settlement rows by the network element
 * and call reference of their invoice line (joined on line_id); rejects by the network element and
 * call reference of their original record (decoded from the kept payload).
 */
class WorkedExampleIT {
  private static final Path WORKED = Path.of("..", "examples", "worked");
  private static final Path REFERENCE = WORKED.resolve("reference");
  private static final Path FEED = WORKED.resolve("feed.jsonl");
  private static final Path EXPECTED = WORKED.resolve("expected");

  /**
   * Pairs of adjacent feed records (by call reference) whose event times differ by less than the
   * 2-minute watermark bound; in each pair the order decides who gets the allowance or the price
   * (docs/rating.md, "Allowances"; docs/settlement.md, rate changes).
   */
  private static final List<String[]> SWAPPED =
      List.of(
          new String[] {"W02", "W03"}, // 400 s call, then a forwarded leg: one allowance left
          new String[] {"W06", "W07"}, // the 2nd and 3rd SMS of the month: the 3rd is charged
          new String[] {"W21", "W22"}); // either side of the interconnect rate change at midnight

  @Test
  void theFeedGivesTheLinesComputedByHand() throws Exception {
    Path export = replay(FEED, "worked-");
    compareWithExpected(export, Files.readAllLines(FEED).size());
  }

  @Test
  void anotherArrivalOrderWithinTheWatermarkBoundGivesTheSameLines() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(FEED, StandardCharsets.UTF_8));
    for (String[] pair : SWAPPED) {
      int a = indexOf(lines, pair[0]);
      int b = indexOf(lines, pair[1]);
      assertEquals(a + 1, b, pair[0] + " and " + pair[1] + " are adjacent in the feed");
      long gap = eventTime(lines.get(b)) - eventTime(lines.get(a));
      assertTrue(gap >= 0 && gap < 120_000, pair[0] + "/" + pair[1] + " are within the bound");
      Collections.swap(lines, a, b);
    }
    Path dir = Files.createDirectories(Path.of("target"));
    Path feed = Files.createTempFile(dir, "worked-reordered-", ".jsonl");
    Files.write(feed, lines, StandardCharsets.UTF_8);

    Path export = replay(feed, "worked-reordered-");
    compareWithExpected(export, lines.size());
  }

  // ---- running

  private static Path replay(Path feed, String prefix) throws IOException {
    Path work = Files.createTempDirectory(Files.createDirectories(Path.of("target")), prefix);
    Path export = work.resolve("export");
    int exit =
        Cdrflow.run(
            "replay",
            "--reference",
            REFERENCE.toString(),
            "--input",
            feed.toString(),
            "--workdir",
            work.resolve("workdir").toString(),
            "--export",
            export.toString());
    assertEquals(0, exit, "cdrflow replay exit code");
    return export;
  }

  // ---- comparing

  private static void compareWithExpected(Path export, int feedRecords) throws IOException {
    List<String> diffs = new ArrayList<>();

    CsvTable lines = CsvTable.read(export.resolve("invoice_line.csv"));
    compare(
        "invoice_line",
        CsvTable.read(EXPECTED.resolve("invoice_line.csv")),
        lines,
        r -> r.get("network_element") + "/" + r.get("call_reference") + "/" + r.get("direction"),
        diffs);

    // A settlement row names its invoice line by line_id: take the source record from the line.
    Map<String, Map<String, String>> lineById = new TreeMap<>();
    for (Map<String, String> l : lines.rows()) {
      lineById.put(l.get("line_id"), l);
    }
    CsvTable settlement = CsvTable.read(export.resolve("settlement_call.csv"));
    settlement.header().addAll(List.of("network_element", "call_reference"));
    for (Map<String, String> s : settlement.rows()) {
      Map<String, String> line = lineById.get(s.get("line_id"));
      s.put("network_element", line == null ? "(no invoice line)" : line.get("network_element"));
      s.put("call_reference", line == null ? s.get("line_id") : line.get("call_reference"));
    }
    compare(
        "settlement_call",
        CsvTable.read(EXPECTED.resolve("settlement_call.csv")),
        settlement,
        r -> r.get("network_element") + "/" + r.get("call_reference"),
        diffs);

    compare(
        "settlement_daily",
        CsvTable.read(EXPECTED.resolve("settlement_daily.csv")),
        CsvTable.read(export.resolve("settlement_daily.csv")),
        r ->
            String.join(
                "/",
                r.get("partner_id"),
                r.get("direction"),
                r.get("product"),
                r.get("currency"),
                r.get("day")),
        diffs);

    // A reject keeps the original record: its network element and call reference identify it.
    CsvTable rejects = CsvTable.read(export.resolve("rejected_cdr.csv"));
    rejects.header().addAll(List.of("network_element", "call_reference"));
    for (Map<String, String> r : rejects.rows()) {
      RawCdr cdr = decodePayload(r.get("payload"));
      r.put("network_element", cdr == null ? "(no payload)" : cdr.getNetworkElement());
      r.put("call_reference", cdr == null ? r.get("reject_id") : cdr.getCallReference());
    }
    CsvTable expectedRejects = CsvTable.read(EXPECTED.resolve("rejected_cdr.csv"));
    compare(
        "rejected_cdr",
        expectedRejects,
        rejects,
        r -> r.get("network_element") + "/" + r.get("call_reference"),
        diffs);

    if (!diffs.isEmpty()) {
      fail(
          diffs.size()
              + " difference(s) from the hand-computed worked example (export in "
              + export
              + "):\n  "
              + String.join("\n  ", diffs));
    }

    checkAudit(
        CsvTable.read(export.resolve("mediation_audit.csv")),
        feedRecords,
        expectedRejects,
        CsvTable.read(EXPECTED.resolve("invoice_line.csv")).rows().size(),
        CsvTable.read(EXPECTED.resolve("settlement_call.csv")).rows().size());
  }

  /**
   * Every expected row must be there with every expected column equal; an actual row that is not
   * expected is a difference too. Columns of the export that the expected file leaves out (ids,
   * created_at, ...) are not compared.
   */
  private static void compare(
      String table,
      CsvTable expected,
      CsvTable actual,
      Function<Map<String, String>, String> key,
      List<String> diffs) {
    assertTrue(!expected.rows().isEmpty(), table + ": the expected file has rows");
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
    int lineNo = 1; // the header
    for (Map<String, String> want : expected.rows()) {
      lineNo++;
      String k = key.apply(want);
      Map<String, String> got = actualByKey.remove(k);
      if (got == null) {
        diffs.add(table + " expected line " + lineNo + " (" + k + "): no such row in the export");
        continue;
      }
      for (String column : expected.header()) {
        String e = want.get(column);
        String a = got.getOrDefault(column, "(no column)");
        if (!e.equals(a)) {
          diffs.add(
              table
                  + " expected line "
                  + lineNo
                  + " ("
                  + k
                  + ") column "
                  + column
                  + ": expected '"
                  + e
                  + "', actual '"
                  + a
                  + "'");
        }
      }
    }
    for (String extra : actualByKey.keySet()) {
      diffs.add(table + ": unexpected row in the export (" + extra + ")");
    }
  }

  /**
   * The audit equation of mediation_audit, in raw records (each partial is one): received = rated +
   * rejected + duplicates + unanswered + pending, summed over the processing hours of the run.
   */
  private static void checkAudit(
      CsvTable audit, int feedRecords, CsvTable expectedRejects, int lines, int settlementRows)
      throws IOException {
    Map<String, Long> sum = new TreeMap<>();
    Map<String, Long> byReason = new TreeMap<>();
    ObjectMapper json = new ObjectMapper();
    for (Map<String, String> hour : audit.rows()) {
      for (String c :
          List.of(
              "received",
              "rejected",
              "duplicates",
              "partials_joined",
              "unanswered",
              "rated",
              "lines_written",
              "settlement_rows_written",
              "pending_partials")) {
        sum.merge(c, Long.parseLong(hour.get(c)), Long::sum);
      }
      JsonNode reasons = json.readTree(hour.get("rejected_by_reason"));
      for (Iterator<Map.Entry<String, JsonNode>> it = reasons.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        byReason.merge(e.getKey(), e.getValue().asLong(), Long::sum);
      }
    }
    String s = "mediation_audit summed over its hours " + sum + " " + byReason;
    assertEquals(
        (long) sum.get("received"),
        sum.get("rated")
            + sum.get("rejected")
            + sum.get("duplicates")
            + sum.get("unanswered")
            + sum.get("pending_partials"),
        "received = rated + rejected + duplicates + unanswered + pending: " + s);
    assertEquals(feedRecords, sum.get("received"), "every feed record received: " + s);
    Map<String, Long> expectedByReason = new TreeMap<>();
    for (Map<String, String> r : expectedRejects.rows()) {
      expectedByReason.merge(r.get("reason"), 1L, Long::sum);
    }
    assertEquals(expectedByReason, byReason, "rejects by reason: " + s);
    assertEquals(expectedRejects.rows().size(), sum.get("rejected"), "rejected: " + s);
    // The worked example has one duplicate (W05 twice), one unanswered call (W04), and 3 + 2
    // partial records of two long calls (W41 joined, W42 incomplete); nothing stays pending.
    assertEquals(1L, sum.get("duplicates"), "duplicates: " + s);
    assertEquals(1L, sum.get("unanswered"), "unanswered: " + s);
    assertEquals(5L, sum.get("partials_joined"), "partials joined: " + s);
    assertEquals(0L, sum.get("pending_partials"), "pending partials after the drain: " + s);
    assertEquals(lines, sum.get("lines_written"), "lines written: " + s);
    assertEquals(settlementRows, sum.get("settlement_rows_written"), "settlement rows: " + s);
  }

  // ---- files

  private static int indexOf(List<String> feedLines, String callReference) {
    String needle = "\"callReference\":\"" + callReference + "\"";
    for (int i = 0; i < feedLines.size(); i++) {
      if (feedLines.get(i).contains(needle)) {
        return i;
      }
    }
    throw new AssertionError("no record " + callReference + " in the feed");
  }

  /** Event time of one Avro JSON feed line: answerTime when present, else seizureTime. */
  private static long eventTime(String feedLine) throws IOException {
    JsonNode r = new ObjectMapper().readTree(feedLine);
    JsonNode answer = r.get("answerTime");
    return answer != null && !answer.isNull()
        ? answer.get("long").asLong()
        : r.get("seizureTime").asLong();
  }

  private static RawCdr decodePayload(String base64) {
    if (base64 == null || base64.isEmpty()) {
      return null;
    }
    try {
      return RawCdrCodec.decode(Base64.getDecoder().decode(base64));
    } catch (Exception e) {
      return null;
    }
  }
}
