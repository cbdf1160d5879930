package org.cdrflow.connectors.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.RawCdrDecoder;
import org.cdrflow.schema.codec.RegistryFramedSchemas;
import org.cdrflow.schema.codec.UndecodableRecordException;

/**
 * Turns a raw-topic record into an {@link IncomingCdr}. Never throws for bad input: a record that
 * cannot be decoded comes out with its reason and original bytes so that mediation rejects it
 * UNDECODABLE instead of failing the job. Decoding here, in the source, gives the watermark the
 * record's event time per Kafka partition.
 */
public class IncomingCdrDeserializer implements KafkaRecordDeserializationSchema<IncomingCdr> {
  private static final long serialVersionUID = 1L;

  /** Header that {@code cdrflow reprocess} puts on a record fed again: the reject's id. */
  public static final String REPROCESS_HEADER = "cdrflow-reprocess-of";

  private transient RawCdrDecoder decoder;
  private transient RawCdr reuse;

  /** Schemas for registry-framed values, or null (docs/decisions.md). */
  private final RegistryFramedSchemas registry;

  public IncomingCdrDeserializer() {
    this(null);
  }

  public IncomingCdrDeserializer(RegistryFramedSchemas registry) {
    this.registry = registry;
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    decoder = new RawCdrDecoder(registry);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IncomingCdr> out) {
    if (decoder == null) {
      decoder = new RawCdrDecoder(registry);
    }
    IncomingCdr in = new IncomingCdr();
    in.sourceTopic = record.topic();
    in.sourcePartition = record.partition();
    in.sourceOffset = record.offset();
    in.payload = record.value() == null ? new byte[0] : record.value();
    Header reprocess = record.headers().lastHeader(REPROCESS_HEADER);
    if (reprocess != null) {
      in.reprocessedRejectId = new String(reprocess.value(), StandardCharsets.UTF_8);
    }
    try {
      RawCdr cdr = decoder.decode(in.payload, reuse);
      reuse = cdr;
      in.copyFrom(cdr);
    } catch (UndecodableRecordException e) {
      in.undecodableReason = e.getMessage();
    } catch (RuntimeException e) {
      // Hostile bytes can trip Avro in ways its decoder does not classify; still only a reject.
      in.undecodableReason =
          "the payload is not a valid RawCdr record (" + e.getClass().getSimpleName() + ")";
    }
    out.collect(in);
  }

  @Override
  public TypeInformation<IncomingCdr> getProducedType() {
    return Types.POJO(IncomingCdr.class);
  }
}
