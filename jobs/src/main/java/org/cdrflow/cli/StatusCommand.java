package org.cdrflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.cdrflow.anonymisation.AnonymisationCutoff;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.local.FlinkRestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cdrflow status}: the state of a deployment or of the embedded stack in one look, and an
 * exit code for scripts (docs/operations.md, "cdrflow status").
 */
@Command(
    name = "status",
    description =
        "Job state, last checkpoint, consumer lag, event-time lag, the audit equation, open"
            + " rejects by reason, open fraud alerts, the last anonymisation run. Exit code 0: all"
            + " well; 3: something needs a human (listed); 1: the status could not be read.")
public class StatusCommand implements Callable<Integer> {
  /** Exit code when something needs a human. */
  public static final int NEEDS_HUMAN = 3;

  static final String JOB_NAME = "cdrflow-mediation";

  @Mixin CommonOptions common;

  @Option(
      names = "--flink-rest",
      paramLabel = "URL",
      description =
          "the streaming job's Flink REST endpoint (e.g. http://127.0.0.1:8081 through kubectl"
              + " port-forward svc/cdrflow-rest 8081); default: the `cdrflow cluster` of --workdir")
  String flinkRest;

  @Option(names = "--json", description = "print one JSON object instead of text")
  boolean json;

  @Option(
      names = "--checkpoint-max-age",
      paramLabel = "DURATION",
      description = "a running job's latest checkpoint may be this old (ISO-8601, default PT15M)")
  Duration checkpointMaxAge = Duration.ofMinutes(15);

  @Override
  public Integer call() throws Exception {
    CdrflowConfig base = common.config();
    Path clusterDir = common.workDir.resolve("flink-cluster");
    if ((!base.hasJdbc() || !base.hasKafka())
        && common.configFile == null
        && Files.isRegularFile(clusterDir.resolve("cdrflow.properties"))
        && flinkRestOfCluster(clusterDir) != null) {
      // A `cdrflow cluster` runs on this workdir: read its stack, do not start a second one.
      base = ConfigFiles.load(clusterDir.resolve("cdrflow.properties"));
    }
    String rest = flinkRest != null ? flinkRest : flinkRestOfCluster(clusterDir);
    StatusReport report;
    try (RuntimeStack stack = RuntimeStack.open(base, common.workDir)) {
      CdrflowConfig config = stack.config();
      report = gather(config, rest);
    }
    Instant now = Instant.now();
    System.out.print(
        json ? report.toJson(now, checkpointMaxAge) + "\n" : report.toText(now, checkpointMaxAge));
    return report.needsHuman(now, checkpointMaxAge).isEmpty() ? 0 : NEEDS_HUMAN;
  }

  private static StatusReport gather(CdrflowConfig config, String rest) throws Exception {
    StatusReport.Job job = rest == null ? null : job(new FlinkRestClient(rest));
    Long lag = consumerLag(config);
    try (Connection c = config.jdbc().connect()) {
      return new StatusReport(
          job,
          lag,
          audit(c),
          counts(
              c,
              "select reason, count(*) from rejected_cdr where reprocessed_at is null"
                  + " group by reason"),
          tableExists(c, "fraud_alert")
              ? counts(
                  c,
                  "select severity, count(*) from fraud_alert where status = 'OPEN'"
                      + " group by severity")
              : null,
          lastAnonymisation(c),
          anonymisationPending(c));
    }
  }

  /** The cdrflow streaming job at {@code rest}; its state is UNREACHABLE when nothing answers. */
  static StatusReport.Job job(FlinkRestClient rest) {
    try {
      JsonNode chosen = null;
      for (JsonNode j : rest.read("/jobs/overview").path("jobs")) {
        if (!JOB_NAME.equals(j.path("name").asText())) {
          continue;
        }
        boolean live = !FlinkRestClient.TERMINAL_STATES.contains(j.path("state").asText());
        if (chosen == null
            || live && FlinkRestClient.TERMINAL_STATES.contains(chosen.path("state").asText())
            || j.path("start-time").asLong() > chosen.path("start-time").asLong()
                && live
                    == !FlinkRestClient.TERMINAL_STATES.contains(chosen.path("state").asText())) {
          chosen = j;
        }
      }
      if (chosen == null) {
        return new StatusReport.Job(rest.baseUrl(), "NOT_FOUND", null, 0, null, null);
      }
      String id = chosen.path("jid").asText();
      JsonNode checkpoints = rest.read("/jobs/" + id + "/checkpoints");
      JsonNode completed = checkpoints.path("latest").path("completed");
      Instant last =
          completed.isObject() && completed.path("latest_ack_timestamp").asLong() > 0
              ? Instant.ofEpochMilli(completed.path("latest_ack_timestamp").asLong())
              : null;
      Long eventTimeLag = null;
      Long unaccounted = null;
      for (JsonNode v : rest.read("/jobs/" + id).path("vertices")) {
        String name = v.path("name").asText();
        String vertex = "/jobs/" + id + "/vertices/" + v.path("id").asText();
        if (name.contains("Rate in event-time order")) {
          eventTimeLag = eventTimeLag(rest.read(vertex + "/watermarks"));
        } else if (name.contains("Audit balance")) {
          unaccounted = auditUnaccounted(rest, vertex);
        }
      }
      return new StatusReport.Job(
          rest.baseUrl(),
          chosen.path("state").asText(),
          last,
          checkpoints.path("counts").path("failed").asLong(),
          eventTimeLag,
          unaccounted);
    } catch (Exception e) {
      return new StatusReport.Job(rest.baseUrl(), "UNREACHABLE", null, 0, null, null);
    }
  }

  private static Long eventTimeLag(JsonNode watermarks) {
    long lowest = Long.MAX_VALUE;
    for (JsonNode w : watermarks) {
      lowest = Math.min(lowest, w.path("value").asLong(Long.MIN_VALUE));
    }
    if (lowest == Long.MAX_VALUE || lowest <= 0) {
      return null; // no watermark yet
    }
    return Math.max(0, System.currentTimeMillis() - lowest) / 1000;
  }

  private static Long auditUnaccounted(FlinkRestClient rest, String vertex) throws Exception {
    for (JsonNode m : rest.read(vertex + "/metrics")) {
      String metric = m.path("id").asText();
      if (metric.endsWith("cdrflow.auditUnaccounted")) {
        for (JsonNode value : rest.read(vertex + "/metrics?get=" + metric)) {
          return value.path("value").asLong();
        }
      }
    }
    return null;
  }

  /** Records on the raw topic past the group's committed offsets; null if Kafka cannot tell. */
  static Long consumerLag(CdrflowConfig config) {
    Properties p = config.kafkaClientProperties();
    p.put(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.require(CdrflowConfig.KAFKA_BOOTSTRAP));
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    String topic = config.get(CdrflowConfig.TOPIC_RAW);
    try (Admin admin = Admin.create(p)) {
      int partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(20, TimeUnit.SECONDS)
              .get(topic)
              .partitions()
              .size();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      for (int i = 0; i < partitions; i++) {
        latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
        earliest.put(new TopicPartition(topic, i), OffsetSpec.earliest());
      }
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(config.get(CdrflowConfig.KAFKA_GROUP_ID))
              .partitionsToOffsetAndMetadata()
              .get(20, TimeUnit.SECONDS);
      var ends = admin.listOffsets(latest).all().get(20, TimeUnit.SECONDS);
      var starts = admin.listOffsets(earliest).all().get(20, TimeUnit.SECONDS);
      long lag = 0;
      for (TopicPartition tp : latest.keySet()) {
        OffsetAndMetadata c = committed.get(tp);
        long from = c != null ? c.offset() : starts.get(tp).offset();
        lag += Math.max(0, ends.get(tp).offset() - from);
      }
      return lag;
    } catch (Exception e) {
      return null;
    }
  }

  private static StatusReport.Audit audit(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select coalesce(sum(received), 0), coalesce(sum(rated) + sum(rejected)"
                    + " + sum(duplicates) + sum(unanswered) + sum(pending_partials), 0)"
                    + " from mediation_audit")) {
      r.next();
      return new StatusReport.Audit(r.getLong(1), r.getLong(2));
    }
  }

  private static Map<String, Long> counts(Connection c, String sql) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.put(r.getString(1), r.getLong(2));
      }
    }
    return out;
  }

  private static boolean tableExists(Connection c, String table) throws Exception {
    try (PreparedStatement s = c.prepareStatement("select to_regclass(?) is not null")) {
      s.setString(1, table);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getBoolean(1);
      }
    }
  }

  private static StatusReport.AnonymisationRun lastAnonymisation(Connection c) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select as_of, status, started_at, finished_at, lines_anonymised"
                    + " from anonymisation_run where not dry_run"
                    + " order by started_at desc limit 1")) {
      if (!r.next()) {
        return null;
      }
      return new StatusReport.AnonymisationRun(
          r.getDate(1) == null ? null : r.getDate(1).toLocalDate(),
          r.getString(2),
          r.getTimestamp(3).toInstant(),
          r.getTimestamp(4) == null ? null : r.getTimestamp(4).toInstant(),
          r.getLong(5));
    }
  }

  /** Whether any line is older than the cutoff of this month's run (the partitions prune). */
  private static boolean anonymisationPending(Connection c) throws Exception {
    LocalDate today = LocalDate.now(AnonymisationCutoff.OSLO);
    try (PreparedStatement s =
        c.prepareStatement(
            "select exists (select 1 from invoice_line where event_date < ?"
                + " and anonymised_at is null)")) {
      s.setObject(1, AnonymisationCutoff.cutoffAt(today).toLocalDate());
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getBoolean(1);
      }
    }
  }

  /** The REST endpoint of the `cdrflow cluster` running on this workdir, or null. */
  static String flinkRestOfCluster(Path clusterDir) {
    Path conf = clusterDir.resolve("conf").resolve("config.yaml");
    try {
      Matcher m =
          Pattern.compile("(?m)^rest\\.port:\\s*\"?(\\d+)\"?").matcher(Files.readString(conf));
      if (!m.find()) {
        return null;
      }
      String url = "http://127.0.0.1:" + m.group(1);
      new FlinkRestClient(url).overview();
      return url;
    } catch (Exception e) {
      return null;
    }
  }
}
