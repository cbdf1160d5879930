package org.cdrflow.jobs;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.kafka.TopicToEnd;
import org.cdrflow.pipeline.AuditReconciliation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit's check against the world after a drain ({@link AuditReconciliation#afterDrain}), for
 * the commands that run the job to the end of its input (replay, reprocess, demo): a mismatch is
 * logged and fails the command (docs/reliability.md, "The audit checks itself").
 */
public final class DrainAudit {
  private static final Logger LOG = LoggerFactory.getLogger(DrainAudit.class);
  private static final Duration READ_TIMEOUT = Duration.ofMinutes(5);

  private DrainAudit() {}

  /**
   * @throws IllegalStateException naming every mismatch, when the audit disagrees with the tables
   *     or the topic
   */
  public static void verify(CdrflowConfig config) throws Exception {
    long raw = rawRecords(config);
    AuditReconciliation.Totals totals;
    try (Connection c = config.jdbc().connect()) {
      totals = AuditReconciliation.read(c, raw, null);
    }
    List<String> mismatches = AuditReconciliation.afterDrain(totals);
    if (!mismatches.isEmpty()) {
      String text = String.join("; ", mismatches);
      LOG.error("Audit check after the drain failed: {}", text);
      throw new IllegalStateException("audit check after the drain failed: " + text);
    }
  }

  /**
   * The records on the raw topic, counted by reading it (committed records only: the offsets of a
   * transactional producer's markers and aborted records are not records).
   */
  static long rawRecords(CdrflowConfig config) {
    Properties p = config.kafkaClientProperties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.require(CdrflowConfig.KAFKA_BOOTSTRAP));
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    AtomicLong n = new AtomicLong();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicToEnd.read(
          consumer,
          TopicToEnd.partitionsOf(consumer, config.get(CdrflowConfig.TOPIC_RAW)),
          READ_TIMEOUT,
          r -> n.incrementAndGet());
    }
    return n.get();
  }
}
