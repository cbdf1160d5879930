package org.cdrflow.connectors.kafka;

import java.util.Properties;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.cdrflow.cdr.IncomingCdr;

/** The Kafka source of the raw signalling feed. */
public final class RawCdrSource {
  private RawCdrSource() {}

  /**
   * Reads {@code topic} from the committed offsets of {@code groupId} (earliest for a new group);
   * on a restore from a checkpoint or savepoint Flink's own offsets win.
   */
  public static KafkaSource<IncomingCdr> create(
      String bootstrapServers, String topic, String groupId, Properties clientProperties) {
    return create(bootstrapServers, topic, groupId, clientProperties, null);
  }

  /** As above; values in the registry wire format are read with {@code registry}'s schemas. */
  public static KafkaSource<IncomingCdr> create(
      String bootstrapServers,
      String topic,
      String groupId,
      Properties clientProperties,
      org.cdrflow.schema.codec.RegistryFramedSchemas registry) {
    return KafkaSource.<IncomingCdr>builder()
        .setBootstrapServers(bootstrapServers)
        .setTopics(topic)
        .setGroupId(groupId)
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new IncomingCdrDeserializer(registry))
        .setProperties(clientProperties)
        .setProperty("commit.offsets.on.checkpoint", "true")
        .setProperty("partition.discovery.interval.ms", "60000")
        .build();
  }
}
