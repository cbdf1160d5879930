package org.cdrflow.schema.codec;

import java.io.InputStream;

/**
 * A reusable view of a byte array slice as a stream.
 *
 * <p>Why not {@link java.io.ByteArrayInputStream}: its read methods are synchronized, and Avro's
 * non-buffering decoder calls {@code read()} once per varint byte, so on the hot path of a
 * 100k-records/s operator the uncontended locks alone would be a measurable share of the work. Not
 * thread-safe; owned by one decoder.
 */
final class ByteSliceInputStream extends InputStream {

  private byte[] buf = new byte[0];
  private int pos;
  private int end;

  void reset(byte[] bytes, int from, int to) {
    this.buf = bytes;
    this.pos = from;
    this.end = to;
  }

  void clear() {
    this.buf = new byte[0];
    this.pos = 0;
    this.end = 0;
  }

  int remaining() {
    return end - pos;
  }

  @Override
  public int read() {
    return pos < end ? buf[pos++] & 0xff : -1;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    if (pos >= end) {
      return -1;
    }
    int n = Math.min(len, end - pos);
    System.arraycopy(buf, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public long skip(long n) {
    long k = Math.max(0, Math.min(n, end - pos));
    pos += (int) k;
    return k;
  }

  @Override
  public int available() {
    return end - pos;
  }
}
