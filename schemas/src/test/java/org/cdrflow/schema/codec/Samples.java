package org.cdrflow.schema.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;

/** Test data shared by the codec tests. */
final class Samples {

  /** A subscriber number used in the samples; must never show up in an error message. */
  static final String MSISDN = "4791234567";

  static final String IMSI = "242011234567890";

  private Samples() {}

  static RawCdr moc(String callReference) {
    return RawCdr.newBuilder()
        .setNetworkElement("MSC-OSL-1")
        .setCallReference(callReference)
        .setSequenceNumber(0)
        .setLastPartial(true)
        .setRecordType(RecordType.MOC)
        .setServedMsisdn(MSISDN)
        .setServedImsi(IMSI)
        .setCallingNumber(null)
        .setCalledNumber("4722334455")
        .setSeizureTime(Instant.ofEpochMilli(1790841590000L))
        .setAnswerTime(Instant.ofEpochMilli(1790841600000L))
        .setDurationSeconds(65)
        .setCauseForTerm("NORMAL")
        .setVisitedPlmn(null)
        .setInTrunk(null)
        .setOutTrunk("TG-TELIA-1")
        .setUplinkBytes(null)
        .setDownlinkBytes(null)
        .build();
  }

  static RawCdr data(String callReference) {
    return RawCdr.newBuilder()
        .setNetworkElement("GGSN-BGO-2")
        .setCallReference(callReference)
        .setSequenceNumber(2)
        .setLastPartial(false)
        .setRecordType(RecordType.DATA)
        .setServedMsisdn("+47" + MSISDN.substring(2))
        .setSeizureTime(Instant.ofEpochMilli(1790841590123L))
        .setDurationSeconds(3600)
        .setCauseForTerm("PARTIAL")
        .setVisitedPlmn("24008")
        .setUplinkBytes(123_456_789_012L)
        .setDownlinkBytes(0L)
        .build();
  }

  /** The frozen v1 schema from the test resources. */
  static Schema frozenV1() {
    try (InputStream in = Samples.class.getResourceAsStream("/compat/RawCdr-v1.avsc")) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The record as a generic datum of {@code schema} (same field names, any namespace). */
  static GenericRecord toGeneric(RawCdr cdr, Schema schema) {
    GenericData.Record r = new GenericData.Record(schema);
    for (Schema.Field f : schema.getFields()) {
      Object v = cdr.get(cdr.getSchema().getField(f.name()).pos());
      if (v instanceof Instant i) {
        v = i.toEpochMilli();
      } else if (v instanceof Enum<?> e) {
        v = new GenericData.EnumSymbol(f.schema(), e.name());
      }
      r.put(f.name(), v);
    }
    return r;
  }

  /** Single-object encoding done by hand, so tests do not depend on the code under test. */
  static byte[] singleObject(Schema writer, GenericRecord datum) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(0xC3);
      out.write(0x01);
      out.write(
          ByteBuffer.allocate(8)
              .order(ByteOrder.LITTLE_ENDIAN)
              .putLong(RawCdrSchemas.fingerprint(writer))
              .array());
      BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(writer).write(datum, enc);
      enc.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
