package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.junit.jupiter.api.Test;

/**
 * Period readiness on the real stack (docs/interfaces.md, "Period readiness"): the worked example's
 * September feed and one October call move September to COMPLETE (the job closes it, as nobody
 * did); a late September call replayed afterwards becomes a LATE line of October, and no line lands
 * in the COMPLETE period. Billing then sees September in its view, exports it with checksums and
 * marks it INVOICED; October, still OPEN, can be neither exported nor closed.
 */
class PeriodReadinessIT {
  private static final Path WORKED = Path.of("..", "examples", "worked");

  @Test
  void noLineLandsInACompletePeriod() throws Exception {
    Path base = Files.createTempDirectory(Path.of("target"), "period-readiness-");
    Path work = base.resolve("work");
    Path config = base.resolve("cdrflow.properties");
    // A short lateness and refresh keep the test quick; the rules are the same as with defaults.
    Files.writeString(config, "period.lateness=PT1H\nreference.refresh-interval=PT1S\n");
    String template = Files.readAllLines(WORKED.resolve("feed.jsonl")).get(0);

    List<String> first = new ArrayList<>(Files.readAllLines(WORKED.resolve("feed.jsonl")));
    first.add(call(template, "R-OCT-1", Instant.parse("2026-10-01T12:00:00Z")));
    Path feed1 = base.resolve("feed-1.jsonl");
    Files.write(feed1, first, StandardCharsets.UTF_8);
    replay(config, work, feed1);

    Path feed2 = base.resolve("feed-2.jsonl");
    Files.write(
        feed2,
        List.of(
            call(template, "R-SEP-LATE", Instant.parse("2026-09-29T10:00:00Z")),
            call(template, "R-OCT-2", Instant.parse("2026-10-02T12:00:00Z"))),
        StandardCharsets.UTF_8);
    replay(config, work, feed2);

    long septemberLines;
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      Map<String, String> sep = row(c, "select * from billing_period where period = '2026-09'");
      assertEquals("COMPLETE", sep.get("readiness"), sep.toString());
      assertNotNull(sep.get("closed_at"), "the job closed the period nobody closed");
      Map<String, String> aug = row(c, "select * from billing_period where period = '2026-08'");
      assertEquals("COMPLETE", aug.get("readiness"));
      assertTrue(aug.get("closed_at").startsWith("2026-09-07"), "BSS's closed_at kept: " + aug);
      assertEquals(
          "OPEN",
          row(c, "select readiness from billing_period where period = '2026-10'").get("readiness"));

      Map<String, String> late =
          row(
              c,
              "select billing_period, usage_period, array_to_string(flags, '|') as flags"
                  + " from invoice_line where call_reference = 'R-SEP-LATE'");
      assertEquals("2026-10", late.get("billing_period"), late.toString());
      assertEquals("2026-09", late.get("usage_period"));
      assertTrue(late.get("flags").contains("LATE"), late.toString());

      assertEquals(
          0,
          count(
              c,
              "invoice_line l join billing_period p on p.period = l.billing_period"
                  + " where p.readiness = 'COMPLETE'"
                  + " and (l.created_at > p.completed_at or l.updated_at > p.completed_at)"),
          "no line landed in or changed in a COMPLETE period after it completed");
      septemberLines = count(c, "invoice_line where billing_period = '2026-09'");
      assertTrue(septemberLines > 0);
      assertEquals(
          septemberLines, count(c, "billing_invoice_line_v1 where billing_period = '2026-09'"));
      assertEquals(
          0, count(c, "billing_invoice_line_v1 where billing_period = '2026-10'"), "OPEN: hidden");
    }

    Path export = base.resolve("export-2026-09");
    assertEquals(
        0,
        cli(
            "export-period",
            "--period",
            "2026-09",
            "--out",
            export.toString(),
            "--workdir",
            work.toString()));
    CsvTable manifest = CsvTable.read(export.resolve("manifest.csv"));
    long exported = 0;
    for (Map<String, String> m : manifest.rows()) {
      byte[] bytes = Files.readAllBytes(export.resolve(m.get("file")));
      assertEquals(
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
          m.get("sha256"),
          m.get("file"));
      CsvTable lines = CsvTable.read(export.resolve(m.get("file")));
      assertEquals(Long.parseLong(m.get("lines")), lines.rows().size());
      BigDecimal sum =
          lines.rows().stream()
              .map(r -> new BigDecimal(r.get("amount")))
              .reduce(BigDecimal.ZERO, BigDecimal::add);
      assertEquals(0, sum.compareTo(new BigDecimal(m.get("amount"))), m.get("file"));
      assertTrue(
          lines.rows().stream().allMatch(r -> r.get("account_id").equals(m.get("account_id"))));
      exported += lines.rows().size();
    }
    assertEquals(septemberLines, exported, "every line of the period in one account file");
    Path again = base.resolve("export-again");
    assertEquals(
        0,
        cli(
            "export-period",
            "--period",
            "2026-09",
            "--out",
            again.toString(),
            "--workdir",
            work.toString()));
    assertEquals(
        Files.readString(export.resolve("manifest.csv")),
        Files.readString(again.resolve("manifest.csv")),
        "the same period exports the same bytes");

    assertNotEquals(
        0,
        cli(
            "export-period",
            "--period",
            "2026-10",
            "--out",
            base.resolve("export-2026-10").toString(),
            "--workdir",
            work.toString()));
    assertNotEquals(0, cli("period", "close", "2026-10", "--workdir", work.toString()));
    assertEquals(0, cli("period", "close", "2026-09", "--workdir", work.toString()));
    assertEquals(0, cli("period", "close", "2026-09", "--workdir", work.toString()), "again");
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      Map<String, String> sep = row(c, "select * from billing_period where period = '2026-09'");
      assertEquals("INVOICED", sep.get("readiness"));
      assertNotNull(sep.get("invoiced_at"));
      assertEquals(
          septemberLines, count(c, "billing_invoice_line_v1 where billing_period = '2026-09'"));
    }
  }

  /** The template call with another reference and start (answered 10 s after seizure). */
  private static String call(String template, String reference, Instant answer) {
    long a = answer.toEpochMilli();
    return template
        .replaceFirst("\"callReference\":\"[^\"]*\"", "\"callReference\":\"" + reference + "\"")
        .replaceFirst("\"seizureTime\":[0-9]+", "\"seizureTime\":" + (a - 10_000))
        .replaceFirst(
            "\"answerTime\":\\{\"long\":[0-9]+\\}", "\"answerTime\":{\"long\":" + a + "}");
  }

  private static void replay(Path config, Path work, Path feed) {
    assertEquals(
        0,
        cli(
            "replay",
            "--config",
            config.toString(),
            "--reference",
            WORKED.resolve("reference").toString(),
            "--input",
            feed.toString(),
            "--workdir",
            work.toString()));
  }

  private static int cli(String... args) {
    return Cdrflow.run(args);
  }

  private static Connection connect(EmbeddedStack stack) throws Exception {
    return DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }

  private static long count(Connection c, String from) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select count(*) from " + from)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static Map<String, String> row(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      assertTrue(r.next(), sql);
      Map<String, String> m = new java.util.LinkedHashMap<>();
      for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
        m.put(r.getMetaData().getColumnName(i), r.getString(i));
      }
      return m;
    }
  }
}
