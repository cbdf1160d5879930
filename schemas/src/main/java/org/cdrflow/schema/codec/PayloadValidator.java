package org.cdrflow.schema.codec;

import java.util.List;
import org.apache.avro.Schema;
import org.cdrflow.schema.codec.UndecodableRecordException.Reason;

/**
 * Walks an Avro binary payload against its writer schema without materialising anything, and fails
 * with a precise reason if the bytes cannot be a datum of that schema.
 *
 * <p>Why a separate pass: Avro's binary decoder allocates a string or bytes buffer of whatever
 * length the payload declares before noticing the input is shorter, so one corrupt message on the
 * topic could declare a 2 GB string and take the TaskManager down with an OutOfMemoryError, then
 * again after every restart. This walk checks every length against the bytes actually present and
 * costs a fraction of the decode. It also yields readable reasons (which field, which index)
 * instead of Avro's generic exceptions, and catches trailing bytes and non-UTF-8 strings that Avro
 * would accept silently.
 *
 * <p>Not thread-safe: one instance per decoder.
 */
final class PayloadValidator {

  private static final int MAX_DEPTH = 64;
  private static final Schema MAP_KEY = Schema.create(Schema.Type.STRING);

  private byte[] buf;
  private int pos;
  private int end;

  /** Validates {@code buf[from, to)} as exactly one datum of {@code writer}. */
  void validate(Schema writer, byte[] buf, int from, int to) throws UndecodableRecordException {
    this.buf = buf;
    this.pos = from;
    this.end = to;
    try {
      walk(writer, writer.getName(), 0);
      if (pos != end) {
        throw new UndecodableRecordException(
            Reason.TRAILING_BYTES,
            (end - pos) + " byte(s) after the end of the " + writer.getName() + " record");
      }
    } finally {
      this.buf = null; // do not keep the caller's (personal) data reachable
    }
  }

  private void walk(Schema schema, String where, int depth) throws UndecodableRecordException {
    if (depth > MAX_DEPTH) {
      throw new UndecodableRecordException(
          Reason.MALFORMED, "nesting deeper than " + MAX_DEPTH + " at " + where);
    }
    switch (schema.getType()) {
      case NULL:
        return;
      case BOOLEAN:
        {
          need(1, where);
          int b = buf[pos++];
          if (b != 0 && b != 1) {
            throw new UndecodableRecordException(
                Reason.MALFORMED, "field " + where + ": boolean byte is neither 0 nor 1");
          }
          return;
        }
      case INT:
        readInt(where);
        return;
      case LONG:
        readLong(where);
        return;
      case FLOAT:
        need(4, where);
        pos += 4;
        return;
      case DOUBLE:
        need(8, where);
        pos += 8;
        return;
      case FIXED:
        need(schema.getFixedSize(), where);
        pos += schema.getFixedSize();
        return;
      case BYTES:
        pos += length(where);
        return;
      case STRING:
        {
          int len = length(where);
          if (!Utf8Check.isValid(buf, pos, pos + len)) {
            throw new UndecodableRecordException(
                Reason.BAD_STRING, "field " + where + ": string is not valid UTF-8");
          }
          pos += len;
          return;
        }
      case ENUM:
        {
          int index = readInt(where);
          int size = schema.getEnumSymbols().size();
          if (index < 0 || index >= size) {
            throw new UndecodableRecordException(
                Reason.BAD_ENUM_INDEX,
                "field "
                    + where
                    + ": enum "
                    + schema.getName()
                    + " index "
                    + index
                    + " is outside 0.."
                    + (size - 1));
          }
          return;
        }
      case UNION:
        {
          int index = readInt(where);
          List<Schema> branches = schema.getTypes();
          if (index < 0 || index >= branches.size()) {
            throw new UndecodableRecordException(
                Reason.BAD_UNION_INDEX,
                "field "
                    + where
                    + ": union branch "
                    + index
                    + " is outside 0.."
                    + (branches.size() - 1));
          }
          walk(branches.get(index), where, depth + 1);
          return;
        }
      case RECORD:
        for (Schema.Field f : schema.getFields()) {
          walk(f.schema(), depth == 0 ? f.name() : where + "." + f.name(), depth + 1);
        }
        return;
      case ARRAY:
        walkBlocks(schema.getElementType(), null, where, depth);
        return;
      case MAP:
        walkBlocks(schema.getValueType(), MAP_KEY, where, depth);
        return;
      default:
        throw new IllegalStateException("unsupported Avro type " + schema.getType());
    }
  }

  private void walkBlocks(Schema item, Schema key, String where, int depth)
      throws UndecodableRecordException {
    while (true) {
      long count = readLong(where);
      if (count == 0) {
        return;
      }
      if (count < 0) {
        count = -count;
        readLong(where); // block size in bytes; the items are walked anyway
      }
      // Every item takes at least one byte for the schemas we publish; a larger count is garbage
      // and would otherwise spin for a very long time on zero-byte items.
      if (count < 0 || count > end - pos) {
        throw new UndecodableRecordException(
            Reason.MALFORMED, "field " + where + ": block count exceeds the remaining bytes");
      }
      for (long i = 0; i < count; i++) {
        if (key != null) {
          walk(key, where, depth + 1);
        }
        walk(item, where, depth + 1);
      }
    }
  }

  private int length(String where) throws UndecodableRecordException {
    long len = readLong(where);
    if (len < 0) {
      throw new UndecodableRecordException(
          Reason.MALFORMED, "field " + where + ": negative length " + len);
    }
    if (len > end - pos) {
      throw new UndecodableRecordException(
          Reason.TRUNCATED,
          "field " + where + ": declares " + len + " byte(s) but only " + (end - pos) + " remain");
    }
    return (int) len;
  }

  private void need(int n, String where) throws UndecodableRecordException {
    if (end - pos < n) {
      throw new UndecodableRecordException(
          Reason.TRUNCATED, "field " + where + ": ends before its value is complete");
    }
  }

  private int readInt(String where) throws UndecodableRecordException {
    int n = 0;
    for (int shift = 0; shift < 32; shift += 7) {
      need(1, where);
      int b = buf[pos++] & 0xff;
      n |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (n >>> 1) ^ -(n & 1);
      }
    }
    throw new UndecodableRecordException(
        Reason.MALFORMED, "field " + where + ": invalid int encoding");
  }

  private long readLong(String where) throws UndecodableRecordException {
    long n = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1, where);
      long b = buf[pos++] & 0xff;
      n |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (n >>> 1) ^ -(n & 1);
      }
    }
    throw new UndecodableRecordException(
        Reason.MALFORMED, "field " + where + ": invalid long encoding");
  }

  /** Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF). */
  static final class Utf8Check {
    private Utf8Check() {}

    static boolean isValid(byte[] b, int from, int to) {
      int i = from;
      // Almost every CDR string is ASCII: keep that path tight.
      while (i < to && b[i] >= 0) {
        i++;
      }
      while (i < to) {
        int c = b[i] & 0xff;
        if (c < 0x80) {
          i++;
        } else if (c >= 0xc2 && c <= 0xdf) {
          if (i + 1 >= to || !cont(b[i + 1])) {
            return false;
          }
          i += 2;
        } else if (c >= 0xe0 && c <= 0xef) {
          if (i + 2 >= to || !cont(b[i + 1]) || !cont(b[i + 2])) {
            return false;
          }
          int c1 = b[i + 1] & 0xff;
          if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f)) {
            return false; // overlong, or a UTF-16 surrogate
          }
          i += 3;
        } else if (c >= 0xf0 && c <= 0xf4) {
          if (i + 3 >= to || !cont(b[i + 1]) || !cont(b[i + 2]) || !cont(b[i + 3])) {
            return false;
          }
          int c1 = b[i + 1] & 0xff;
          if ((c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f)) {
            return false; // overlong, or above U+10FFFF
          }
          i += 4;
        } else {
          return false;
        }
      }
      return true;
    }

    private static boolean cont(byte x) {
      return (x & 0xc0) == 0x80;
    }
  }
}
