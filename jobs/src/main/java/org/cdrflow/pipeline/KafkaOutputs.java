package org.cdrflow.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.cdrflow.rating.UsageNotice;
import org.cdrflow.schema.NotificationKind;
import org.cdrflow.schema.RejectedCdr;

/**
 * The topics the job publishes: rejects keyed by reject id and usage notifications keyed by their
 * notification id. The job's state emits each notification once; the topic is written at least once
 * (after a failure a notification can be sent again with the same id), so the SMS gateway
 * deduplicates by key (docs/decisions.md, "Notifications at least once"). Values are Avro
 * single-object encoded, like the raw feed.
 */
public final class KafkaOutputs {
  private KafkaOutputs() {}

  public static KafkaSink<Rejection> rejects(String bootstrap, String topic, Properties client) {
    return KafkaSink.<Rejection>builder()
        .setBootstrapServers(bootstrap)
        .setKafkaProducerConfig(client)
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setRecordSerializer(new RejectSerializer(topic))
        .build();
  }

  public static KafkaSink<UsageNotice> notifications(
      String bootstrap, String topic, Properties client) {
    return KafkaSink.<UsageNotice>builder()
        .setBootstrapServers(bootstrap)
        .setKafkaProducerConfig(client)
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setRecordSerializer(new NoticeSerializer(topic))
        .build();
  }

  static final class RejectSerializer implements KafkaRecordSerializationSchema<Rejection> {
    private static final long serialVersionUID = 1L;

    /**
     * Largest original payload carried on the rejected topic. The raw topic's broker checks the
     * compressed size, so a hostile producer can put a record there that is many megabytes once
     * decompressed; republished whole it exceeds the producer's and the broker's 1 MiB limit, the
     * sink fails, and every restart meets the same record again. A larger payload is left out of
     * the message; {@code rejected_cdr} keeps it, and reprocessing reads it from there.
     */
    static final int MAX_TOPIC_PAYLOAD = 512 * 1024;

    private final String topic;

    RejectSerializer(String topic) {
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        Rejection r, KafkaSinkContext context, Long timestamp) {
      byte[] payload = r.payload == null ? new byte[0] : r.payload;
      String detail = r.detail;
      if (payload.length > MAX_TOPIC_PAYLOAD) {
        detail =
            detail
                + " (the original "
                + payload.length
                + " bytes are too large for this topic; rejected_cdr keeps them)";
        payload = new byte[0];
      }
      RejectedCdr avro =
          new RejectedCdr(
              r.rejectId,
              r.reason,
              detail,
              r.sourceTopic,
              r.sourcePartition,
              r.sourceOffset,
              ByteBuffer.wrap(payload),
              r.eventTime == null ? null : Instant.ofEpochMilli(r.eventTime),
              Instant.ofEpochMilli(r.firstSeen));
      return new ProducerRecord<>(topic, r.rejectId.getBytes(StandardCharsets.UTF_8), bytes(avro));
    }

    private static byte[] bytes(RejectedCdr avro) {
      try {
        return toArray(RejectedCdr.getEncoder().encode(avro));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static final class NoticeSerializer implements KafkaRecordSerializationSchema<UsageNotice> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private transient JobMetrics.Notifications sent;

    NoticeSerializer(String topic) {
      this.topic = topic;
    }

    @Override
    public void open(
        SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
      sent = JobMetrics.notifications(context.getMetricGroup(), NotificationKind.class);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        UsageNotice n, KafkaSinkContext context, Long timestamp) {
      try {
        byte[] value =
            toArray(org.cdrflow.schema.UsageNotification.getEncoder().encode(n.toAvro()));
        if (sent != null) {
          sent.sent(n.kind);
        }
        return new ProducerRecord<>(
            topic, n.notificationId.getBytes(StandardCharsets.UTF_8), value);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }
}
