package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratedFeedSummary;
import org.cdrflow.generate.GeneratorSettings;
import org.cdrflow.generate.InjectedReject;
import org.cdrflow.schema.codec.RawCdrCodec;
import org.junit.jupiter.api.Test;

/**
 * A generated feed through the real pipeline ({@code cdrflow replay}: KRaft broker, PostgreSQL,
 * Flink MiniCluster), twice into the same workdir. The generator says exactly what it injected, so
 * the audit, the rejects and the invoice lines can be checked to the record: everything it did not
 * break must rate, everything it broke must be rejected for the reason it was broken, and the
 * second pass of the same file must change nothing.
 */
class GeneratedFeedIT {
  private static final int RECORDS = 10_000;

  @Test
  void aGeneratedFeedRatesToTheRecordAndASecondPassChangesNothing() throws Exception {
    Path base = Files.createTempDirectory(Path.of("target"), "generated-feed-");
    Path feed = base.resolve("feed.jsonl");
    Path reference = base.resolve("reference");
    Path work = base.resolve("work");
    GeneratedFeedSummary generated =
        FeedGenerator.write(GeneratorSettings.of(RECORDS, 300, 20261001L), feed, reference);
    assertTrue(generated.duplicates() > 0 && generated.partialCalls() > 0);
    assertTrue(generated.malformed() > 0 && generated.unknownSubscriber() > 0);

    replay(reference, feed, work, base.resolve("export-1"));
    Audit first;
    long lines;
    long settlementRows;
    String settlementTotals;
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      first = Audit.read(c);
      assertEquals(RECORDS, first.received, "every record was received");
      assertEquals(first.received, first.accountedFor(), "the audit equation holds: " + first);
      assertEquals(0, first.pending, "the drain leaves no call incomplete");
      assertEquals(generated.duplicates(), first.duplicates, "duplicates");
      assertEquals(generated.unanswered(), first.unanswered, "unanswered");
      assertEquals(generated.expectedRejects(), first.rejected, "rejected: " + first);
      assertEquals(generated.expectedRejectsByReason(), rejectsByReason(c));
      assertEveryInjectedRecordIsRejectedForItsDefect(c, generated);

      lines = count(c, "invoice_line");
      // One line per rated call: a long call's partials become one line.
      long calls = first.rated - generated.partialRecords() + generated.partialCalls();
      assertEquals(calls, lines, "one invoice line per rated call");
      assertEquals(
          0,
          count(
              c,
              "invoice_line l where not exists (select 1 from invoice i where i.account_id ="
                  + " l.account_id and i.billing_period = l.billing_period)"),
          "every line's account and period has an invoice, for the anonymisation run");
      settlementRows = count(c, "settlement_call");
      assertTrue(count(c, "settlement_call where direction = 'OUT'") > 0, "we pay others");
      assertTrue(count(c, "settlement_call where direction = 'IN'") > 0, "others pay us");
      settlementTotals = settlementTotals(c);
    }

    // The same records in a file of another identity (a blank line added): a replay of the
    // identical file would send nothing, its records being on the topic already
    // (docs/operations.md, "After a crash or a stop").
    Path again = base.resolve("feed-again.jsonl");
    Files.write(again, Files.readAllBytes(feed));
    Files.writeString(again, "\n", java.nio.file.StandardOpenOption.APPEND);
    replay(reference, again, work, base.resolve("export-2"));
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      Audit both = Audit.read(c);
      Audit second = both.minus(first);
      assertEquals(RECORDS, second.received, "the second pass was received");
      assertEquals(both.received, both.accountedFor(), "the audit equation holds: " + both);
      assertEquals(0, second.rated, "nothing is rated twice: " + second);
      assertEquals(first.rejected, second.rejected, "the broken ones are rejected again");
      assertEquals(first.unanswered, second.unanswered, "unanswered again");
      assertEquals(
          RECORDS - second.rejected - second.unanswered,
          second.duplicates,
          "everything else is a duplicate");
      assertEquals(lines, count(c, "invoice_line"), "no new invoice lines");
      assertEquals(settlementRows, count(c, "settlement_call"), "no new settlement rows");
      assertEquals(settlementTotals, settlementTotals(c), "daily settlement unchanged");
    }
  }

  /**
   * Each injected record is among the rejects with the reason its defect calls for, matched by its
   * call reference: decoded from the kept payload, or found in the raw text of an undecodable line.
   */
  private static void assertEveryInjectedRecordIsRejectedForItsDefect(
      Connection c, GeneratedFeedSummary generated) throws Exception {
    Map<String, String> expected = new HashMap<>();
    for (InjectedReject i : generated.injectedRejects()) {
      expected.put(i.callReference(), i.rejectReason());
    }
    Map<String, String> found = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select reason, payload from rejected_cdr")) {
      while (r.next()) {
        String reason = r.getString(1);
        byte[] payload = r.getBytes(2);
        String reference;
        if (reason.equals("UNDECODABLE")) {
          String text = new String(payload, StandardCharsets.UTF_8);
          reference =
              expected.keySet().stream().filter(text::contains).findFirst().orElse("(unknown)");
        } else {
          reference = RawCdrCodec.decode(payload).getCallReference();
        }
        found.put(reference, reason);
      }
    }
    assertEquals(new TreeMap<>(expected), new TreeMap<>(found));
  }

  private static void replay(Path reference, Path feed, Path work, Path export) {
    Replay.run(reference, feed, work, "--export", export.toString());
  }

  /** The sums over every hour of {@code mediation_audit}. */
  private record Audit(
      long received, long rated, long rejected, long duplicates, long unanswered, long pending) {

    static Audit read(Connection c) throws Exception {
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "select coalesce(sum(received), 0), coalesce(sum(rated), 0),"
                      + " coalesce(sum(rejected), 0), coalesce(sum(duplicates), 0),"
                      + " coalesce(sum(unanswered), 0), coalesce(sum(pending_partials), 0)"
                      + " from mediation_audit")) {
        r.next();
        return new Audit(
            r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6));
      }
    }

    long accountedFor() {
      return rated + rejected + duplicates + unanswered + pending;
    }

    Audit minus(Audit o) {
      return new Audit(
          received - o.received,
          rated - o.rated,
          rejected - o.rejected,
          duplicates - o.duplicates,
          unanswered - o.unanswered,
          pending - o.pending);
    }
  }

  private static Map<String, Long> rejectsByReason(Connection c) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select reason, count(*) from rejected_cdr group by reason")) {
      while (r.next()) {
        out.put(r.getString(1), r.getLong(2));
      }
    }
    return out;
  }

  private static String settlementTotals(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select count(*), coalesce(sum(events), 0), coalesce(sum(seconds), 0),"
                    + " coalesce(sum(amount), 0) from settlement_daily")) {
      r.next();
      return r.getLong(1)
          + " rows, "
          + r.getLong(2)
          + " events, "
          + r.getLong(3)
          + " s, "
          + r.getBigDecimal(4).toPlainString();
    }
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
}
