package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratorSettings;
import org.junit.jupiter.api.Test;

/**
 * Abnormal-usage detection on the real stack (docs/fraud.md): a generated feed of 5,000
 * subscriptions with one planted case of every kind, a rule changed mid-feed, then an analyst's
 * block and a later call of the blocked SIM.
 */
class FraudDetectionIT {
  private static final int SUBSCRIBERS = 5_000;
  private static final long RECORDS = 60_000;

  /** The watermark's bound (watermark.out-of-orderness default). */
  private static final long WATERMARK_BOUND_MS = 120_000;

  record Alert(
      String id,
      String ruleId,
      Instant ruleVersion,
      String kind,
      String subscription,
      Instant windowStart,
      Instant windowEnd,
      int events,
      Instant first,
      Instant last,
      String status) {}

  @Test
  void plantedFraudIsAlertedAndABlockStopsTheBilling() throws Exception {
    Path base = Files.createTempDirectory(Path.of("target"), "fraud-detection-");
    Path feed = base.resolve("feed.jsonl");
    Path reference = base.resolve("reference");
    Path work = base.resolve("work");
    GeneratorSettings settings = GeneratorSettings.of(RECORDS, SUBSCRIBERS, 18L).withDays(10);
    FeedGenerator.write(settings, feed, reference, true);
    Map<String, String> planted = new HashMap<>(); // subscription -> kind
    for (String line : Files.readAllLines(base.resolve("fraud-truth.csv")).subList(1, 8)) {
      String[] f = line.split(",");
      planted.put(f[1], f[0]);
    }
    assertEquals(7, planted.size());

    // The IRSF rule changes on the day of the planted cases: from then on 5 calls (before: 3).
    Instant change = settings.start().plusDays(8).atStartOfDay(GeneratorSettings.OSLO).toInstant();
    Files.writeString(
        reference.resolve("fraud_rule.csv"),
        "IRSF," + change + ",HIGH_RISK_DESTINATION,HIGH,true,,,5,,,,,,,,\n",
        StandardOpenOption.APPEND);

    replay(reference, feed, work);

    List<Alert> alerts;
    List<String> evidence;
    Set<String> blockedBefore = new HashSet<>();
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      alerts = alerts(c);
      evidence = evidence(c);
      try (Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery(
                  "select distinct s.subscription_id from sim_block b join subscription s"
                      + " on s.msisdn = b.msisdn")) {
        while (r.next()) {
          blockedBefore.add(r.getString(1));
        }
      }
    }

    // The same feed, killed (its whole process tree) while the job runs and run again: the same
    // alerts, ids, rule versions, windows and evidence as the run that was never interrupted
    // (docs/reliability.md).
    Path killed = base.resolve("killed");
    long delay = new java.util.Random(18L).nextInt(3_000);
    KilledCommand.killAfter(
        List.of(Replay.args(reference, feed, killed)),
        killed,
        "== Running the streaming job",
        delay);
    replay(reference, feed, killed);
    try (EmbeddedStack stack = EmbeddedStack.builder(killed).databaseOnly().start();
        Connection c = connect(stack)) {
      assertEquals(
          evidence, evidence(c), "alerts after a kill " + delay + " ms into the job and a rerun");
    }

    // Recall 1.0: every planted case has an alert of its kind on its subscription.
    for (var p : planted.entrySet()) {
      assertTrue(
          alerts.stream()
              .anyMatch(a -> a.subscription().equals(p.getKey()) && a.kind().equals(p.getValue())),
          "no " + p.getValue() + " alert for " + p.getKey() + ": " + alerts);
    }
    // False alerts: on subscriptions with nothing planted, except usage on a SIM the generator
    // blocked (that is usage after a block, rightly alerted).
    List<Alert> falseAlerts =
        alerts.stream()
            .filter(a -> !planted.containsKey(a.subscription()))
            .filter(
                a ->
                    !(a.kind().equals("BLOCKED_SIM_ACTIVITY")
                        && blockedBefore.contains(a.subscription())))
            .toList();
    System.out.printf(
        "FraudDetectionIT: %d alerts, %d planted cases, %d false alerts among %d subscriptions%n",
        alerts.size(), planted.size(), falseAlerts.size(), SUBSCRIBERS);
    assertTrue(falseAlerts.size() <= SUBSCRIBERS / 1000, "false alerts: " + falseAlerts);
    // Each alert is raised by an event inside its window: at the latest when the watermark
    // passes the window's end (window end + watermark bound in event time).
    for (Alert a : alerts) {
      assertTrue(!a.first().isBefore(a.windowStart()), a.toString());
      assertTrue(
          a.last().toEpochMilli() < a.windowEnd().toEpochMilli() + WATERMARK_BOUND_MS,
          a.toString());
    }
    // The rule changed mid-feed: the planted case is judged by the new version (5 calls).
    Alert irsf =
        alerts.stream().filter(a -> a.kind().equals("HIGH_RISK_DESTINATION")).findFirst().get();
    assertEquals(change, irsf.ruleVersion());
    assertEquals(5, irsf.events());

    // The analyst blocks the wangiri SIM; its next call is BLOCKED_SIM, amount 0.
    Alert spray = alerts.stream().filter(a -> a.kind().equals("CALL_SPRAY")).findFirst().get();
    assertEquals("OPEN", spray.status());
    assertEquals(0, Cdrflow.run("fraud", "block", spray.id(), "--workdir", work.toString()));
    String imsi;
    Instant blockedAt;
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      assertEquals(
          "BLOCKED",
          alerts(c).stream().filter(a -> a.id().equals(spray.id())).findFirst().get().status());
      try (PreparedStatement ps =
          c.prepareStatement(
              "select s.imsi, max(b.blocked_at) from subscription s join sim_block b"
                  + " on b.msisdn = s.msisdn where s.subscription_id = ? group by s.imsi")) {
        ps.setString(1, spray.subscription());
        try (ResultSet r = ps.executeQuery()) {
          assertTrue(r.next(), "sim_block row written");
          imsi = r.getString(1);
          blockedAt = r.getTimestamp(2).toInstant();
        }
      }
    }
    assertTrue(Duration.between(blockedAt, Instant.now()).abs().toMinutes() < 5, "blocked now");
    long callAt = blockedAt.toEpochMilli() + 1_000;
    String template = null;
    for (String line : Files.readAllLines(feed)) {
      if (line.contains("\"" + imsi + "\"") && line.contains("\"MOC\"")) {
        template = line;
        break;
      }
    }
    assertNotNull(template, "a call of the blocked subscriber in the feed");
    String later =
        template
            .replaceFirst(
                "\"callReference\"\\s*:\\s*\"[^\"]*\"", "\"callReference\":\"FRAUD-IT-1\"")
            .replaceFirst("\"seizureTime\"\\s*:\\s*\\d+", "\"seizureTime\":" + (callAt - 3_000))
            .replaceFirst(
                "\"answerTime\"\\s*:\\s*\\{\\s*\"long\"\\s*:\\s*\\d+\\s*}",
                "\"answerTime\":{\"long\":" + callAt + "}");
    Path feed2 = base.resolve("after-block.jsonl");
    Files.writeString(feed2, later + "\n", StandardCharsets.UTF_8);
    replay(reference, feed2, work);
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack);
        PreparedStatement ps =
            c.prepareStatement(
                "select amount, flags from invoice_line where call_reference = 'FRAUD-IT-1'")) {
      try (ResultSet r = ps.executeQuery()) {
        assertTrue(r.next(), "the later call was rated");
        assertEquals(0, r.getBigDecimal(1).signum());
        assertTrue(
            List.of((String[]) r.getArray(2).getArray()).contains("BLOCKED_SIM"),
            "flags of the later call");
      }
    }
  }

  private static List<Alert> alerts(Connection c) throws Exception {
    List<Alert> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select alert_id, rule_id, rule_version, kind, subscription_id, window_start,"
                    + " window_end, event_count, first_event, last_event, status"
                    + " from fraud_alert order by alert_id")) {
      while (r.next()) {
        out.add(
            new Alert(
                r.getString(1),
                r.getString(2),
                r.getTimestamp(3).toInstant(),
                r.getString(4),
                r.getString(5),
                r.getTimestamp(6).toInstant(),
                r.getTimestamp(7).toInstant(),
                r.getInt(8),
                r.getTimestamp(9).toInstant(),
                r.getTimestamp(10).toInstant(),
                r.getString(11)));
      }
    }
    return out;
  }

  /** Every alert with what it says (not when it was written or decided), one line each. */
  private static List<String> evidence(Connection c) throws Exception {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select alert_id, rule_id, rule_version, kind, severity, subscription_id,"
                    + " account_id, window_start, window_end, event_count, minutes, amount,"
                    + " distinct_destinations, first_event, last_event from fraud_alert"
                    + " order by alert_id")) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          row.append(i > 1 ? "," : "").append(r.getString(i));
        }
        out.add(row.toString());
      }
    }
    return out;
  }

  private static void replay(Path reference, Path feed, Path work, String... more) {
    Replay.run(reference, feed, work, more);
  }

  private static Connection connect(EmbeddedStack stack) throws Exception {
    return DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }
}
