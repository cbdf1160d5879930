package org.cdrflow.schema.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.UndecodableRecordException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values in the schema-registry wire format, with the writer schemas given as files. */
class RegistryFramedSchemasTest {

  @TempDir Path dir;

  private static byte[] framed(int id, Schema writer, RawCdr record) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(new byte[] {(byte) (id >> 24), (byte) (id >> 16), (byte) (id >> 8), (byte) id});
    BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<RawCdr>(writer).write(record, e);
    e.flush();
    return out.toByteArray();
  }

  private RawCdrDecoder decoder() throws Exception {
    Files.writeString(dir.resolve("7.avsc"), RawCdrSchemas.current().toString());
    Files.writeString(
        dir.resolve("300.avsc"),
        RawCdrSchemas.withoutNamespace(RawCdrSchemas.current()).toString());
    return new RawCdrDecoder(RegistryFramedSchemas.fromDirectory(dir));
  }

  @Test
  void framedValuesDecodeWithTheirSchemaFromFileAndSingleObjectStillDoes() throws Exception {
    RawCdrDecoder decoder = decoder();
    RawCdr moc = Samples.moc("REF-1");
    assertEquals(moc, decoder.decode(framed(7, RawCdrSchemas.current(), moc)));
    RawCdr data = Samples.data("REF-2");
    assertEquals(data, decoder.decode(framed(300, RawCdrSchemas.current(), data)));
    assertEquals(moc, decoder.decode(RawCdrCodec.encode(moc)));
  }

  @Test
  void anUnknownIdATruncatedValueOrGarbageIsUndecodable() throws Exception {
    RawCdrDecoder decoder = decoder();
    byte[] good = framed(7, RawCdrSchemas.current(), Samples.moc("REF-1"));
    byte[] unknown = good.clone();
    unknown[4] = 8;
    assertEquals(Reason.UNKNOWN_FINGERPRINT, reason(decoder, unknown));
    assertEquals(Reason.TRUNCATED, reason(decoder, new byte[] {0, 0, 0}));
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
    assertEquals(Reason.TRUNCATED, reason(decoder, cut));
    byte[] longer = java.util.Arrays.copyOf(good, good.length + 2);
    assertEquals(Reason.TRAILING_BYTES, reason(decoder, longer));
  }

  @Test
  void withoutSchemasTheFramingIsNotAccepted() throws Exception {
    byte[] good = framed(7, RawCdrSchemas.current(), Samples.moc("REF-1"));
    assertEquals(Reason.BAD_MARKER, reason(new RawCdrDecoder(), good));
  }

  @Test
  void aSchemaFileMustBeNamedByItsId() throws Exception {
    Files.writeString(dir.resolve("current.avsc"), RawCdrSchemas.current().toString());
    assertThrows(java.io.IOException.class, () -> RegistryFramedSchemas.fromDirectory(dir));
  }

  private static Reason reason(RawCdrDecoder d, byte[] b) {
    return assertThrows(UndecodableRecordException.class, () -> d.decode(b)).reason();
  }
}
