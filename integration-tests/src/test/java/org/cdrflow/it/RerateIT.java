package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.cli.ExplainCommand;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.cdrflow.rerating.RerateDiff;
import org.cdrflow.rerating.RerateRun;
import org.cdrflow.rerating.ShadowPublisher;
import org.junit.jupiter.api.Test;

/**
 * Shadow re-rating on the real stack (docs/rerating.md), on the worked example (examples/worked):
 * replay → a new version of MINI's SMS DOMESTIC rate (0.69 → 0.99 from 1 September) → rerate → the
 * diff lists exactly W05, W06 and W07 of ACC-1001 (the third SMS of the month is the only one
 * charged: +0.30) → publish, killed after its first line and run again → the lines equal the worked
 * example's expected lines (a clean replay, WorkedExampleIT) with the corrected price, except the
 * RERATED flag; a second publish changes nothing. Then September is invoiced, a third version
 * (1.29) is re-rated and published: the issued lines stay, one ADJUSTMENT line of +0.30 in October
 * carries the difference. And explain of W23 prints its derivation. A new interconnect_rate version
 * in the same run re-settles W30: the diff lists its partner's day, publish updates its
 * settlement_call row in place and its settlement_daily row by the difference, once.
 */
class RerateIT {
  private static final Path WORKED = Path.of("..", "examples", "worked");

  @Test
  void rerateDiffPublishAndAdjust() throws Exception {
    Path base = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "rerate-");
    Path work = base.resolve("work");
    assertEquals(
        0,
        Cdrflow.run(
            "replay",
            "--reference",
            WORKED.resolve("reference").toString(),
            "--input",
            WORKED.resolve("feed.jsonl").toString(),
            "--workdir",
            work.toString()));

    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      JdbcSettings jdbc =
          new JdbcSettings(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword(), null);
      Map<String, String> before = lines(c);

      // explain of a worked-example line (docs/rating.md: W23, a fair-use surcharge from Spain).
      String w23 = query(c, "select line_id from invoice_line where call_reference = 'W23'");
      String explained = ExplainCommand.explain(jdbc, UUID.fromString(w23), false);
      assertTrue(explained.contains("row 10 of the zone table decided"), explained);
      assertTrue(explained.contains("600 s left before, 300 after"), explained);
      assertTrue(explained.contains("300 × 0.22 / 60 = 1.10 NOK"), explained);

      // A new version of one rate row, and of one interconnect rate (PTN-ICX's VOICE_INTL 0.85 →
      // 0.90 from 1 September: W30, 100 s on 17 September, 1.416667 → 1.500000).
      loadRate(stack, base, "MINI,SMS,DOMESTIC,0,0.9900,,,2026-09-01T00:00:00+02:00");
      loadReference(
          base,
          stack,
          "interconnect_rate.csv",
          "partner_id,direction,product,price,unit,currency,valid_from",
          "PTN-ICX,OUT,VOICE_INTL,0.900000,MINUTE,NOK,2026-09-01T00:00:00+02:00");
      String settlementBefore = settlement(c);
      String run = new RerateRun(jdbc, 2).run(YearMonth.of(2026, 9), null, null).runId();
      assertEquals(before, lines(c), "rerate writes only the shadow tables");
      assertEquals(
          "W05 [rate_valid_from, unit_price] 0.00→0.00|W06 [rate_valid_from, unit_price] 0.00→0.00"
              + "|W07 [amount, rate_valid_from, unit_price] 0.69→0.99",
          diff(c, run));
      assertEquals(
          "ACC-1001 3 0.30",
          query(
              c,
              "select account_id || ' ' || count(*) || ' ' || sum(amount - old_amount)"
                  + " from rerate_line where run_id = '"
                  + run
                  + "' group by account_id"));
      assertEquals(
          "0.30",
          query(
              c, "select total_after - total_before from rerate_run where run_id = '" + run + "'"));
      String text = RerateDiff.toText(RerateDiff.read(jdbc, run));
      assertTrue(text.contains("ACC-1001"), text);
      assertEquals(settlementBefore, settlement(c), "rerate writes only the shadow tables");
      RerateDiff.SettlementDay icx = RerateDiff.read(jdbc, run).settlement().get(0);
      assertEquals(
          "PTN-ICX 2026-09-17 OUT VOICE_INTL NOK 1 1.416667 1.500000 0.083333",
          String.join(
              " ",
              icx.partnerId(),
              icx.day(),
              icx.direction(),
              icx.product(),
              icx.currency(),
              String.valueOf(icx.rows()),
              icx.before().toPlainString(),
              icx.after().toPlainString(),
              icx.delta().toPlainString()));
      assertEquals(1, RerateDiff.read(jdbc, run).settlement().size(), "only W30's day");

      // Publish, killed after its first line, and run again: the same end.
      assertThrows(
          ShadowPublisher.Interrupted.class, () -> new ShadowPublisher(jdbc, 1, 1).publish(run));
      assertEquals(
          "PUBLISHING", query(c, "select status from rerate_run where run_id = '" + run + "'"));
      assertEquals(2, new ShadowPublisher(jdbc).publish(run).updated());
      Map<String, String> published = lines(c);
      Map<String, String> expected = new TreeMap<>(before);
      expected.put("W05", before.get("W05").replace("|{}", "|{RERATED}"));
      expected.put("W06", before.get("W06").replace("|{}", "|{RERATED}"));
      expected.put("W07", before.get("W07").replace("0.69|{}", "0.99|{RERATED}"));
      assertEquals(expected, published, "a clean replay with the corrected tariff, but RERATED");
      assertEquals(cleanReplayWithCorrectedPrice(), withoutRerated(published));

      // Settlement: W30's row updated in place, its day corrected by the difference.
      String expectedSettlement =
          settlementBefore
              .replace(
                  "W30 PTN-ICX OUT VOICE_INTL 2026-09-17 0.850000 1.416667 NOK 2026-01-01",
                  "W30 PTN-ICX OUT VOICE_INTL 2026-09-17 0.900000 1.500000 NOK 2026-09-01")
              .replace(
                  "day PTN-ICX OUT VOICE_INTL NOK 2026-09-17 1 100 1.416667",
                  "day PTN-ICX OUT VOICE_INTL NOK 2026-09-17 1 100 1.500000");
      assertEquals(expectedSettlement, settlement(c), "settlement corrected the same way");

      String updatedAt = query(c, "select max(updated_at)::text from invoice_line");
      assertTrue(new ShadowPublisher(jdbc).publish(run).alreadyPublished());
      assertEquals(published, lines(c), "a second publish changes nothing");
      assertEquals(expectedSettlement, settlement(c), "a second publish corrects nothing twice");
      assertEquals(updatedAt, query(c, "select max(updated_at)::text from invoice_line"));

      // An issued invoice gets adjustment lines only.
      try (Statement s = c.createStatement()) {
        s.executeUpdate(
            "update billing_period set closed_at = now(), readiness = 'COMPLETE'"
                + " where period = '2026-09'");
        s.executeUpdate(
            "update billing_period set readiness = 'INVOICED' where period = '2026-09'");
      }
      loadRate(stack, base, "MINI,SMS,DOMESTIC,0,1.2900,,,2026-09-01T06:00:00+02:00");
      String second = new RerateRun(jdbc, 2).run(YearMonth.of(2026, 9), "ACC-1001", null).runId();
      assertEquals(1, new ShadowPublisher(jdbc).publish(second).adjusted());
      Map<String, String> afterIssued = lines(c);
      afterIssued.keySet().removeIf(k -> k.startsWith("ADJ "));
      assertEquals(published, afterIssued, "the issued lines stay as they were");
      assertEquals(
          "ADJ W07 2026-10 0.30 {ADJUSTMENT}",
          query(
              c,
              "select string_agg('ADJ ' || a.call_reference || ' ' || a.billing_period || ' '"
                  + " || a.amount || ' ' || a.flags::text, ',') from invoice_line a"
                  + " where a.corrects_line_id is not null"));
      assertEquals(
          query(
              c,
              "select total_after - total_before from rerate_run where run_id = '" + second + "'"),
          query(c, "select sum(amount) from invoice_line where 'ADJUSTMENT' = any (flags)"),
          "the adjustments sum to the difference");
    }
  }

  private static Map<String, String> cleanReplayWithCorrectedPrice() throws Exception {
    // The worked example's expected lines are what a clean replay gives (WorkedExampleIT).
    CsvTable expected = CsvTable.read(WORKED.resolve("expected").resolve("invoice_line.csv"));
    Map<String, String> m = new TreeMap<>();
    for (Map<String, String> r : expected.rows()) {
      String amount = r.get("call_reference").equals("W07") ? "0.99" : r.get("amount");
      String flags = r.get("flags").isEmpty() ? "" : r.get("flags").replace('|', ',');
      m.put(
          r.get("call_reference"),
          String.join(
                  "|",
                  r.get("rating_zone"),
                  r.get("billed_units"),
                  r.get("allowance_units"),
                  r.get("chargeable_units"),
                  amount)
              + "|{"
              + flags
              + "}");
    }
    return m;
  }

  private static Map<String, String> withoutRerated(Map<String, String> lines) {
    Map<String, String> m = new TreeMap<>();
    lines.forEach((k, v) -> m.put(k, v.replace(",RERATED", "").replace("RERATED", "")));
    return m;
  }

  /** The rated columns of every line, by call reference (adjustments as "ADJ <ref>"). */
  private static Map<String, String> lines(Connection c) throws Exception {
    Map<String, String> m = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select case when corrects_line_id is null then '' else 'ADJ ' end"
                    + " || call_reference, rating_zone || '|' || billed_units || '|'"
                    + " || allowance_units || '|' || chargeable_units || '|' || amount || '|'"
                    + " || flags::text from invoice_line")) {
      while (r.next()) {
        m.put(r.getString(1), r.getString(2));
      }
    }
    return m;
  }

  private static String diff(Connection c, String run) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select l.call_reference, array_to_string(d.changed, ', '), d.old_amount,"
                    + " d.amount from rerate_line d join invoice_line l on l.line_id = d.line_id"
                    + " where d.run_id = '"
                    + run
                    + "' order by l.call_reference")) {
      while (r.next()) {
        rows.add(
            r.getString(1)
                + " ["
                + r.getString(2)
                + "] "
                + r.getBigDecimal(3)
                + "→"
                + r.getBigDecimal(4));
      }
    }
    return String.join("|", rows);
  }

  private static void loadReference(
      Path base, EmbeddedStack stack, String file, String header, String row) throws Exception {
    Path dir = Files.createDirectories(base.resolve("reference-" + System.nanoTime()));
    Files.writeString(dir.resolve(file), header + "\n" + row + "\n", StandardCharsets.UTF_8);
    new ReferenceDataLoader(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword()).load(dir);
  }

  /** Every settlement_call row (by call reference) and every settlement_daily row. */
  private static String settlement(Connection c) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select l.call_reference || ' ' || sc.partner_id || ' ' || sc.direction || ' '"
                    + " || sc.product || ' ' || sc.event_date || ' ' || sc.price || ' '"
                    + " || sc.amount || ' ' || sc.currency || ' '"
                    + " || to_char(sc.interconnect_rate_valid_from at time zone 'Europe/Oslo',"
                    + " 'YYYY-MM-DD') from settlement_call sc"
                    + " join invoice_line l on l.line_id = sc.line_id"
                    + " union all select 'day ' || partner_id || ' ' || direction || ' ' || product"
                    + " || ' ' || currency || ' ' || day || ' ' || events || ' ' || seconds || ' '"
                    + " || amount from settlement_daily order by 1")) {
      while (r.next()) {
        rows.add(r.getString(1));
      }
    }
    return String.join("\n", rows);
  }

  private static void loadRate(EmbeddedStack stack, Path base, String row) throws Exception {
    Path dir = Files.createDirectories(base.resolve("rate-" + System.nanoTime()));
    Files.writeString(
        dir.resolve("rate.csv"),
        "plan_id,service,zone,connect_fee,price,first_interval,next_interval,valid_from\n"
            + row
            + "\n",
        StandardCharsets.UTF_8);
    new ReferenceDataLoader(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword()).load(dir);
  }

  private static Connection connect(EmbeddedStack stack) throws Exception {
    return DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }

  private static String query(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      assertTrue(r.next(), sql);
      Object o = r.getObject(1);
      return o instanceof BigDecimal d ? d.toPlainString() : String.valueOf(o);
    }
  }
}
