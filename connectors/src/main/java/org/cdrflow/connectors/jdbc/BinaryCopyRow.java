package org.cdrflow.connectors.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.cdrflow.reference.OsloCalendar;

/**
 * One tuple of PostgreSQL's binary {@code COPY} format: a 16-bit field count, then per field a
 * 32-bit length (-1 for NULL) and the value in its type's binary form, big-endian, as the type's
 * receive function reads it. The column types come from the staging table, so each value is written
 * in the form its column takes, whatever {@link CopyRow} method wrote it.
 *
 * <p>A value that cannot be written in its column's form (a uuid or date that is not one, an
 * integer too large for int4) fails the row with a message that names the column and leaves the
 * value out (docs/operations.md: no subscriber data in errors).
 */
final class BinaryCopyRow {
  /** Signature, flags (no OIDs), header extension length 0. */
  static final byte[] HEADER = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  /** A field count of -1 ends the data. */
  static final byte[] TRAILER = {(byte) 0xff, (byte) 0xff};

  /** PostgreSQL's epoch, 2000-01-01, in Java's days and milliseconds since 1970-01-01. */
  private static final long PG_EPOCH_DAY = 10_957;

  private static final long PG_EPOCH_MILLIS = PG_EPOCH_DAY * 86_400_000L;

  /** Type oid of text, the element type of a text[] column. */
  private static final int TEXT_OID = 25;

  private static final short NUMERIC_POSITIVE = 0x0000;
  private static final short NUMERIC_NEGATIVE = 0x4000;
  private static final BigInteger TEN_THOUSAND = BigInteger.valueOf(10_000);

  private enum Kind {
    TEXT,
    UUID,
    DATE,
    TIMESTAMP,
    INT2,
    INT4,
    INT8,
    NUMERIC,
    TEXT_ARRAY
  }

  private final Kind[] kinds;
  private final List<String> types;
  private final int keyColumns;
  private byte[] buf = new byte[512];
  private int len;
  private int column;
  private int keyEnd;
  private final short[] digits = new short[32];

  BinaryCopyRow(List<String> columnTypes, int keyColumns) {
    this.types = List.copyOf(columnTypes);
    this.keyColumns = keyColumns;
    this.kinds = new Kind[types.size()];
    for (int i = 0; i < kinds.length; i++) {
      kinds[i] = kindOf(types.get(i));
    }
    reset();
  }

  private static Kind kindOf(String type) {
    return switch (type) {
      case "text", "varchar", "bpchar", "name" -> Kind.TEXT;
      case "uuid" -> Kind.UUID;
      case "date" -> Kind.DATE;
      case "timestamptz", "timestamp" -> Kind.TIMESTAMP;
      case "int2" -> Kind.INT2;
      case "int4" -> Kind.INT4;
      case "int8" -> Kind.INT8;
      case "numeric" -> Kind.NUMERIC;
      case "_text" -> Kind.TEXT_ARRAY;
      default ->
          throw new IllegalArgumentException(
              "the COPY sink writes no column of type " + type + " in binary form");
    };
  }

  void reset() {
    len = 0;
    column = 0;
    keyEnd = 0;
    putShort(kinds.length);
  }

  int columns() {
    return column;
  }

  byte[] bytes() {
    return Arrays.copyOf(buf, len);
  }

  /** The key fields' bytes (lengths included), as a value with equality by content. */
  Object key() {
    return new Key(Arrays.copyOfRange(buf, 2, keyEnd));
  }

  private record Key(byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }
  }

  void nullValue() {
    kind();
    putInt(-1);
    done();
  }

  void text(String value) {
    Kind k = kind();
    if (value == null) {
      putInt(-1);
    } else {
      switch (k) {
        case TEXT -> utf8Field(value);
        case UUID -> uuid(value);
        case DATE -> {
          LocalDate day;
          try {
            day = OsloCalendar.isoDate(value);
          } catch (DateTimeException e) {
            throw unreadable("an ISO date");
          }
          dateField(day);
        }
        default -> throw unreadable("a value of its type");
      }
    }
    done();
  }

  void integer(long value) {
    switch (kind()) {
      case INT8 -> {
        putInt(8);
        putLong(value);
      }
      case INT4 -> {
        if (value != (int) value) {
          throw unreadable("an integer in int4's range");
        }
        putInt(4);
        putInt((int) value);
      }
      case INT2 -> {
        if (value != (short) value) {
          throw unreadable("an integer in int2's range");
        }
        putInt(2);
        putShort((int) value);
      }
      case NUMERIC -> numericField(BigDecimal.valueOf(value));
      case TEXT -> utf8Field(Long.toString(value));
      default -> throw unreadable("a value of its type");
    }
    done();
  }

  void number(BigDecimal value) {
    Kind k = kind();
    if (value == null) {
      putInt(-1);
    } else if (k == Kind.NUMERIC) {
      numericField(value);
    } else if (k == Kind.TEXT) {
      utf8Field(value.toPlainString());
    } else {
      throw unreadable("a numeric");
    }
    done();
  }

  void timestamp(long epochMillis) {
    if (kind() != Kind.TIMESTAMP) {
      throw unreadable("a timestamp");
    }
    putInt(8);
    // Microseconds since 2000-01-01T00:00Z; for a timestamp without zone, that instant in UTC.
    putLong(Math.multiplyExact(epochMillis - PG_EPOCH_MILLIS, 1000L));
    done();
  }

  void date(LocalDate value) {
    Kind k = kind();
    if (value == null) {
      putInt(-1);
    } else if (k == Kind.DATE) {
      dateField(value);
    } else {
      throw unreadable("a date");
    }
    done();
  }

  /** A one-dimensional text[] (lower bound 1), or an empty one with no dimension. */
  void textArray(String[] values) {
    if (kind() != Kind.TEXT_ARRAY) {
      throw unreadable("a text[]");
    }
    if (values == null) {
      putInt(-1);
      done();
      return;
    }
    int lengthAt = len;
    putInt(0); // the field's length, filled in below
    boolean hasNull = false;
    for (String v : values) {
      hasNull |= v == null;
    }
    putInt(values.length == 0 ? 0 : 1);
    putInt(hasNull ? 1 : 0);
    putInt(TEXT_OID);
    if (values.length > 0) {
      putInt(values.length);
      putInt(1);
    }
    for (String v : values) {
      if (v == null) {
        putInt(-1);
      } else {
        utf8Field(v);
      }
    }
    int fieldLength = len - lengthAt - 4;
    int end = len;
    len = lengthAt;
    putInt(fieldLength);
    len = end;
    done();
  }

  // ---- fields

  private void uuid(String value) {
    if (value.length() != 36
        || value.charAt(8) != '-'
        || value.charAt(13) != '-'
        || value.charAt(18) != '-'
        || value.charAt(23) != '-') {
      throw unreadable("a uuid");
    }
    putInt(16);
    ensure(16);
    int at = 0;
    for (int i = 0; i < 16; i++) {
      if (at == 8 || at == 13 || at == 18 || at == 23) {
        at++;
      }
      int hi = Character.digit(value.charAt(at), 16);
      int lo = Character.digit(value.charAt(at + 1), 16);
      if (hi < 0 || lo < 0) {
        len -= 4 + i;
        throw unreadable("a uuid");
      }
      buf[len++] = (byte) (hi << 4 | lo);
      at += 2;
    }
  }

  private void dateField(LocalDate day) {
    putInt(4);
    putInt(Math.toIntExact(day.toEpochDay() - PG_EPOCH_DAY));
  }

  /** UTF-8 of {@code value} with its length before it. */
  private void utf8Field(String value) {
    int n = value.length();
    int lengthAt = len;
    ensure(4 + n);
    len += 4;
    int i = 0;
    // ASCII without a check per byte of the buffer's room.
    for (; i < n; i++) {
      char c = value.charAt(i);
      if (c >= 0x80) {
        break;
      }
      buf[len++] = (byte) c;
    }
    for (; i < n; i++) {
      char c = value.charAt(i);
      ensure(4);
      if (c < 0x80) {
        buf[len++] = (byte) c;
      } else if (c < 0x800) {
        buf[len++] = (byte) (0xc0 | c >> 6);
        buf[len++] = (byte) (0x80 | c & 0x3f);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, value.charAt(++i));
        buf[len++] = (byte) (0xf0 | cp >> 18);
        buf[len++] = (byte) (0x80 | cp >> 12 & 0x3f);
        buf[len++] = (byte) (0x80 | cp >> 6 & 0x3f);
        buf[len++] = (byte) (0x80 | cp & 0x3f);
      } else if (Character.isSurrogate(c)) {
        buf[len++] = '?'; // as String.getBytes(UTF_8) writes a lone surrogate
      } else {
        buf[len++] = (byte) (0xe0 | c >> 12);
        buf[len++] = (byte) (0x80 | c >> 6 & 0x3f);
        buf[len++] = (byte) (0x80 | c & 0x3f);
      }
    }
    int end = len;
    len = lengthAt;
    putInt(end - lengthAt - 4);
    len = end;
  }

  /**
   * PostgreSQL's numeric: digit count, weight of the first base-10000 digit, sign, display scale,
   * then the digits; the value is exactly {@code value} (the column's typmod rounds it as the text
   * form would be).
   */
  private void numericField(BigDecimal value) {
    int dscale = Math.max(0, value.scale());
    BigInteger unscaled = value.setScale(dscale).unscaledValue();
    short sign = unscaled.signum() < 0 ? NUMERIC_NEGATIVE : NUMERIC_POSITIVE;
    unscaled = unscaled.abs();
    // Align the fraction on base-10000 digits: pad it to a multiple of 4 decimal places.
    int fractionGroups = (dscale + 3) / 4;
    int pad = fractionGroups * 4 - dscale;
    int n = 0;
    short[] d = digits;
    if (unscaled.bitLength() < 50) {
      long v = unscaled.longValue() * (pad == 0 ? 1 : pad == 1 ? 10 : pad == 2 ? 100 : 1000);
      while (v != 0) {
        if (n == d.length) {
          d = Arrays.copyOf(d, n * 2);
        }
        d[n++] = (short) (v % 10_000);
        v /= 10_000;
      }
    } else {
      BigInteger v = unscaled.multiply(BigInteger.TEN.pow(pad));
      while (v.signum() != 0) {
        BigInteger[] qr = v.divideAndRemainder(TEN_THOUSAND);
        if (n == d.length) {
          d = Arrays.copyOf(d, n * 2);
        }
        d[n++] = qr[1].shortValue();
        v = qr[0];
      }
    }
    // d holds the digits least significant first; d[k] has weight k - fractionGroups.
    int low = 0;
    while (low < n && d[low] == 0) {
      low++; // trailing zero digits are left out
    }
    int count = n - low;
    int weight = count == 0 ? 0 : n - 1 - fractionGroups;
    putInt(8 + 2 * count);
    putShort(count);
    putShort(weight);
    putShort(count == 0 ? NUMERIC_POSITIVE : sign);
    putShort(dscale);
    for (int k = n - 1; k >= low; k--) {
      putShort(d[k]);
    }
  }

  // ---- bytes

  private Kind kind() {
    if (column >= kinds.length) {
      throw new IllegalStateException(
          "the row encoder wrote more than the " + kinds.length + " columns of the table");
    }
    return kinds[column];
  }

  private void done() {
    if (++column == keyColumns) {
      keyEnd = len;
    }
  }

  private IllegalArgumentException unreadable(String what) {
    return new IllegalArgumentException(
        "column "
            + (column + 1)
            + " ("
            + types.get(column)
            + ") was given a value that is not "
            + what
            + " (value left out)");
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
    }
  }

  private void putShort(int v) {
    ensure(2);
    buf[len++] = (byte) (v >> 8);
    buf[len++] = (byte) v;
  }

  private void putInt(int v) {
    ensure(4);
    buf[len++] = (byte) (v >> 24);
    buf[len++] = (byte) (v >> 16);
    buf[len++] = (byte) (v >> 8);
    buf[len++] = (byte) v;
  }

  private void putLong(long v) {
    putInt((int) (v >> 32));
    putInt((int) v);
  }
}
