package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratorSettings;
import org.cdrflow.pipeline.StateLineage;
import org.junit.jupiter.api.Test;

/**
 * A job that lost its state must not overwrite what an earlier state wrote, and the audit checks
 * itself (docs/reliability.md): {@code cdrflow replay} over a workdir whose job state is gone
 * refuses with one line; with {@code --rebuild-aggregates} it goes on in a new state lineage whose
 * settlement_daily equals the sum of settlement_call and whose audit balances; a tampered table
 * makes the next replay fail.
 */
class StatelessStartIT {
  private static final Pattern CALL_REFERENCE = Pattern.compile("\"callReference\":\"([^\"]*)\"");

  @Test
  void aStartWithoutStateRefusesRebuildsOnRequestAndTheAuditCatchesATamperedTable()
      throws Exception {
    Path base = Files.createTempDirectory(Path.of("target"), "stateless-start-");
    Path feed = base.resolve("feed.jsonl");
    Path reference = base.resolve("reference");
    Path work = base.resolve("work");
    FeedGenerator.write(GeneratorSettings.of(3_000, 150, 20261207L), feed, reference);
    // The same traffic as new calls (call references reversed): same days, partners and products.
    Path more = base.resolve("more.jsonl");
    List<String> renamed = new ArrayList<>();
    for (String line : Files.readAllLines(feed, StandardCharsets.UTF_8)) {
      Matcher m = CALL_REFERENCE.matcher(line);
      renamed.add(
          m.replaceAll(
              r ->
                  Matcher.quoteReplacement(
                      "\"callReference\":\"" + new StringBuilder(r.group(1)).reverse() + "\"")));
    }
    Files.write(more, renamed, StandardCharsets.UTF_8);
    // One more call, so that the next replay has something to consume before it drains.
    Path one =
        Files.writeString(
            base.resolve("one.jsonl"),
            renamed.stream()
                    .filter(l -> l.contains("\"sequenceNumber\":0,\"lastPartial\":true"))
                    .findFirst()
                    .orElseThrow()
                    .replaceFirst("\"callReference\":\"[^\"]*\"", "\"callReference\":\"ONE-MORE\"")
                + "\n");

    assertEquals(0, replay(reference, feed, work).exit(), "a first replay");
    String settlementBefore;
    String auditBefore;
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      settlementBefore = rows(c, "select * from settlement_daily order by 1, 2, 3, 4, 5");
      auditBefore = rows(c, "select * from mediation_audit order by hour");
      assertEquals(1, count(c, "select count(distinct lineage_id) from settlement_daily"));
      assertEquals(0, count(c, "select count(*) from settlement_daily where lineage_id is null"));
    }

    // The job state is lost (a deleted workdir directory, a wrong savepoint path).
    try (var files = Files.walk(work.resolve("job-state"))) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
    Run refused = replay(reference, more, work);
    assertNotEquals(0, refused.exit(), "a start without state over the aggregates refuses");
    List<String> lines = refused.err().lines().filter(l -> l.startsWith("cdrflow:")).toList();
    assertEquals(1, lines.size(), "one line: " + refused.err());
    assertTrue(lines.get(0).contains("refusing to start without state"), lines.get(0));
    assertTrue(lines.get(0).contains("--rebuild-aggregates"), lines.get(0));
    assertTrue(lines.get(0).contains("restore"), lines.get(0));
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      assertEquals(
          settlementBefore,
          rows(c, "select * from settlement_daily order by 1, 2, 3, 4, 5"),
          "nothing was overwritten");
      assertEquals(auditBefore, rows(c, "select * from mediation_audit order by hour"));
      // The job's own check, which guards a cluster start (StreamingJobMain) the same way.
      IllegalStateException inJob =
          assertThrows(
              IllegalStateException.class,
              () ->
                  new StateLineage(
                          new CdrflowConfig.JdbcSettings(
                              stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword()),
                          false)
                      .claim());
      assertTrue(inJob.getMessage().startsWith("refusing to start without state"));
    }

    assertEquals(
        0,
        replay(reference, more, work, "--rebuild-aggregates").exit(),
        "a rebuild goes on, and the audit check after its drain passes");
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      assertEquals(
          0,
          count(
              c,
              "select count(*) from settlement_daily d full join (select partner_id, direction,"
                  + " product, currency, event_date as day, count(*) as events,"
                  + " sum(seconds) as seconds, sum(amount) as amount from settlement_call"
                  + " group by 1, 2, 3, 4, 5) s using (partner_id, direction, product, currency,"
                  + " day) where d.events is distinct from s.events"
                  + " or d.seconds is distinct from s.seconds"
                  + " or d.amount is distinct from s.amount"),
          "settlement_daily is the sum of settlement_call over both lineages");
      assertTrue(
          count(c, "select count(*) from settlement_daily_base") > 0,
          "the new lineage went on from the rebuilt totals");
      assertEquals(
          2, count(c, "select count(*) from state_lineage"), "the rebuild began lineage 2");
      assertEquals(1, count(c, "select count(distinct lineage_id) from mediation_audit"));

      // Tampering: a line disappears behind the audit's back.
      try (Statement s = c.createStatement()) {
        s.executeUpdate(
            "delete from invoice_line where line_id = (select min(line_id::text)::uuid from"
                + " invoice_line)");
      }
    }
    Run tampered = replay(reference, one, work);
    assertNotEquals(0, tampered.exit(), "the audit check fails the replay");
    assertTrue(
        tampered.err().contains("audit check after the drain failed")
            && tampered.err().contains("invoice_line holds"),
        tampered.err());
  }

  private record Run(int exit, String err) {}

  private static Run replay(Path reference, Path feed, Path work, String... more) {
    String[] args = Replay.args(reference, feed, work, more);
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = Cdrflow.run(args);
    } finally {
      System.setErr(err);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    err.print(text);
    return new Run(exit, text);
  }

  private static Connection connect(EmbeddedStack stack) throws Exception {
    return DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }

  private static long count(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Every row as text, without the when-written column. */
  private static String rows(Connection c, String sql) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        for (int i = 1; i <= n; i++) {
          if (!r.getMetaData().getColumnName(i).equals("updated_at")) {
            sb.append(r.getString(i)).append('|');
          }
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }
}
