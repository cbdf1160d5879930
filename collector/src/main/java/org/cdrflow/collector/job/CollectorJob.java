package org.cdrflow.collector.job;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.cdrflow.collector.ber.CollectedFile;
import org.cdrflow.connectors.config.CdrflowConfig;

/**
 * The collector (docs/formats.md, docs/architecture.md): charging files in a directory (or
 * object-store path) → decoded records on {@code cdr.raw}, each file accounted for in {@code
 * collected_file}.
 *
 * <pre>
 *  FileSource [collect-files]: whole files, decoded (ChargingFileFormat)
 *    → [account-files]: collected_file, rejected_cdr; records of new complete files
 *    → KafkaSink [raw-topic]: key networkElement|callReference, single-object encoding
 * </pre>
 */
public final class CollectorJob {

  /** Writes a record's key and value as they are. */
  static final class RawTopicSerializer implements KafkaRecordSerializationSchema<TopicRecord> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    RawTopicSerializer(String topic) {
      this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        TopicRecord r, KafkaSinkContext context, Long timestamp) {
      return new ProducerRecord<>(topic, r.key, r.value);
    }
  }

  private CollectorJob() {}

  /**
   * Adds the collector to {@code env}.
   *
   * @param directory where the files arrive
   * @param monitorInterval how often to look for new files; null reads what is there and ends
   */
  public static void build(
      StreamExecutionEnvironment env,
      CdrflowConfig config,
      String directory,
      Duration monitorInterval) {
    FileSource.FileSourceBuilder<CollectedFile> files =
        FileSource.forBulkFileFormat(new ChargingFileFormat(), new Path(directory))
            .setSplitAssigner(OldestFileFirst::new);
    if (monitorInterval != null) {
      files.monitorContinuously(monitorInterval);
    }
    String topic = config.get(CdrflowConfig.TOPIC_RAW);
    KafkaSink<TopicRecord> raw =
        KafkaSink.<TopicRecord>builder()
            .setBootstrapServers(config.require(CdrflowConfig.KAFKA_BOOTSTRAP))
            .setKafkaProducerConfig(config.kafkaClientProperties())
            // Exactly-once is not available with the broker's client version (docs/decisions.md,
            // deviation 1); a copy sent again after a failure is a duplicate mediation drops.
            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
            .setRecordSerializer(new RawTopicSerializer(topic))
            .build();
    env.fromSource(files.build(), WatermarkStrategy.noWatermarks(), "collect-files")
        .uid("collect-files")
        .process(new AccountFiles(config.jdbc()))
        .uid("account-files")
        .name("account-files")
        .sinkTo(raw)
        .uid("raw-topic")
        .name("raw-topic");
  }
}
