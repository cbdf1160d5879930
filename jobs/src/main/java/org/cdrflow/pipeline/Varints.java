package org.cdrflow.pipeline;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Variable-length integers for the compact keyed-state values ({@link RatingLedger}, {@link
 * CallEntry}): seven bits a byte, the high bit set on every byte but the last, so the small numbers
 * of a subscription's month (seconds, messages, kilobytes) take one to three bytes instead of
 * eight.
 */
final class Varints {
  private Varints() {}

  /** Writes a non-negative {@code value}; a negative one goes through {@link #writeSigned}. */
  static void writeUnsigned(long value, DataOutputView out) throws IOException {
    while ((value & ~0x7FL) != 0) {
      out.writeByte((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.writeByte((int) value);
  }

  static long readUnsigned(DataInputView in) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("a variable-length integer longer than 64 bits");
  }

  /** Zig-zag: small negative numbers stay small. */
  static void writeSigned(long value, DataOutputView out) throws IOException {
    writeUnsigned((value << 1) ^ (value >> 63), out);
  }

  static long readSigned(DataInputView in) throws IOException {
    long v = readUnsigned(in);
    return (v >>> 1) ^ -(v & 1);
  }
}
