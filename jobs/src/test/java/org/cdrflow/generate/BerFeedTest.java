package org.cdrflow.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cdrflow.collector.ber.ChargingFile;
import org.cdrflow.collector.ber.ChargingFileDecoder;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.CdrFeedReader;
import org.cdrflow.schema.codec.FeedRecord;
import org.cdrflow.schema.codec.RawCdrCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate --format ber}: the same feed as the Avro one of the same seed, as BER files one
 * series per element, which the collector decodes back into the same records (to the second).
 */
class BerFeedTest {

  @TempDir Path dir;

  @Test
  void theBerFeedHoldsTheAvroFeedsRecords() throws Exception {
    GeneratorSettings settings =
        new GeneratorSettings(30_000, 300, 7, LocalDate.of(2026, 3, 1), 3, "HOME");
    Path avro = dir.resolve("feed.avro");
    FeedGenerator.write(settings, avro, dir.resolve("reference"));
    Path ber = Files.createDirectories(dir.resolve("ber"));
    FeedGenerator.write(settings, ber, dir.resolve("reference-ber"));

    Map<String, RawCdr> expected = new HashMap<>();
    int avroRecords = 0;
    try (CdrFeedReader reader = CdrFeedReader.open(avro)) {
      while (reader.hasNext()) {
        FeedRecord r = reader.next();
        RawCdr c = RawCdrCodec.decode(r.value());
        avroRecords++;
        expected.merge(identity(seconds(c)), c, (a, b) -> a);
      }
    }
    ChargingFileDecoder decoder = new ChargingFileDecoder();
    List<RawCdr> decoded = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(ber)) {
      files = s.sorted().toList();
    }
    assertTrue(files.size() > 5, "one series of files per element");
    for (Path f : files) {
      ChargingFile file = decoder.decode(f.getFileName().toString(), Files.readAllBytes(f), false);
      assertEquals(List.of(), file.rejections(), f.getFileName().toString());
      assertTrue(file.complete());
      file.records().forEach(r -> decoded.add(r.cdr()));
    }
    assertEquals(avroRecords, decoded.size());
    int letters = 0;
    for (RawCdr c : decoded) {
      RawCdr e = expected.get(identity(c));
      if (e == null) {
        throw new AssertionError("a BER record not in the Avro feed: " + c.getRecordType());
      }
      RawCdr want = seconds(e);
      if (!java.util.Objects.equals(want.getCalledNumber(), c.getCalledNumber())) {
        letters++; // a letter TBCD cannot hold, written as 'c'
        want.setCalledNumber(c.getCalledNumber());
      }
      if (want.getRecordType() == org.cdrflow.schema.RecordType.SMS_MO) {
        want.setInTrunk(null);
      }
      if (want.getRecordType() == org.cdrflow.schema.RecordType.MTC) {
        want.setCalledNumber(want.getServedMsisdn());
      }
      assertEquals(want, c);
    }
    assertTrue(letters < decoded.size() / 100, "only the injected bad numbers change");
  }

  private static String identity(RawCdr c) {
    return c.getNetworkElement()
        + "|"
        + c.getCallReference()
        + "|"
        + c.getSequenceNumber()
        + "|"
        + c.getRecordType();
  }

  private static RawCdr seconds(RawCdr c) {
    RawCdr s = RawCdr.newBuilder(c).build();
    s.setSeizureTime(c.getSeizureTime().truncatedTo(ChronoUnit.SECONDS));
    if (c.getAnswerTime() != null) {
      s.setAnswerTime(c.getAnswerTime().truncatedTo(ChronoUnit.SECONDS));
    }
    return s;
  }
}
