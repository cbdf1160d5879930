package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.cdrflow.domain.RejectReason;
import org.junit.jupiter.api.Test;

/**
 * A reject's id is the record's identity, so a record fed twice is one row (docs/reliability.md).
 */
class RejectionTest {
  private static final byte[] BYTES = "some bytes".getBytes(StandardCharsets.UTF_8);

  @Test
  void theSameRecordAtAnotherOffsetIsTheSameReject() {
    Rejection first = reject(Rejection.idOfRecord("MSC-OSL", "ref-1", "MOC", 0, BYTES), 17L);
    Rejection again = reject(Rejection.idOfRecord("MSC-OSL", "ref-1", "MOC", 0, BYTES), 20_017L);

    assertEquals(first.rejectId, again.rejectId);
    assertEquals(17L, first.sourceOffset, "the offset stays a column");
    assertEquals(20_017L, again.sourceOffset);
  }

  @Test
  void eachPartOfTheIdentityTellsRecordsApart() {
    String id = Rejection.idOf("MSC-OSL", "ref-1", "MOC", 1);
    assertNotEquals(id, Rejection.idOf("MSC-BGO", "ref-1", "MOC", 1), "network element");
    assertNotEquals(id, Rejection.idOf("MSC-OSL", "ref-2", "MOC", 1), "call reference");
    assertNotEquals(id, Rejection.idOf("MSC-OSL", "ref-1", "MTC", 1), "record type");
    assertNotEquals(id, Rejection.idOf("MSC-OSL", "ref-1", "MOC", 2), "sequence number");
    assertEquals(id, Rejection.idOfRecord("MSC-OSL", "ref-1", "MOC", 1, new byte[] {1, 2}));
  }

  @Test
  void aRecordWithoutIdentityIsKeyedByItsBytes() {
    byte[] other = "other bytes".getBytes(StandardCharsets.UTF_8);
    assertEquals(Rejection.idOfBytes(BYTES), Rejection.idOfBytes(BYTES.clone()));
    assertNotEquals(Rejection.idOfBytes(BYTES), Rejection.idOfBytes(other));
    assertEquals(Rejection.idOfBytes(BYTES), Rejection.idOfRecord(null, "ref-1", "MOC", 0, BYTES));
    assertEquals(Rejection.idOfBytes(BYTES), Rejection.idOfRecord("MSC-OSL", " ", "MOC", 0, BYTES));
    assertEquals(
        Rejection.idOfBytes(BYTES), Rejection.idOfRecord("MSC-OSL", "ref-1", null, 0, BYTES));
    assertEquals(Rejection.idOfBytes(new byte[0]), Rejection.idOfBytes(null));
  }

  private static Rejection reject(String id, long offset) {
    return Rejection.of(
        id, RejectReason.UNKNOWN_SUBSCRIBER, "detail", "cdr.raw", 0, offset, BYTES, null, 0L);
  }
}
