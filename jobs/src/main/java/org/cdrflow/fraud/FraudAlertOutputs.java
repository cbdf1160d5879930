package org.cdrflow.fraud;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where alerts go: table {@code fraud_alert} and topic {@code cdr.fraud-alerts}. The table insert
 * does nothing when the alert id exists, so a replay neither duplicates an alert nor undoes an
 * analyst's decision; the topic is at least once, keyed by alert id (docs/fraud.md, "Alerts").
 */
public final class FraudAlertOutputs {
  private FraudAlertOutputs() {}

  public static final String TABLE_INSERT =
      "insert into fraud_alert (alert_id, rule_id, rule_version, kind, severity, subscription_id,"
          + " account_id, window_start, window_end, event_count, minutes, amount,"
          + " distinct_destinations, first_event, last_event, raised_at)"
          + " values (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
          + " on conflict (alert_id) do nothing";

  public static final JdbcStatementBuilder<FraudAlert> TABLE_ROW =
      (ps, a) -> {
        int i = 1;
        ps.setString(i++, a.alertId);
        ps.setString(i++, a.ruleId);
        ps.setTimestamp(i++, new Timestamp(a.ruleVersion));
        ps.setString(i++, a.kind);
        ps.setString(i++, a.severity);
        ps.setString(i++, a.subscriptionId);
        ps.setString(i++, a.accountId);
        ps.setTimestamp(i++, new Timestamp(a.windowStart));
        ps.setTimestamp(i++, new Timestamp(a.windowEnd));
        ps.setInt(i++, a.eventCount);
        ps.setBigDecimal(i++, minutes(a.seconds));
        ps.setBigDecimal(i++, BigDecimal.valueOf(a.amountOre, 2));
        ps.setInt(i++, a.distinctDestinations);
        ps.setTimestamp(i++, new Timestamp(a.firstEvent));
        ps.setTimestamp(i++, new Timestamp(a.lastEvent));
        ps.setTimestamp(i, new Timestamp(a.raisedAt));
      };

  public static KafkaSink<FraudAlert> topic(String bootstrap, String topic, Properties client) {
    return KafkaSink.<FraudAlert>builder()
        .setBootstrapServers(bootstrap)
        .setKafkaProducerConfig(client)
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setRecordSerializer(new AlertSerializer(topic))
        .build();
  }

  static BigDecimal minutes(long seconds) {
    return BigDecimal.valueOf(seconds)
        .divide(BigDecimal.valueOf(60), 1, java.math.RoundingMode.HALF_UP);
  }

  static org.cdrflow.schema.FraudAlert toAvro(FraudAlert a) {
    return new org.cdrflow.schema.FraudAlert(
        a.alertId,
        a.ruleId,
        Instant.ofEpochMilli(a.ruleVersion),
        a.kind,
        a.severity,
        a.subscriptionId,
        a.accountId,
        Instant.ofEpochMilli(a.windowStart),
        Instant.ofEpochMilli(a.windowEnd),
        a.eventCount,
        a.seconds,
        BigDecimal.valueOf(a.amountOre, 2).toPlainString(),
        a.distinctDestinations,
        Instant.ofEpochMilli(a.firstEvent),
        Instant.ofEpochMilli(a.lastEvent),
        Instant.ofEpochMilli(a.raisedAt));
  }

  static final class AlertSerializer implements KafkaRecordSerializationSchema<FraudAlert> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    AlertSerializer(String topic) {
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        FraudAlert a, KafkaSinkContext context, Long timestamp) {
      try {
        ByteBuffer b = org.cdrflow.schema.FraudAlert.getEncoder().encode(toAvro(a));
        byte[] value = new byte[b.remaining()];
        b.get(value);
        return new ProducerRecord<>(topic, a.alertId.getBytes(StandardCharsets.UTF_8), value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
