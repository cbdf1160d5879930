package org.cdrflow.schema.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.UndecodableRecordException.Reason;
import org.junit.jupiter.api.Test;

class RawCdrCodecTest {

  @Test
  void roundTripsEveryFieldIncludingNulls() throws Exception {
    for (RawCdr cdr : List.of(Samples.moc("c-1"), Samples.data("d-1"))) {
      byte[] bytes = RawCdrCodec.encode(cdr);
      assertEquals(cdr, RawCdrCodec.decode(bytes));
      assertEquals(cdr, new RawCdrDecoder().decode(bytes));
    }
    RawCdr moc = RawCdrCodec.decode(RawCdrCodec.encode(Samples.moc("c-1")));
    assertNull(moc.getCallingNumber());
    assertNull(moc.getUplinkBytes());
    assertEquals(1790841600000L, moc.getAnswerTime().toEpochMilli());
  }

  @Test
  void writesTheSingleObjectLayoutOfTheAvroSpecification() {
    RawCdr cdr = Samples.moc("c-1");
    byte[] bytes = RawCdrCodec.encode(cdr);
    assertEquals((byte) 0xC3, bytes[0]);
    assertEquals((byte) 0x01, bytes[1]);
    long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertEquals(RawCdrSchemas.fingerprint(RawCdr.getClassSchema()), fingerprint);
    // Same bytes as an independent, hand-rolled single-object encoding.
    Schema current = RawCdr.getClassSchema();
    assertArrayEquals(Samples.singleObject(current, Samples.toGeneric(cdr, current)), bytes);
  }

  @Test
  void decodesPayloadsOfAProducerThatWritesNoNamespace() throws Exception {
    String json = Samples.frozenV1().toString();
    Schema noNamespace =
        new Schema.Parser().parse(json.replace("\"namespace\":\"org.cdrflow.schema\",", ""));
    assertEquals("RawCdr", noNamespace.getFullName());
    assertEquals("RecordType", noNamespace.getField("recordType").schema().getFullName());
    assertNotEquals(
        RawCdrSchemas.fingerprint(RawCdr.getClassSchema()),
        RawCdrSchemas.fingerprint(noNamespace),
        "the variant must really carry another fingerprint for this test to mean anything");

    for (RawCdr cdr : List.of(Samples.moc("c-9"), Samples.data("d-9"))) {
      byte[] bytes = Samples.singleObject(noNamespace, Samples.toGeneric(cdr, noNamespace));
      assertEquals(cdr, RawCdrCodec.decode(bytes));
    }
  }

  @Test
  void decodesPayloadsWrittenWithTheFrozenV1Schema() throws Exception {
    Schema v1 = Samples.frozenV1();
    RawCdr cdr = Samples.moc("c-v1");
    assertEquals(cdr, RawCdrCodec.decode(Samples.singleObject(v1, Samples.toGeneric(cdr, v1))));
  }

  @Test
  void rejectsEmptyInput() {
    assertReason(Reason.EMPTY, null);
    assertReason(Reason.EMPTY, new byte[0]);
  }

  @Test
  void rejectsGarbageAndTextByItsMarker() {
    UndecodableRecordException e =
        assertReason(
            Reason.BAD_MARKER,
            "{\"servedMsisdn\":\"4791234567\"}".getBytes(StandardCharsets.UTF_8));
    assertTrue(e.getMessage().contains("C3 01"), e.getMessage());
    assertReason(Reason.BAD_MARKER, new byte[] {0x00});
    assertReason(Reason.BAD_MARKER, new byte[] {(byte) 0xC3, 0x02, 1, 2, 3, 4, 5, 6, 7, 8, 9});
    Random random = new Random(42);
    for (int i = 0; i < 1000; i++) {
      byte[] garbage = new byte[1 + random.nextInt(200)];
      random.nextBytes(garbage);
      garbage[0] = 0x17;
      assertReason(Reason.BAD_MARKER, garbage);
    }
  }

  @Test
  void rejectsEveryTruncationAsTruncated() {
    byte[] full = RawCdrCodec.encode(Samples.moc("c-1"));
    for (int n = 1; n < full.length; n++) {
      UndecodableRecordException e = assertReason(Reason.TRUNCATED, Arrays.copyOf(full, n));
      assertFalse(e.getMessage().isBlank());
    }
  }

  @Test
  void rejectsAnUnknownFingerprint() {
    byte[] bytes = RawCdrCodec.encode(Samples.moc("c-1"));
    bytes[5] ^= 0x5A;
    UndecodableRecordException e = assertReason(Reason.UNKNOWN_FINGERPRINT, bytes);
    assertTrue(e.getMessage().contains("fingerprint"), e.getMessage());
  }

  @Test
  void rejectsABadEnumIndexAndNamesTheField() {
    byte[] bytes = RawCdrCodec.encode(Samples.moc("c-1"));
    int recordType = recordTypeOffset("MSC-OSL-1", "c-1");
    assertEquals(0, bytes[recordType], "MOC is symbol 0");
    bytes[recordType] = 18; // zig-zag 9: there are only 6 symbols
    UndecodableRecordException e = assertReason(Reason.BAD_ENUM_INDEX, bytes);
    assertTrue(e.getMessage().contains("recordType"), e.getMessage());
    assertTrue(e.getMessage().contains("9"), e.getMessage());

    bytes[recordType] = 1; // zig-zag -1
    assertReason(Reason.BAD_ENUM_INDEX, bytes);
  }

  @Test
  void rejectsABadUnionIndexAndNamesTheField() {
    byte[] bytes = RawCdrCodec.encode(Samples.moc("c-1"));
    int servedImsi = recordTypeOffset("MSC-OSL-1", "c-1") + 1 + 1 + Samples.MSISDN.length();
    assertEquals(2, bytes[servedImsi], "servedImsi is set: branch 1");
    bytes[servedImsi] = 10; // zig-zag 5
    UndecodableRecordException e = assertReason(Reason.BAD_UNION_INDEX, bytes);
    assertTrue(e.getMessage().contains("servedImsi"), e.getMessage());
  }

  @Test
  void rejectsAHugeDeclaredLengthWithoutAllocatingIt() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(Arrays.copyOf(RawCdrCodec.encode(Samples.moc("c-1")), 10));
    // networkElement declares 2^30 bytes; Avro alone would allocate them before failing.
    long zigzag = (1L << 30) << 1;
    while ((zigzag & ~0x7FL) != 0) {
      out.write((int) ((zigzag & 0x7F) | 0x80));
      zigzag >>>= 7;
    }
    out.write((int) zigzag);
    out.writeBytes("MSC".getBytes(StandardCharsets.US_ASCII));
    UndecodableRecordException e = assertReason(Reason.TRUNCATED, out.toByteArray());
    assertTrue(e.getMessage().contains("networkElement"), e.getMessage());
  }

  @Test
  void rejectsNegativeLengthsBadBooleansAndInvalidUtf8() {
    byte[] negative = RawCdrCodec.encode(Samples.moc("c-1"));
    negative[10] = 3; // zig-zag -2 as the length of networkElement
    assertReason(Reason.MALFORMED, negative);

    byte[] bool = RawCdrCodec.encode(Samples.moc("c-1"));
    bool[recordTypeOffset("MSC-OSL-1", "c-1") - 1] = 7;
    assertReason(Reason.MALFORMED, bool);

    byte[] utf8 = RawCdrCodec.encode(Samples.moc("c-1"));
    utf8[11] = (byte) 0xFF; // first byte of networkElement
    assertReason(Reason.BAD_STRING, utf8);
  }

  @Test
  void rejectsTrailingBytes() {
    byte[] full = RawCdrCodec.encode(Samples.moc("c-1"));
    assertReason(Reason.TRAILING_BYTES, Arrays.copyOf(full, full.length + 1));
  }

  @Test
  void neverFailsWithAnythingButUndecodableOnMutatedInput() {
    byte[] valid = RawCdrCodec.encode(Samples.moc("c-1"));
    RawCdrDecoder decoder = new RawCdrDecoder();
    Random random = new Random(7);
    int rejected = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] b = valid.clone();
      int mutations = 1 + random.nextInt(4);
      for (int m = 0; m < mutations; m++) {
        // Keep the header most of the time so that the payload walk is exercised.
        int at =
            random.nextInt(10) == 0 ? random.nextInt(b.length) : 10 + random.nextInt(b.length - 10);
        b[at] = (byte) random.nextInt(256);
      }
      if (random.nextBoolean()) {
        b = Arrays.copyOf(b, 10 + random.nextInt(b.length - 9));
      }
      try {
        decoder.decode(b);
      } catch (UndecodableRecordException e) {
        rejected++;
        assertSafe(e);
      } catch (RuntimeException | Error e) {
        fail("mutation " + i + " escaped as " + e, e);
      }
    }
    assertTrue(rejected > 1000, "the mutations should mostly be caught: " + rejected);
  }

  @Test
  void decoderIsReusableAfterAFailure() throws Exception {
    RawCdrDecoder decoder = new RawCdrDecoder();
    byte[] good = RawCdrCodec.encode(Samples.moc("c-1"));
    byte[] bad = Arrays.copyOf(good, good.length - 3);
    for (int i = 0; i < 3; i++) {
      assertThrows(UndecodableRecordException.class, () -> decoder.decode(bad));
      assertEquals(Samples.moc("c-1"), decoder.decode(good));
    }
  }

  @Test
  void reusesTheGivenRecord() throws Exception {
    RawCdrDecoder decoder = new RawCdrDecoder();
    RawCdr reuse = new RawCdr();
    RawCdr decoded = decoder.decode(RawCdrCodec.encode(Samples.data("d-1")), reuse);
    assertSame(reuse, decoded);
    assertEquals(Samples.data("d-1"), decoded);
  }

  @Test
  void staticDecodeIsThreadSafe() throws Exception {
    List<byte[]> inputs = new ArrayList<>();
    List<RawCdr> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      RawCdr cdr = i % 2 == 0 ? Samples.moc("c-" + i) : Samples.data("d-" + i);
      expected.add(cdr);
      inputs.add(RawCdrCodec.encode(cdr));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        futures.add(
            pool.submit(
                () -> {
                  for (int round = 0; round < 50; round++) {
                    for (int i = 0; i < inputs.size(); i++) {
                      assertEquals(expected.get(i), RawCdrCodec.decode(inputs.get(i)));
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void encodeFailsWithoutQuotingValues() {
    RawCdr broken = Samples.moc("c-1");
    broken.setNetworkElement(null); // the builder would refuse; the setter does not
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RawCdrCodec.encode(broken));
    assertTrue(e.getMessage().contains("networkElement"), e.getMessage());
    assertFalse(e.getMessage().contains(Samples.MSISDN), e.getMessage());
  }

  @Test
  void keyIsNetworkElementAndCallReference() {
    assertEquals("MSC-OSL-1|c-77", RawCdrCodec.key(Samples.moc("c-77")));
  }

  /** Offset of the recordType enum index in a single-object encoded sample (short strings). */
  private static int recordTypeOffset(String networkElement, String callReference) {
    return 10 + 1 + networkElement.length() + 1 + callReference.length() + 1 + 1;
  }

  private static UndecodableRecordException assertReason(Reason reason, byte[] bytes) {
    UndecodableRecordException e =
        assertThrows(UndecodableRecordException.class, () -> RawCdrCodec.decode(bytes));
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(e.getMessage().startsWith(reason.name() + ": "), e.getMessage());
    assertSafe(e);
    return e;
  }

  private static void assertSafe(UndecodableRecordException e) {
    assertFalse(e.getMessage().contains(Samples.MSISDN), e.getMessage());
    assertFalse(e.getMessage().contains(Samples.MSISDN.substring(2)), e.getMessage());
    assertFalse(e.getMessage().contains(Samples.IMSI), e.getMessage());
    assertNull(e.getCause());
  }
}
