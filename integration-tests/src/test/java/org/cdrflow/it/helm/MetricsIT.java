package org.cdrflow.it.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.cli.RuntimeStack;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.kafka.FeedProducer;
import org.cdrflow.connectors.local.FreePorts;
import org.cdrflow.jobs.LocalStreamingRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's alert rules and dashboard match what the job exposes: the streaming job runs on a
 * MiniCluster with Flink's Prometheus reporter (as the chart turns it on), is scraped over HTTP on
 * loopback, and every metric named in a dashboard query or an alert expression must be among the
 * scraped names. A renamed metric, or a query with a typo, fails the build (docs/operations.md,
 * "The job's metrics").
 */
class MetricsIT {
  private static final Path WORKED = Path.of("..", "examples", "worked");

  @Test
  void everyMetricOfTheDashboardAndTheAlertRulesIsExposedByTheJob(@TempDir Path render)
      throws Exception {
    RenderedChart chart =
        RenderedChart.render(null, Map.of("metrics.prometheusRule.enabled", "true"), render);
    Map<String, String> queries = queriesOf(chart);
    assertTrue(queries.size() >= 15, "rules and panels found: " + queries.keySet());
    assertEquals(List.of(), PromQl.problems(List.copyOf(queries.values())), "PromQL syntax");
    Map<String, Set<String>> wanted = new TreeMap<>();
    for (Map.Entry<String, String> q : queries.entrySet()) {
      for (String metric : PromQl.metricNames(q.getValue())) {
        wanted.computeIfAbsent(metric, m -> new TreeSet<>()).add(q.getKey());
      }
    }

    Path base = Files.createTempDirectory(Path.of("target"), "metrics-");
    // The MiniCluster's JobManager and TaskManagers share one metric registry: one reporter port.
    int[] free = FreePorts.onLoopback(2);
    int port = free[0];
    int restPort = free[1];
    int[] ports = {port, port};
    try (RuntimeStack stack = RuntimeStack.open(CdrflowConfig.defaults(), base.resolve("work"))) {
      CdrflowConfig config = stack.config();
      CdrflowConfig.JdbcSettings jdbc = config.jdbc();
      new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password())
          .load(WORKED.resolve("reference"));
      try (FeedProducer producer = FeedProducer.toRawTopic(config)) {
        producer.send(WORKED.resolve("feed.jsonl"), null);
      }
      LocalStreamingRun run =
          new LocalStreamingRun(config, base.resolve("job-state"))
              .withFlinkSettings(
                  Map.of(
                      "metrics.reporter.prom.factory.class",
                      "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                      "metrics.reporter.prom.port",
                      String.valueOf(port),
                      "rest.bind-address",
                      "127.0.0.1",
                      "rest.bind-port",
                      String.valueOf(restPort)));
      run.start();
      try {
        run.awaitEndOfTopic(Duration.ofMinutes(3));
        List<String> lines = List.of();
        Map<String, String> scraped = Map.of();
        Set<String> missing = Set.of();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        do {
          run.checkRunning();
          Thread.sleep(500);
          lines = scrape(ports);
          scraped = byName(lines);
          missing = new TreeSet<>(wanted.keySet());
          missing.removeAll(scraped.keySet());
        } while (!missing.isEmpty() && System.nanoTime() < deadline);
        Files.write(
            Path.of("target", "scraped-metrics.txt"), scraped.values(), StandardCharsets.UTF_8);
        List<String> report = new ArrayList<>();
        for (String m : missing) {
          report.add(m + " (used by " + wanted.get(m) + ")");
        }
        assertEquals(List.of(), report, "metrics named in the chart that the job does not expose");
        assertEquals(List.of(), numbersInLabels(lines), "no number in any label");
        assertStatusOfTheRunningJob(config, "http://127.0.0.1:" + restPort, base);
      } finally {
        run.cancel();
      }
    }
  }

  /**
   * {@code cdrflow status} against the running job and its stack: the job RUNNING with a recent
   * checkpoint and a balanced audit, the feed consumed, the open rejects as in the table, and an
   * exit code that says whether anything needs a human.
   */
  private static void assertStatusOfTheRunningJob(CdrflowConfig config, String rest, Path base)
      throws Exception {
    CdrflowConfig.JdbcSettings jdbc = config.jdbc();
    Path props = base.resolve("status.properties");
    Files.createFile(
        props, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(
        props,
        String.join(
            "\n",
            "kafka.bootstrap.servers=" + config.require(CdrflowConfig.KAFKA_BOOTSTRAP),
            "jdbc.url=" + jdbc.url(),
            "jdbc.user=" + jdbc.user(),
            "jdbc.password=" + jdbc.password()));
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      exit = Cdrflow.run("status", "--config", props.toString(), "--flink-rest", rest, "--json");
    } finally {
      System.setOut(stdout);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    JsonNode status = new ObjectMapper().readTree(text);
    assertEquals("RUNNING", status.path("job").path("state").asText(), text);
    assertFalse(status.path("job").path("last_checkpoint").isNull(), text);
    assertEquals(0, status.path("job").path("audit_unaccounted").asLong(-1), text);
    assertEquals(0, status.path("consumer_lag").asLong(-1), "the feed is consumed: " + text);
    // Calls held for the watermark are in the job's state, not yet in the table.
    assertTrue(status.path("audit").path("difference").asLong(-1) >= 0, text);
    Map<String, Long> rejects = new TreeMap<>();
    try (Connection c = jdbc.connect();
        ResultSet r =
            c.createStatement()
                .executeQuery("select reason, count(*) from rejected_cdr group by reason")) {
      while (r.next()) {
        rejects.put(r.getString(1), r.getLong(2));
      }
    }
    assertFalse(rejects.isEmpty(), "the worked example has rejects");
    Map<String, Long> reported = new TreeMap<>();
    status
        .path("open_rejects")
        .fields()
        .forEachRemaining(f -> reported.put(f.getKey(), f.getValue().asLong()));
    assertEquals(rejects, reported);
    // fraud_alert exists (V15); the feed plants no fraud, so nothing is open.
    assertFalse(status.path("open_fraud_alerts").isMissingNode(), status.toString());
    long openAlerts = 0;
    for (JsonNode n : status.path("open_fraud_alerts")) {
      openAlerts += n.isObject() ? n.path("count").asLong() : n.asLong();
    }
    assertEquals(0, openAlerts, status.path("open_fraud_alerts").toString());
    for (JsonNode h : status.path("needs_human")) {
      assertTrue(h.asText().contains("anonymisation"), "only the calendar may ask: " + h);
    }
    assertEquals(status.path("needs_human").isEmpty() ? 0 : 3, exit, text);
  }

  /** Label values (ids aside) of the scraped lines that hold a number of the fed records. */
  private static List<String> numbersInLabels(Iterable<String> lines) throws IOException {
    Set<String> numbers = new TreeSet<>();
    Matcher m =
        Pattern.compile(
                "\"(servedMsisdn|servedImsi|callingNumber|calledNumber)\":"
                    + "(\\{\"string\":)?\"\\+?(\\d{6,})\"")
            .matcher(Files.readString(WORKED.resolve("feed.jsonl")));
    while (m.find()) {
      numbers.add(m.group(3));
    }
    assertTrue(numbers.size() > 5, "numbers of the feed: " + numbers);
    List<String> found = new ArrayList<>();
    Pattern label = Pattern.compile("([a-z_]+)=\"([^\"]*)\"");
    for (String line : lines) {
      Matcher l = label.matcher(line);
      while (l.find()) {
        if (l.group(1).endsWith("_id")) {
          continue;
        }
        for (String n : numbers) {
          if (l.group(2).contains(n)) {
            found.add(l.group(1) + " holds a number in " + line);
          }
        }
      }
    }
    return found;
  }

  /** Every expression of the PrometheusRule and the dashboard, by where it is. */
  static Map<String, String> queriesOf(RenderedChart chart) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode group : chart.one("PrometheusRule").path("spec").path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        out.put("alert " + rule.path("alert").asText(), rule.path("expr").asText());
      }
    }
    JsonNode dashboard = dashboard(chart);
    for (JsonNode panel : dashboard.path("panels")) {
      int i = 0;
      for (JsonNode target : panel.path("targets")) {
        out.put("panel " + panel.path("title").asText() + " #" + i++, target.path("expr").asText());
      }
    }
    return out;
  }

  static JsonNode dashboard(RenderedChart chart) throws IOException {
    JsonNode configMap =
        chart.ofKind("ConfigMap").stream()
            .filter(c -> c.path("data").has("cdrflow.json"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no dashboard ConfigMap"));
    return new ObjectMapper().readTree(configMap.path("data").path("cdrflow.json").asText());
  }

  /** The exposition lines (comments aside) of every reporter port that answers. */
  private static List<String> scrape(int[] ports) throws Exception {
    List<String> lines = new ArrayList<>();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    for (int port = ports[0]; port <= ports[1]; port++) {
      HttpResponse<String> response;
      try {
        response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        continue; // no reporter on this port
      }
      for (String line : response.body().split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          lines.add(line);
        }
      }
    }
    return lines;
  }

  /** Metric name → its first exposition line. */
  private static Map<String, String> byName(List<String> lines) {
    Map<String, String> names = new TreeMap<>();
    for (String line : lines) {
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.putIfAbsent(line.substring(0, end), line);
    }
    return names;
  }
}
