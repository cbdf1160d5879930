package org.cdrflow.schema.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdrFeedReaderTest {

  /** Exactly the layout of SPEC §3: nullable fields as unions, absent values as null. */
  private static final String SPEC_LINE =
      "{\"networkElement\":\"MSC-OSL-1\",\"callReference\":\"c-0001\",\"sequenceNumber\":0,"
          + "\"lastPartial\":true,\"recordType\":\"MOC\",\"servedMsisdn\":\"4791234567\","
          + "\"servedImsi\":{\"string\":\"242011234567890\"},\"callingNumber\":null,"
          + "\"calledNumber\":{\"string\":\"4722334455\"},\"seizureTime\":1790841590000,"
          + "\"answerTime\": {\"long\": 1790841600000},\"durationSeconds\":65,"
          + "\"causeForTerm\":\"NORMAL\",\"visitedPlmn\":null,\"inTrunk\":null,"
          + "\"outTrunk\":{\"string\":\"TG-TELIA-1\"},\"uplinkBytes\":null,\"downlinkBytes\":null}";

  private static final String DATA_LINE =
      "{\"networkElement\":\"GGSN-BGO-2\",\"callReference\":\"d-0002\",\"sequenceNumber\":2,"
          + "\"lastPartial\":false,\"recordType\":\"DATA\",\"servedMsisdn\":\"+4791234567\","
          + "\"servedImsi\":null,\"callingNumber\":null,\"calledNumber\":null,"
          + "\"seizureTime\":1790841590123,\"answerTime\":null,\"durationSeconds\":3600,"
          + "\"causeForTerm\":\"PARTIAL\",\"visitedPlmn\":{\"string\":\"24008\"},\"inTrunk\":null,"
          + "\"outTrunk\":null,\"uplinkBytes\":{\"long\":123456789012},"
          + "\"downlinkBytes\":{\"long\":0}}";

  private static final String BAD_LINE =
      "{\"networkElement\":\"MSC-OSL-1\", \"servedMsisdn\":\"4791234567\"";

  @TempDir Path dir;

  @Test
  void readsJsonLinesWithUnionsKeepsOrderAndPassesABadLineThroughRaw() throws Exception {
    Path file = dir.resolve("feed.jsonl");
    Files.writeString(
        file, SPEC_LINE + "\n\n" + BAD_LINE + "\n   \n" + DATA_LINE + "\n", StandardCharsets.UTF_8);

    List<FeedRecord> records = readAll(file);
    assertEquals(3, records.size());

    FeedRecord first = records.get(0);
    assertEquals("MSC-OSL-1|c-0001", first.key());
    assertEquals(1, first.lineOrIndex());
    assertTrue(first.decoded());
    assertNull(first.problem());
    RawCdr moc = RawCdrCodec.decode(first.value());
    assertEquals(Instant.ofEpochMilli(1790841600000L), moc.getAnswerTime());
    assertEquals(Instant.ofEpochMilli(1790841590000L), moc.getSeizureTime());
    assertEquals(RecordType.MOC, moc.getRecordType());
    assertEquals("242011234567890", moc.getServedImsi());
    assertNull(moc.getCallingNumber());
    assertEquals("4722334455", moc.getCalledNumber());
    assertEquals("TG-TELIA-1", moc.getOutTrunk());
    assertNull(moc.getVisitedPlmn());
    assertNull(moc.getUplinkBytes());

    FeedRecord bad = records.get(1);
    assertNull(bad.key());
    assertFalse(bad.decoded());
    assertEquals(3, bad.lineOrIndex());
    assertArrayEquals(BAD_LINE.getBytes(StandardCharsets.UTF_8), bad.value());
    assertNotNull(bad.problem());
    assertTrue(bad.problem().startsWith("BAD_JSON"), bad.problem());
    assertFalse(bad.problem().contains("4791234567"), bad.problem());
    // The job will try to decode it and reject it as UNDECODABLE.
    assertThrows(UndecodableRecordException.class, () -> RawCdrCodec.decode(bad.value()));

    FeedRecord data = records.get(2);
    assertEquals("GGSN-BGO-2|d-0002", data.key());
    assertEquals(5, data.lineOrIndex());
    RawCdr d = RawCdrCodec.decode(data.value());
    assertEquals(123456789012L, d.getUplinkBytes());
    assertEquals(0L, d.getDownlinkBytes());
    assertNull(d.getAnswerTime());
    assertEquals("24008", d.getVisitedPlmn());
  }

  @Test
  void keepsTheExactBytesOfLinesThatAreNotUtf8OrNotJsonAndRecovers() throws Exception {
    Path file = dir.resolve("mixed.jsonl");
    byte[] latin1 = "{\"networkElement\":\"MSC-TR\u00D8-1\"}".getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(latin1);
    out.write('\n');
    out.writeBytes("not json at all 4791234567\r\n".getBytes(StandardCharsets.UTF_8));
    out.writeBytes(SPEC_LINE.replace("MOC", "XYZ").getBytes(StandardCharsets.UTF_8));
    out.write('\n');
    out.writeBytes(
        SPEC_LINE
            .replace("\"sequenceNumber\":0", "\"sequenceNumber\":\"0\"")
            .getBytes(StandardCharsets.UTF_8));
    out.write('\n');
    out.writeBytes(SPEC_LINE.getBytes(StandardCharsets.UTF_8)); // last line without terminator
    Files.write(file, out.toByteArray());

    List<FeedRecord> records = readAll(file);
    assertEquals(5, records.size());
    assertArrayEquals(latin1, records.get(0).value());
    assertTrue(records.get(0).problem().contains("UTF-8"), records.get(0).problem());
    assertArrayEquals(
        "not json at all 4791234567".getBytes(StandardCharsets.UTF_8), records.get(1).value());
    for (int i = 0; i < 4; i++) {
      FeedRecord r = records.get(i);
      assertNull(r.key(), r.toString());
      assertEquals(i + 1, r.lineOrIndex());
      assertFalse(r.problem().contains("4791234567"), r.problem());
      assertFalse(r.problem().contains("XYZ"), r.problem());
    }
    // A bad line leaves no state behind in the decoder.
    assertEquals("MSC-OSL-1|c-0001", records.get(4).key());
    assertEquals(5, records.get(4).lineOrIndex());
  }

  @Test
  void aLineWithMoreThanOneRecordIsNotSilentlyTruncated() throws Exception {
    Path file = dir.resolve("glued.jsonl");
    String withBraceInString = SPEC_LINE.replace("c-0001", "c-{0001\\\"}");
    Files.writeString(
        file,
        SPEC_LINE
            + DATA_LINE
            + "\n"
            + SPEC_LINE
            + " x\n"
            + SPEC_LINE
            + "  \t\n"
            + withBraceInString
            + "\n",
        StandardCharsets.UTF_8);
    List<FeedRecord> records = readAll(file);
    assertEquals(4, records.size());
    assertNull(records.get(0).key());
    assertEquals("BAD_JSON: content after the end of the record", records.get(0).problem());
    assertNull(records.get(1).key());
    assertEquals("MSC-OSL-1|c-0001", records.get(2).key());
    assertEquals("MSC-OSL-1|c-{0001\"}", records.get(3).key());
  }

  @Test
  void readsAContainerFileWrittenWithTheFrozenV1Schema() throws Exception {
    Schema v1 = Samples.frozenV1();
    Path file = dir.resolve("feed-v1.avro");
    List<RawCdr> expected = new ArrayList<>();
    try (DataFileWriter<GenericRecord> w =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(v1))) {
      w.setCodec(CodecFactory.deflateCodec(6));
      w.setSyncInterval(1024); // several blocks
      w.create(v1, file.toFile());
      for (int i = 0; i < 500; i++) {
        RawCdr cdr = i % 3 == 0 ? Samples.data("d-" + i) : Samples.moc("c-" + i);
        expected.add(cdr);
        w.append(Samples.toGeneric(cdr, v1));
      }
    }
    try (CdrFeedReader reader = CdrFeedReader.open(file)) {
      assertEquals(CdrFeedReader.Format.CONTAINER, reader.format());
      for (int i = 0; i < expected.size(); i++) {
        assertTrue(reader.hasNext());
        FeedRecord r = reader.next();
        assertEquals(i, r.lineOrIndex());
        assertEquals(RawCdrCodec.key(expected.get(i)), r.key());
        assertEquals(expected.get(i), RawCdrCodec.decode(r.value()));
      }
      assertFalse(reader.hasNext());
      assertThrows(NoSuchElementException.class, reader::next);
    }
  }

  @Test
  void readsAContainerFileWrittenWithoutNamespace() throws Exception {
    Schema noNamespace =
        new Schema.Parser()
            .parse(
                Samples.frozenV1().toString().replace("\"namespace\":\"org.cdrflow.schema\",", ""));
    Path file = dir.resolve("feed-nons.avro");
    try (DataFileWriter<GenericRecord> w =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(noNamespace))) {
      w.create(noNamespace, file.toFile());
      w.append(Samples.toGeneric(Samples.moc("c-1"), noNamespace));
    }
    List<FeedRecord> records = readAll(file);
    assertEquals(1, records.size());
    assertEquals(Samples.moc("c-1"), RawCdrCodec.decode(records.get(0).value()));
  }

  @Test
  void aContainerOfAnotherRecordFailsClearly() throws Exception {
    Schema other =
        new Schema.Parser()
            .parse(
                "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
    Path file = dir.resolve("other.avro");
    try (DataFileWriter<GenericRecord> w =
        new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(other))) {
      w.create(other, file.toFile());
      GenericRecord r = new org.apache.avro.generic.GenericData.Record(other);
      r.put("x", 1);
      w.append(r);
    }
    try (CdrFeedReader reader = CdrFeedReader.open(file)) {
      AvroRuntimeException e = assertThrows(AvroRuntimeException.class, reader::hasNext);
      assertTrue(e.getMessage().contains("RawCdr"), e.getMessage());
    }
  }

  @Test
  void emptyFilesAndBlankFilesYieldNothing() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.jsonl"));
    assertEquals(List.of(), readAll(empty));
    Path blank = Files.writeString(dir.resolve("blank.jsonl"), "\n  \n\r\n");
    assertEquals(List.of(), readAll(blank));
  }

  @Test
  void toleratesCrLfAndAByteOrderMark() throws Exception {
    Path file = dir.resolve("windows.jsonl");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    out.writeBytes((SPEC_LINE + "\r\n" + DATA_LINE + "\r\n").getBytes(StandardCharsets.UTF_8));
    Files.write(file, out.toByteArray());
    List<FeedRecord> records = readAll(file);
    assertEquals(
        List.of("MSC-OSL-1|c-0001", "GGSN-BGO-2|d-0002"),
        records.stream().map(FeedRecord::key).toList());
  }

  @Test
  void streamClosesTheFileAndPreservesOrder() throws Exception {
    Path file = dir.resolve("many.jsonl");
    List<RawCdr> cdrs = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      cdrs.add(i % 2 == 0 ? Samples.moc("c-" + i) : Samples.data("d-" + i));
    }
    CdrFeedWriter.writeJsonLines(file, cdrs);
    try (Stream<FeedRecord> s = CdrFeedReader.stream(file)) {
      List<String> keys = s.map(FeedRecord::key).toList();
      assertEquals(cdrs.stream().map(RawCdrCodec::key).toList(), keys);
    }
    CdrFeedReader reader = CdrFeedReader.open(file);
    reader.close();
    assertFalse(reader.hasNext());
  }

  @Test
  void anAbsurdlyLongLineFailsTheFileInsteadOfBufferingIt() throws Exception {
    Path file = dir.resolve("huge.jsonl");
    byte[] junk = new byte[CdrFeedReader.JsonLinesSource.MAX_LINE_BYTES + 10];
    Arrays.fill(junk, (byte) 'x');
    Files.write(file, junk);
    try (CdrFeedReader reader = CdrFeedReader.open(file)) {
      UncheckedIOException e = assertThrows(UncheckedIOException.class, reader::hasNext);
      assertTrue(e.getCause().getMessage().contains("line 1"), e.getCause().getMessage());
    }
  }

  @Test
  void missingFileFailsOnOpen() {
    assertThrows(IOException.class, () -> CdrFeedReader.open(dir.resolve("nope.jsonl")));
  }

  private static List<FeedRecord> readAll(Path file) throws IOException {
    try (Stream<FeedRecord> s = CdrFeedReader.stream(file)) {
      return s.toList();
    }
  }
}
