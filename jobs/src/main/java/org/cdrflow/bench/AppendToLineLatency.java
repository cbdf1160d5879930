package org.cdrflow.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.connectors.kafka.TopicToEnd;
import org.cdrflow.mediation.CdrMediation;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.RawCdrDecoder;
import org.cdrflow.schema.codec.UndecodableRecordException;

/**
 * Latency from the broker's append of a record to the commit of its invoice line. The topic stamps
 * every record with its append time ({@code message.timestamp.type=LogAppendTime}); the line's
 * {@code created_at} is PostgreSQL's {@code now()} of the transaction that inserted it, so both
 * clocks are this machine's. A line is complete when its last needed record arrived: for a complete
 * record the first copy, for a long call the latest of its partials' first copies.
 */
final class AppendToLineLatency {
  private AppendToLineLatency() {}

  /** Latency percentiles in milliseconds over {@code lines} invoice lines. */
  record Result(
      long lines, long unmatched, double p50, double p90, double p99, double p999, double max) {}

  /** Creates {@code topic} with append-time timestamps. */
  static void createTopic(String bootstrap, Properties client, String topic, int partitions)
      throws Exception {
    Properties p = new Properties();
    p.putAll(client);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, partitions, (short) 1)
                      .configs(Map.of("message.timestamp.type", "LogAppendTime"))))
          .all()
          .get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  static Result measure(String bootstrap, Properties client, String topic, JdbcSettings jdbc)
      throws Exception {
    Map<String, Long> complete = completionTimes(bootstrap, client, topic);
    long[] latencies = new long[complete.size()];
    int n = 0;
    long unmatched = 0;
    try (Connection c = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password())) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.setFetchSize(50_000);
        try (ResultSet r =
            s.executeQuery(
                "select line_id::text, (extract(epoch from created_at) * 1000000)::bigint"
                    + " from invoice_line")) {
          while (r.next()) {
            Long appended = complete.get(r.getString(1));
            if (appended == null || n == latencies.length) {
              unmatched++;
              continue;
            }
            latencies[n++] = r.getLong(2) - appended * 1000;
          }
        }
      }
      c.commit();
    }
    long[] sorted = Arrays.copyOf(latencies, n);
    Arrays.sort(sorted);
    return new Result(
        n,
        unmatched,
        percentile(sorted, 0.50),
        percentile(sorted, 0.90),
        percentile(sorted, 0.99),
        percentile(sorted, 0.999),
        n == 0 ? 0 : sorted[n - 1] / 1000.0);
  }

  /** Nearest rank, in milliseconds. */
  private static double percentile(long[] sortedMicros, double q) {
    if (sortedMicros.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sortedMicros.length) - 1;
    return sortedMicros[Math.max(0, Math.min(rank, sortedMicros.length - 1))] / 1000.0;
  }

  /** line_id → append time (ms) of the record that completed the line. */
  private static Map<String, Long> completionTimes(
      String bootstrap, Properties client, String topic) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    Map<String, Long> complete = new HashMap<>();
    Map<String, Long> partialFirst = new HashMap<>();
    RawCdrDecoder decoder = new RawCdrDecoder();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicToEnd.read(
          consumer,
          TopicToEnd.partitionsOf(consumer, topic),
          Duration.ofMinutes(10),
          r -> {
            RawCdr cdr;
            try {
              cdr = decoder.decode(r.value());
            } catch (UndecodableRecordException | RuntimeException e) {
              return;
            }
            if (cdr.getRecordType() == null) {
              return;
            }
            String lineId =
                CdrMediation.lineIdOf(
                    cdr.getNetworkElement(), cdr.getCallReference(), cdr.getRecordType());
            if (cdr.getSequenceNumber() == 0) {
              complete.merge(lineId, r.timestamp(), Math::min);
            } else {
              partialFirst.merge(lineId + "#" + cdr.getSequenceNumber(), r.timestamp(), Math::min);
            }
          });
    }
    partialFirst.forEach(
        (k, ts) -> complete.merge(k.substring(0, k.lastIndexOf('#')), ts, Math::max));
    return complete;
  }
}
