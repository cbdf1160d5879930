package org.cdrflow.schema.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.cdrflow.schema.RawCdr;
import org.junit.jupiter.api.Test;

/**
 * Files and payloads written with the v1 RawCdr schema must stay readable by every later version
 * (SPEC §3). This test fails the build when an edit of RawCdr.avsc breaks that.
 */
class RawCdrCompatibilityTest {

  @Test
  void currentSchemaReadsV1Data() {
    assertCompatibility(
        SchemaCompatibilityType.COMPATIBLE, RawCdr.getClassSchema(), Samples.frozenV1());
  }

  @Test
  void currentSchemaReadsV1DataWrittenWithoutNamespace() {
    assertCompatibility(
        SchemaCompatibilityType.COMPATIBLE,
        RawCdr.getClassSchema(),
        RawCdrSchemas.withoutNamespace(Samples.frozenV1()));
  }

  @Test
  void everyKnownWriterSchemaIsReadable() {
    for (Schema writer : RawCdrSchemas.knownWriterSchemas()) {
      assertCompatibility(SchemaCompatibilityType.COMPATIBLE, RawCdr.getClassSchema(), writer);
    }
  }

  @Test
  void v1CopyInTheJarIsTheFrozenOne() throws IOException {
    // The decoders and the JSON feed use the copy in main resources; it must never drift from
    // the frozen test copy (edit neither: add a v2 file instead).
    assertArrayEquals(
        read("/compat/RawCdr-v1.avsc"), read("/org/cdrflow/schema/history/RawCdr-v1.avsc"));
  }

  @Test
  void aNewRequiredFieldWithoutDefaultIsDetected() {
    Schema v1 = Samples.frozenV1();
    List<Schema.Field> fields = copyFields(v1);
    fields.add(new Schema.Field("chargingId", Schema.create(Schema.Type.LONG), "new, no default"));
    assertCompatibility(SchemaCompatibilityType.INCOMPATIBLE, record(v1, fields), v1);
  }

  @Test
  void aNewFieldWithDefaultIsFine() {
    Schema v1 = Samples.frozenV1();
    List<Schema.Field> fields = copyFields(v1);
    Schema optionalString =
        Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
    fields.add(
        new Schema.Field("chargingId", optionalString, "new", Schema.Field.NULL_DEFAULT_VALUE));
    assertCompatibility(SchemaCompatibilityType.COMPATIBLE, record(v1, fields), v1);
  }

  @Test
  void aRemovedEnumSymbolIsDetected() {
    Schema v1 = Samples.frozenV1();
    Schema recordType = v1.getField("recordType").schema();
    List<String> symbols = new ArrayList<>(recordType.getEnumSymbols());
    symbols.remove("FWD");
    Schema fewer =
        Schema.createEnum(
            recordType.getName(), recordType.getDoc(), recordType.getNamespace(), symbols);
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : v1.getFields()) {
      fields.add(new Schema.Field(f, f.name().equals("recordType") ? fewer : f.schema()));
    }
    assertCompatibility(SchemaCompatibilityType.INCOMPATIBLE, record(v1, fields), v1);
  }

  @Test
  void aRenamedFieldIsDetected() {
    Schema v1 = Samples.frozenV1();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : v1.getFields()) {
      String name = f.name().equals("servedMsisdn") ? "msisdn" : f.name();
      fields.add(new Schema.Field(name, f.schema(), f.doc(), f.defaultVal()));
    }
    assertCompatibility(SchemaCompatibilityType.INCOMPATIBLE, record(v1, fields), v1);
  }

  @Test
  void aNarrowedTypeIsDetected() {
    Schema v1 = Samples.frozenV1();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : v1.getFields()) {
      Schema type =
          f.name().equals("uplinkBytes")
              ? Schema.createUnion(Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.INT))
              : f.schema();
      fields.add(new Schema.Field(f, type));
    }
    assertCompatibility(SchemaCompatibilityType.INCOMPATIBLE, record(v1, fields), v1);
  }

  private static void assertCompatibility(
      SchemaCompatibilityType expected, Schema reader, Schema writer) {
    SchemaCompatibility.SchemaPairCompatibility result =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    assertEquals(expected, result.getType(), result.getDescription());
  }

  private static List<Schema.Field> copyFields(Schema schema) {
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : schema.getFields()) {
      fields.add(new Schema.Field(f, f.schema()));
    }
    return fields;
  }

  private static Schema record(Schema like, List<Schema.Field> fields) {
    return Schema.createRecord(like.getName(), like.getDoc(), like.getNamespace(), false, fields);
  }

  private static byte[] read(String resource) throws IOException {
    try (InputStream in = RawCdrCompatibilityTest.class.getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }
}
