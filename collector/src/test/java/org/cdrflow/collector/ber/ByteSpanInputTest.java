package org.cdrflow.collector.ber;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The generated decoders read a record through this view of the file's bytes. */
class ByteSpanInputTest {
  private static final byte[] FILE = {9, 9, 1, 2, (byte) 0xFF, 4, 9};

  @Test
  void readsOnlyItsSpanAndThenEnds() {
    ByteSpanInput in = new ByteSpanInput(FILE, 2, 6);
    assertEquals(4, in.available());
    assertEquals(1, in.read());
    byte[] into = new byte[8];
    assertEquals(3, in.read(into, 1, 8 - 1));
    assertArrayEquals(new byte[] {0, 2, (byte) 0xFF, 4, 0, 0, 0, 0}, into);
    assertEquals(-1, in.read(), "the byte after the span is not read");
    assertEquals(-1, in.read(into, 0, 1));
    assertEquals(0, in.read(into, 0, 0));
  }

  @Test
  void anOctetAbove7fIsReadUnsigned() {
    ByteSpanInput in = new ByteSpanInput(FILE, 4, 5);
    assertEquals(0xFF, in.read());
  }

  @Test
  void skipStopsAtTheEnd() {
    ByteSpanInput in = new ByteSpanInput(FILE, 2, 6);
    assertEquals(2, in.skip(2));
    assertEquals(2, in.skip(10));
    assertEquals(0, in.skip(1));
    assertEquals(-1, in.read());
  }
}
