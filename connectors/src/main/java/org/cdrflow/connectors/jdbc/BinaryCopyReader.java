package org.cdrflow.connectors.jdbc;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyInputStream;

/**
 * Reads the rows of {@code COPY (SELECT …) TO STDOUT (FORMAT binary)} one at a time, the reading
 * side of {@link BinaryCopyRow}: a 16-bit field count, then per field a 32-bit length (-1 for NULL)
 * and the value in its type's binary form, big-endian. Bulk readers use it instead of a result set:
 * the server sends timestamps, dates, numerics and arrays without formatting them as text, and
 * nothing parses text back (docs/benchmarks.md, "Re-rating").
 *
 * <p>The getters take the field's index (0-based) in the current row and the column's type is the
 * caller's to know: {@link #text} for text, {@link #uuid} for uuid, {@link #epochMillis} for
 * timestamptz, {@link #epochDay} for date, {@link #int4}, {@link #int8}, {@link #numeric}, {@link
 * #textArray} for text[] ({@link #epochMicros} for a timestamptz at full precision). A getter of a
 * NULL field returns null (the primitive ones throw).
 */
public final class BinaryCopyReader implements AutoCloseable {
  private static final byte[] SIGNATURE = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0
  };

  /** PostgreSQL's epoch, 2000-01-01, in days and milliseconds since 1970-01-01. */
  private static final int PG_EPOCH_DAY = 10_957;

  private static final long PG_EPOCH_MILLIS = PG_EPOCH_DAY * 86_400_000L;

  private static final int NUMERIC_NEGATIVE = 0x4000;
  private static final long[] POWERS_OF_TEN = new long[19];

  static {
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }

  private final InputStream in;
  private final byte[] chunk = new byte[1 << 16];
  private int chunkPos;
  private int chunkEnd;

  private byte[] row = new byte[1024];
  private int[] offsets = new int[0];
  private int[] lengths = new int[0];
  private int fields;
  private boolean done;

  /** Starts {@code copyToStdout} ({@code COPY (…) TO STDOUT (FORMAT binary)}) on {@code c}. */
  public static BinaryCopyReader open(Connection c, String copyToStdout) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    try {
      return new BinaryCopyReader(new PGCopyInputStream(pg, copyToStdout));
    } catch (IOException e) {
      throw new SQLException("reading the COPY header failed", e);
    }
  }

  /** Reads the binary COPY data of {@code in}, starting with its header. */
  public BinaryCopyReader(InputStream in) throws IOException {
    this.in = in;
    byte[] signature = new byte[SIGNATURE.length];
    readFully(signature, 0, signature.length);
    if (!Arrays.equals(signature, SIGNATURE)) {
      throw new IOException("not PostgreSQL's binary COPY format");
    }
    readInt(); // flags: no OIDs in COPY output since PostgreSQL 12
    int extension = readInt();
    for (int i = 0; i < extension; i++) {
      readByte();
    }
  }

  /** Moves to the next row; false (and nothing more to read) at the end of the data. */
  public boolean next() throws SQLException {
    if (done) {
      return false;
    }
    try {
      int count = readShort();
      if (count == -1) {
        done = true;
        // Reads to the end of the COPY, so the connection is free for the next statement.
        while (in.read(chunk) >= 0) {
          // a trailer-only tail
        }
        return false;
      }
      if (offsets.length < count) {
        offsets = new int[count];
        lengths = new int[count];
      }
      fields = count;
      int used = 0;
      for (int i = 0; i < count; i++) {
        int length = readInt();
        lengths[i] = length;
        offsets[i] = used;
        if (length > 0) {
          if (used + length > row.length) {
            row = Arrays.copyOf(row, Math.max(row.length * 2, used + length));
          }
          readFully(row, used, length);
          used += length;
        }
      }
      return true;
    } catch (IOException e) {
      throw new SQLException("reading a COPY row failed", e);
    }
  }

  /** The fields of the current row. */
  public int fields() {
    return fields;
  }

  public boolean isNull(int field) {
    return lengths[field] < 0;
  }

  public String text(int field) {
    int length = lengths[field];
    return length < 0 ? null : new String(row, offsets[field], length, StandardCharsets.UTF_8);
  }

  /** A uuid column in its usual text form. */
  public String uuid(int field) {
    if (lengths[field] < 0) {
      return null;
    }
    int o = offsets[field];
    return new UUID(longAt(o), longAt(o + 8)).toString();
  }

  /** The first 8 bytes of a uuid column (not null), as {@link UUID#getMostSignificantBits}. */
  public long uuidHigh(int field) {
    return longAt(offsets[field]);
  }

  /** The last 8 bytes of a uuid column (not null), as {@link UUID#getLeastSignificantBits}. */
  public long uuidLow(int field) {
    return longAt(offsets[field] + 8);
  }

  /** A timestamptz column in milliseconds since 1970 (microseconds rounded down). */
  public Long epochMillis(int field) {
    if (lengths[field] < 0) {
      return null;
    }
    return Math.floorDiv(longAt(offsets[field]), 1000L) + PG_EPOCH_MILLIS;
  }

  /** A timestamptz column in microseconds since 1970, its full precision. */
  public Long epochMicros(int field) {
    if (lengths[field] < 0) {
      return null;
    }
    return longAt(offsets[field]) + PG_EPOCH_MILLIS * 1000L;
  }

  /** A date column in days since 1970-01-01. */
  public Integer epochDay(int field) {
    if (lengths[field] < 0) {
      return null;
    }
    return intAt(offsets[field]) + PG_EPOCH_DAY;
  }

  public Integer int4(int field) {
    return lengths[field] < 0 ? null : intAt(offsets[field]);
  }

  public Long int8(int field) {
    return lengths[field] < 0 ? null : longAt(offsets[field]);
  }

  /**
   * A numeric column with its display scale, as the JDBC driver returns it: digit count, weight of
   * the first base-10000 digit, sign, display scale, then the base-10000 digits.
   */
  public BigDecimal numeric(int field) {
    if (lengths[field] < 0) {
      return null;
    }
    int o = offsets[field];
    int digits = shortAt(o);
    int weight = (short) shortAt(o + 2);
    int sign = shortAt(o + 4);
    int scale = shortAt(o + 6);
    if (sign != 0 && sign != NUMERIC_NEGATIVE) {
      throw new IllegalStateException("a numeric that is not a number (NaN or infinity)");
    }
    // value = d0 d1 … d(n-1) (base 10000) × 10000^(weight − n + 1); as an unscaled integer of
    // `scale` decimals: × 10^(4 (weight − n + 1) + scale). The digits past the scale are zero.
    if (digits == 0) {
      return BigDecimal.valueOf(0, scale);
    }
    int exponent = 4 * (weight - digits + 1) + scale;
    BigDecimal value;
    if (digits <= 4 && exponent >= -18 && 4 * digits + exponent <= 18) {
      long unscaled = 0;
      for (int i = 0; i < digits; i++) {
        unscaled = unscaled * 10_000 + shortAt(o + 8 + 2 * i);
      }
      unscaled =
          exponent >= 0 ? unscaled * POWERS_OF_TEN[exponent] : unscaled / POWERS_OF_TEN[-exponent];
      value = BigDecimal.valueOf(sign == 0 ? unscaled : -unscaled, scale);
    } else {
      BigInteger unscaled = BigInteger.ZERO;
      BigInteger base = BigInteger.valueOf(10_000);
      for (int i = 0; i < digits; i++) {
        unscaled = unscaled.multiply(base).add(BigInteger.valueOf(shortAt(o + 8 + 2 * i)));
      }
      unscaled =
          exponent >= 0
              ? unscaled.multiply(BigInteger.TEN.pow(exponent))
              : unscaled.divide(BigInteger.TEN.pow(-exponent));
      value = new BigDecimal(sign == 0 ? unscaled : unscaled.negate(), scale);
    }
    return value;
  }

  /** A one-dimensional text[] column; empty for an empty array. */
  public String[] textArray(int field) {
    if (lengths[field] < 0) {
      return null;
    }
    int o = offsets[field];
    int dimensions = intAt(o);
    if (dimensions == 0) {
      return new String[0];
    }
    if (dimensions != 1) {
      throw new IllegalStateException("an array of " + dimensions + " dimensions");
    }
    int size = intAt(o + 12);
    String[] values = new String[size];
    int p = o + 20;
    for (int i = 0; i < size; i++) {
      int length = intAt(p);
      p += 4;
      if (length >= 0) {
        values[i] = new String(row, p, length, StandardCharsets.UTF_8);
        p += length;
      }
    }
    return values;
  }

  @Override
  public void close() throws SQLException {
    try {
      in.close();
    } catch (IOException e) {
      throw new SQLException("ending the COPY failed", e);
    }
  }

  private int shortAt(int o) {
    return ((row[o] & 0xff) << 8) | (row[o + 1] & 0xff);
  }

  private int intAt(int o) {
    return ((row[o] & 0xff) << 24)
        | ((row[o + 1] & 0xff) << 16)
        | ((row[o + 2] & 0xff) << 8)
        | (row[o + 3] & 0xff);
  }

  private long longAt(int o) {
    return ((long) intAt(o) << 32) | (intAt(o + 4) & 0xffffffffL);
  }

  private int readByte() throws IOException {
    if (chunkPos == chunkEnd && !fill()) {
      throw new EOFException("the COPY data ended inside a row");
    }
    return chunk[chunkPos++] & 0xff;
  }

  private int readShort() throws IOException {
    if (chunkEnd - chunkPos >= 2) {
      int v = (short) (((chunk[chunkPos] & 0xff) << 8) | (chunk[chunkPos + 1] & 0xff));
      chunkPos += 2;
      return v;
    }
    return (short) ((readByte() << 8) | readByte());
  }

  private int readInt() throws IOException {
    if (chunkEnd - chunkPos >= 4) {
      int p = chunkPos;
      chunkPos += 4;
      return ((chunk[p] & 0xff) << 24)
          | ((chunk[p + 1] & 0xff) << 16)
          | ((chunk[p + 2] & 0xff) << 8)
          | (chunk[p + 3] & 0xff);
    }
    return (readByte() << 24) | (readByte() << 16) | (readByte() << 8) | readByte();
  }

  private void readFully(byte[] into, int offset, int length) throws IOException {
    while (length > 0) {
      if (chunkPos == chunkEnd && !fill()) {
        throw new EOFException("the COPY data ended inside a row");
      }
      int n = Math.min(length, chunkEnd - chunkPos);
      System.arraycopy(chunk, chunkPos, into, offset, n);
      chunkPos += n;
      offset += n;
      length -= n;
    }
  }

  private boolean fill() throws IOException {
    int n = in.read(chunk, 0, chunk.length);
    if (n <= 0) {
      return false;
    }
    chunkPos = 0;
    chunkEnd = n;
    return true;
  }
}
