package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.cdrflow.domain.RejectReason;
import org.cdrflow.schema.RejectedCdr;
import org.cdrflow.schema.codec.SchemaTrust;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reject must always fit on the rejected topic, whatever size the raw record was: a message the
 * producer refuses fails the job, and a restart meets the same record again.
 */
class RejectSerializerTest {
  private static final int KAFKA_DEFAULT_MAX_MESSAGE = 1024 * 1024;

  private final KafkaOutputs.RejectSerializer serializer =
      new KafkaOutputs.RejectSerializer("cdr.rejected");

  @BeforeAll
  static void trustTheGeneratedClasses() {
    SchemaTrust.ensureRegistered(); // to read the messages back, as a consumer would
  }

  @Test
  void aRecordOfSomeHundredBytesTravelsWithItsOriginalBytes() throws Exception {
    byte[] payload = new byte[300];
    Arrays.fill(payload, (byte) 7);

    RejectedCdr back = roundTrip(rejection(payload));

    assertArrayEquals(payload, bytes(back.getPayload()));
    assertEquals("callReference is missing or empty", back.getDetail());
  }

  @Test
  void aHugeRecordIsPublishedWithoutItsBytesAndFitsTheDefaultMessageSize() throws Exception {
    // A 3 MB string of one letter compresses to a few kilobytes: the raw topic's broker took it.
    byte[] payload = new byte[3_000_000];
    Arrays.fill(payload, (byte) 'x');

    ProducerRecord<byte[], byte[]> message = serializer.serialize(rejection(payload), null, 0L);
    RejectedCdr back = RejectedCdr.getDecoder().decode(message.value());

    assertTrue(
        message.value().length < KAFKA_DEFAULT_MAX_MESSAGE, "fits: " + message.value().length);
    assertEquals(0, back.getPayload().remaining());
    assertTrue(back.getDetail().contains("rejected_cdr keeps them"), back.getDetail());
    assertEquals("MISSING_FIELD", back.getReason());
  }

  @Test
  void theLimitIsInclusive() throws Exception {
    byte[] payload = new byte[KafkaOutputs.RejectSerializer.MAX_TOPIC_PAYLOAD];

    assertEquals(payload.length, roundTrip(rejection(payload)).getPayload().remaining());
  }

  private RejectedCdr roundTrip(Rejection r) throws Exception {
    return RejectedCdr.getDecoder().decode(serializer.serialize(r, null, 0L).value());
  }

  private static Rejection rejection(byte[] payload) {
    return Rejection.of(
        Rejection.idOfBytes(payload),
        RejectReason.MISSING_FIELD,
        "callReference is missing or empty",
        "cdr.raw",
        0,
        42L,
        payload,
        null,
        1_790_000_000_000L);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }
}
