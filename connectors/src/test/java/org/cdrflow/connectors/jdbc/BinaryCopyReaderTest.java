package org.cdrflow.connectors.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reading side of PostgreSQL's binary COPY format against its writing side ({@link
 * BinaryCopyRow}, whose forms CopyUpsertSinkIT checks against the server): every value read back as
 * written, across buffer boundaries.
 */
class BinaryCopyReaderTest {
  private static final List<String> TYPES =
      List.of("text", "uuid", "timestamptz", "date", "int4", "int8", "numeric", "_text");

  @Test
  void readsBackEveryTypeAndNull() throws Exception {
    BinaryCopyRow row = new BinaryCopyRow(TYPES, 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(BinaryCopyRow.HEADER);
    row.text("Ærlig talt ☎");
    row.text("11469a10-4b3d-3a1c-a5ca-3c7c0c2c4c86");
    row.timestamp(1_790_000_000_123L);
    row.date(LocalDate.of(2026, 9, 15));
    row.integer(-7);
    row.integer(9_000_000_000L);
    row.number(new BigDecimal("-1234.56"));
    row.textArray(new String[] {"FAIR_USE_SURCHARGE", "LATE"});
    out.write(row.bytes());
    row.reset();
    for (int i = 0; i < TYPES.size(); i++) {
      row.nullValue();
    }
    out.write(row.bytes());
    row.reset();
    row.text("");
    row.text("00000000-0000-0000-0000-000000000001");
    row.timestamp(-1L); // before 1970
    row.date(LocalDate.of(1970, 1, 1));
    row.integer(0);
    row.integer(Long.MIN_VALUE);
    row.number(new BigDecimal("0.00"));
    row.textArray(new String[0]);
    out.write(row.bytes());
    out.write(BinaryCopyRow.TRAILER);

    try (BinaryCopyReader r = new BinaryCopyReader(trickle(out.toByteArray()))) {
      assertTrue(r.next());
      assertEquals(8, r.fields());
      assertEquals("Ærlig talt ☎", r.text(0));
      assertEquals("11469a10-4b3d-3a1c-a5ca-3c7c0c2c4c86", r.uuid(1));
      assertEquals(
          java.util.UUID.fromString("11469a10-4b3d-3a1c-a5ca-3c7c0c2c4c86"),
          new java.util.UUID(r.uuidHigh(1), r.uuidLow(1)));
      assertEquals(1_790_000_000_123L, r.epochMillis(2));
      assertEquals(1_790_000_000_123_000L, r.epochMicros(2));
      assertEquals((int) LocalDate.of(2026, 9, 15).toEpochDay(), r.epochDay(3));
      assertEquals(-7, r.int4(4));
      assertEquals(9_000_000_000L, r.int8(5));
      assertEquals(new BigDecimal("-1234.56"), r.numeric(6));
      assertArrayEquals(new String[] {"FAIR_USE_SURCHARGE", "LATE"}, r.textArray(7));

      assertTrue(r.next());
      for (int i = 0; i < TYPES.size(); i++) {
        assertTrue(r.isNull(i));
      }
      assertNull(r.text(0));
      assertNull(r.uuid(1));
      assertNull(r.epochMillis(2));
      assertNull(r.epochMicros(2));
      assertNull(r.epochDay(3));
      assertNull(r.int4(4));
      assertNull(r.int8(5));
      assertNull(r.numeric(6));
      assertNull(r.textArray(7));

      assertTrue(r.next());
      assertEquals("", r.text(0));
      assertEquals("00000000-0000-0000-0000-000000000001", r.uuid(1));
      assertEquals(-1L, r.epochMillis(2));
      assertEquals(-1_000L, r.epochMicros(2));
      assertEquals(0, r.epochDay(3));
      assertEquals(Long.MIN_VALUE, r.int8(5));
      assertEquals(new BigDecimal("0.00"), r.numeric(6));
      assertEquals(0, r.textArray(7).length);

      assertFalse(r.next());
      assertFalse(r.next());
    }
  }

  /**
   * Numerics keep their value and their scale (the display scale), as the JDBC driver reads them.
   */
  @Test
  void numericsKeepValueAndScale() throws Exception {
    List<String> cases =
        List.of(
            "0",
            "0.000000",
            "1.5",
            "-1.5",
            "0.0001",
            "0.00001",
            "100",
            "10000",
            "99999999.999999",
            "-0.054167",
            "12345678901234567890.12",
            "0.22",
            "1234567890123456",
            "123456789012345678",
            "-9223372036854775808",
            "9223372036854775808.5");
    Random random = new Random(7);
    List<BigDecimal> values = new java.util.ArrayList<>();
    for (String c : cases) {
      values.add(new BigDecimal(c));
    }
    for (int i = 0; i < 20_000; i++) {
      values.add(BigDecimal.valueOf(random.nextLong() >> random.nextInt(63), random.nextInt(9)));
    }
    BinaryCopyRow row = new BinaryCopyRow(List.of("numeric"), 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(BinaryCopyRow.HEADER);
    for (BigDecimal v : values) {
      row.reset();
      row.number(v);
      out.write(row.bytes());
    }
    out.write(BinaryCopyRow.TRAILER);
    try (BinaryCopyReader r = new BinaryCopyReader(new ByteArrayInputStream(out.toByteArray()))) {
      for (BigDecimal v : values) {
        assertTrue(r.next());
        BigDecimal read = r.numeric(0);
        assertEquals(v, read, v.toPlainString());
        assertEquals(v.scale(), read.scale());
      }
      assertFalse(r.next());
    }
  }

  @Test
  void refusesWhatIsNotBinaryCopy() {
    assertThrows(
        java.io.IOException.class,
        () -> new BinaryCopyReader(new ByteArrayInputStream("a\tb\n".getBytes())));
  }

  /** A stream that hands out at most 3 bytes a read: every value crosses a buffer boundary. */
  private static InputStream trickle(byte[] bytes) {
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 3));
      }
    };
  }
}
