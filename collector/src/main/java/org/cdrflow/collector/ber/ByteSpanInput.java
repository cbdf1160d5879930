package org.cdrflow.collector.ber;

import java.io.InputStream;

/**
 * An {@link InputStream} over a part of a byte array, for the generated decoders. Unlike {@link
 * java.io.ByteArrayInputStream} its reads are not synchronized: the decoders read a record a few
 * octets at a time, and a lock on every read was the largest single cost of decoding
 * (docs/benchmarks.md, "Collection"). Not thread-safe; one record at a time.
 */
final class ByteSpanInput extends InputStream {
  private final byte[] b;
  private final int end;
  private int pos;

  ByteSpanInput(byte[] b, int offset, int end) {
    this.b = b;
    this.pos = offset;
    this.end = end;
  }

  @Override
  public int read() {
    return pos < end ? b[pos++] & 0xFF : -1;
  }

  @Override
  public int read(byte[] into, int off, int len) {
    if (len == 0) {
      return 0;
    }
    int n = Math.min(len, end - pos);
    if (n <= 0) {
      return -1;
    }
    System.arraycopy(b, pos, into, off, n);
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
