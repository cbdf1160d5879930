package org.cdrflow.schema.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.cdrflow.schema.RawCdr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CdrFeedWriterTest {

  @TempDir Path dir;

  private static final List<RawCdr> CDRS =
      List.of(Samples.moc("c-1"), Samples.data("d-2"), Samples.moc("c-3"));

  @Test
  void jsonLinesAreCompactOnePerLineWithUnionsAndReadBack() throws Exception {
    Path file = dir.resolve("out.jsonl");
    CdrFeedWriter.writeJsonLines(file, CDRS);

    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertTrue(text.endsWith("\n"));
    List<String> lines = text.lines().toList();
    assertEquals(3, lines.size());
    assertFalse(text.contains("\r"));
    assertTrue(lines.get(0).startsWith("{\"networkElement\":\"MSC-OSL-1\""), lines.get(0));
    assertTrue(lines.get(0).contains("\"answerTime\":{\"long\":1790841600000}"), lines.get(0));
    assertTrue(lines.get(0).contains("\"callingNumber\":null"), lines.get(0));
    assertEquals(CdrFeedWriter.toJsonLine(CDRS.get(1)), lines.get(1));

    assertEquals(CDRS, decodeAll(file));
  }

  @Test
  void containerFilesReadBack() throws Exception {
    Path plain = dir.resolve("out.avro");
    CdrFeedWriter.writeContainer(plain, CDRS);
    assertEquals(CDRS, decodeAll(plain));

    Path deflated = dir.resolve("out-deflate.avro");
    try (CdrFeedWriter w = CdrFeedWriter.container(deflated, CodecFactory.deflateCodec(6))) {
      CDRS.forEach(
          r -> {
            try {
              w.write(r);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
      assertEquals(3, w.count());
    }
    assertEquals(CDRS, decodeAll(deflated));
    // A plain Avro reader sees our schema in the header.
    try (DataFileReader<GenericRecord> r =
        new DataFileReader<>(deflated.toFile(), new GenericDatumReader<>())) {
      assertEquals(RawCdr.getClassSchema(), r.getSchema());
    }
  }

  @Test
  void writesToAStream() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (CdrFeedWriter w = CdrFeedWriter.jsonLines(out)) {
      w.write(CDRS.get(0));
    }
    assertEquals(
        CdrFeedWriter.toJsonLine(CDRS.get(0)) + "\n", out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void anInvalidRecordFailsWithoutQuotingValuesAndTheWriterGoesOn() throws Exception {
    Path file = dir.resolve("partial.jsonl");
    try (CdrFeedWriter w = CdrFeedWriter.jsonLines(file)) {
      RawCdr broken = Samples.moc("c-x");
      broken.setCauseForTerm(null);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> w.write(broken));
      assertFalse(e.getMessage().contains(Samples.MSISDN), e.getMessage());
      w.write(CDRS.get(1));
    }
    assertEquals(List.of(CDRS.get(1)), decodeAll(file));
  }

  private static List<RawCdr> decodeAll(Path file) throws Exception {
    try (Stream<FeedRecord> s = CdrFeedReader.stream(file)) {
      return s.map(
              r -> {
                try {
                  return RawCdrCodec.decode(r.value());
                } catch (UndecodableRecordException e) {
                  throw new AssertionError(e.getMessage());
                }
              })
          .toList();
    }
  }
}
