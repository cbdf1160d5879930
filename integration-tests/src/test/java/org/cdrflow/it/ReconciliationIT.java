package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratorSettings;
import org.junit.jupiter.api.Test;

/**
 * Partner reconciliation on the real stack (docs/reconciliation.md): a generated feed is replayed,
 * the generator writes the busiest partner's view of it with planted differences and their ground
 * truth, and {@code cdrflow reconcile} must find every planted difference and no other. A second
 * run of the same files changes nothing; a bad file is refused and stores nothing.
 */
class ReconciliationIT {
  private static final String MONTH = "2026-10";

  @Test
  void reconciliationFindsEveryPlantedDifferenceAndNoOther() throws Exception {
    Path base = Files.createTempDirectory(Path.of("target"), "reconciliation-");
    Path feed = base.resolve("feed.jsonl");
    Path reference = base.resolve("reference");
    Path work = base.resolve("work");
    Path export = base.resolve("export");
    FeedGenerator.write(GeneratorSettings.of(8_000, 150, 20261020L), feed, reference);
    Replay.run(reference, feed, work, "--export", export.toString());

    String partner = busiestPartner(export.resolve("settlement_call.csv"));
    Path partnerDir = base.resolve("partner");
    assertEquals(
        0,
        Cdrflow.run(
            "generate",
            "--partner-statement",
            partner,
            "--settlement-calls",
            export.resolve("settlement_call.csv").toString(),
            "--month",
            MONTH,
            "--seed",
            "7",
            "--out",
            partnerDir.toString()));
    CsvTable planted = CsvTable.read(partnerDir.resolve("planted.csv"));
    for (String kind : List.of("missing", "extra", "clock-skew", "rounded-duration", "day-rate")) {
      assertTrue(
          planted.rows().stream().anyMatch(r -> r.get("kind").equals(kind)),
          "the generator planted some " + kind);
    }

    Path dispute = base.resolve("dispute.csv");
    assertEquals(0, reconcile(work, partner, partnerDir, dispute));
    assertEquals(truth(planted), found(CsvTable.read(dispute)));

    String run;
    String items;
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      run = dump(c, "select * from reconciliation_run");
      items = dump(c, "select * from reconciliation_item order by item_id");
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "select our_calls, their_calls, matched, matched_with_difference, ours_only,"
                      + " theirs_only, our_total_amount, their_total_amount, amount_difference,"
                      + " days_with_difference + days_ours_only + days_theirs_only"
                      + " from reconciliation_run")) {
        assertTrue(r.next());
        long ours = r.getLong(1);
        long theirs = r.getLong(2);
        assertEquals(ours, r.getLong(3) + r.getLong(4) + r.getLong(5), "each of ours in one class");
        assertEquals(
            theirs, r.getLong(3) + r.getLong(4) + r.getLong(6), "each of theirs in one class");
        assertEquals(
            0, r.getBigDecimal(8).subtract(r.getBigDecimal(7)).compareTo(r.getBigDecimal(9)));
        assertTrue(r.getLong(10) > 0, "the statement differs on the days of planted differences");
      }
      // Every statement day that holds a missing, extra, rounded or re-rated call differs.
      assertEquals(
          0,
          count(
              c,
              "reconciliation_item d where d.level = 'DAY' and d.class = 'MATCHED' and exists"
                  + " (select 1 from reconciliation_item i where i.level = 'CALL'"
                  + " and i.day = d.day and coalesce(i.product, i.their_product) = d.product"
                  + " and i.direction = d.direction and (i.class <> 'MATCHED_WITH_DIFFERENCE'"
                  + " or not (cardinality(i.differences) = 1"
                  + " and i.differences[1] like 'start:%')))"));
    }

    // The same files again: nothing changes.
    assertEquals(0, reconcile(work, partner, partnerDir, base.resolve("dispute-2.csv")));
    assertEquals(
        Files.readString(dispute), Files.readString(base.resolve("dispute-2.csv")), "same CSV");

    // A bad file is refused with file, line and column, and stores nothing.
    Path bad = base.resolve("bad");
    Files.createDirectories(bad);
    Files.copy(partnerDir.resolve("statement.csv"), bad.resolve("statement.csv"));
    List<String> lines =
        new ArrayList<>(Files.readAllLines(partnerDir.resolve("partner-cdrs.csv")));
    lines.set(5, lines.get(5).replaceFirst(",[0-9]+,(IN|OUT),", ",12x,$1,"));
    Files.write(bad.resolve("partner-cdrs.csv"), lines, StandardCharsets.UTF_8);
    var err = new java.io.ByteArrayOutputStream();
    var oldErr = System.err;
    int exit;
    try {
      System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
      exit = reconcile(work, partner, bad, base.resolve("dispute-bad.csv"));
    } finally {
      System.setErr(oldErr);
    }
    assertNotEquals(0, exit);
    assertTrue(
        err.toString(StandardCharsets.UTF_8)
            .contains("partner-cdrs.csv: line 6, column 5 (duration_s)"),
        err.toString(StandardCharsets.UTF_8));

    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      assertEquals(run, dump(c, "select * from reconciliation_run"), "the run row is unchanged");
      assertEquals(
          items,
          dump(c, "select * from reconciliation_item order by item_id"),
          "the items are unchanged");
    }
  }

  private static int reconcile(Path work, String partner, Path dir, Path out) {
    return Cdrflow.run(
        "reconcile",
        "--partner",
        partner,
        "--month",
        MONTH,
        "--statement",
        dir.resolve("statement.csv").toString(),
        "--partner-cdrs",
        dir.resolve("partner-cdrs.csv").toString(),
        "--workdir",
        work.toString(),
        "--out",
        out.toString());
  }

  /** The planted differences: class, our id, their id (for THEIRS_ONLY) and fields. */
  private static TreeSet<String> truth(CsvTable planted) {
    TreeSet<String> t = new TreeSet<>();
    for (Map<String, String> r : planted.rows()) {
      String fields = r.get("fields");
      String[] f = fields.isEmpty() ? new String[0] : fields.split("\\|");
      Arrays.sort(f);
      t.add(
          r.get("class")
              + " "
              + r.get("settlement_id")
              + " "
              + (r.get("class").equals("THEIRS_ONLY") ? r.get("their_call_id") : "")
              + " "
              + String.join("|", f));
    }
    return t;
  }

  private static TreeSet<String> found(CsvTable dispute) {
    TreeSet<String> t = new TreeSet<>();
    for (Map<String, String> r : dispute.rows()) {
      String diffs = r.get("differences");
      List<String> f = new ArrayList<>();
      if (!diffs.isEmpty()) {
        for (String d : diffs.split("\\|")) {
          f.add(d.substring(0, d.indexOf(':')));
        }
      }
      f.sort(null);
      t.add(
          r.get("class")
              + " "
              + r.get("settlement_id")
              + " "
              + (r.get("class").equals("THEIRS_ONLY") ? r.get("their_call_id") : "")
              + " "
              + String.join("|", f));
    }
    return t;
  }

  private static String busiestPartner(Path settlementCalls) throws Exception {
    Map<String, Integer> n = new TreeMap<>();
    for (Map<String, String> r : CsvTable.read(settlementCalls).rows()) {
      if (r.get("event_date").startsWith(MONTH)) {
        n.merge(r.get("partner_id"), 1, Integer::sum);
      }
    }
    return n.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }

  private static Connection connect(EmbeddedStack stack) throws Exception {
    return DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }

  private static long count(Connection c, String tableAndWhere) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select count(*) from " + tableAndWhere)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static String dump(Connection c, String sql) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      ResultSetMetaData m = r.getMetaData();
      while (r.next()) {
        for (int i = 1; i <= m.getColumnCount(); i++) {
          sb.append(m.getColumnName(i)).append('=').append(r.getString(i)).append(' ');
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }
}
