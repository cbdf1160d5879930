package org.cdrflow.connectors.jdbc;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;

/**
 * One row of a {@code COPY}, written column by column in the order of the table's column list.
 *
 * <p>The sink writes PostgreSQL's <b>binary</b> format once it knows the column types ({@link
 * #binary}): every value in the column type's own binary form (a uuid as 16 bytes, a timestamptz as
 * microseconds, a numeric as base-10000 digits), so that the server parses no text at all
 * (docs/benchmarks.md, "Binary COPY"). A value given in text form (a uuid, an ISO date) is
 * converted here by the column's type.
 *
 * <p>Before that, and in tests, the text format: values separated by tabs, {@code \N} for NULL, and
 * backslash, tab, newline and carriage return escaped with a backslash, so that any text arrives
 * unchanged. Every value is written in a form PostgreSQL reads back exactly: amounts as {@link
 * BigDecimal#toPlainString()}, times in UTC with an explicit offset, dates in ISO form.
 *
 * <p>One instance is reused for every row of a writer (it is not thread-safe).
 */
public final class CopyRow {
  private static final char SEPARATOR = '\t';
  private static final String NULL = "\\N";

  private final StringBuilder text = new StringBuilder(512);
  private final int keyColumns;
  private int columns;
  private int keyEnd;

  /** The binary form, once {@link #binary} was called; null while the row is text. */
  private BinaryCopyRow binary;

  CopyRow(int keyColumns) {
    this.keyColumns = keyColumns;
  }

  /**
   * From now on writes PostgreSQL's binary format for columns of these types ({@code pg_type}
   * names: {@code text}, {@code uuid}, {@code int4}, {@code _text}…, in the column list's order).
   */
  void binary(List<String> columnTypes) {
    binary = new BinaryCopyRow(columnTypes, keyColumns);
  }

  boolean isBinary() {
    return binary != null;
  }

  /** A text value (or uuid, or anything PostgreSQL reads from its text form); null for NULL. */
  public CopyRow text(String value) {
    if (binary != null) {
      binary.text(value);
      return this;
    }
    if (next(value == null)) {
      escape(value);
    }
    return done();
  }

  /** A uuid in its text form; null for NULL. */
  public CopyRow uuid(String value) {
    return text(value);
  }

  public CopyRow integer(long value) {
    if (binary != null) {
      binary.integer(value);
      return this;
    }
    next(false);
    text.append(value);
    return done();
  }

  /** An integer or NULL. */
  public CopyRow integer(Integer value) {
    if (value == null && binary != null) {
      binary.nullValue();
      return this;
    }
    if (binary != null) {
      binary.integer(value.longValue());
      return this;
    }
    if (next(value == null)) {
      text.append(value.intValue());
    }
    return done();
  }

  /** A bigint or NULL. */
  public CopyRow integer(Long value) {
    if (value == null && binary != null) {
      binary.nullValue();
      return this;
    }
    if (binary != null) {
      binary.integer(value.longValue());
      return this;
    }
    if (next(value == null)) {
      text.append(value.longValue());
    }
    return done();
  }

  /** An exact number (never in exponent form, so no digit is lost or rounded here); or NULL. */
  public CopyRow number(BigDecimal value) {
    if (binary != null) {
      binary.number(value);
      return this;
    }
    if (next(value == null)) {
      text.append(value.toPlainString());
    }
    return done();
  }

  /** A timestamptz as {@link #timestamp(long)}, or NULL. */
  public CopyRow timestampOrNull(Long epochMillis) {
    if (epochMillis == null && binary != null) {
      binary.nullValue();
      return this;
    }
    if (epochMillis == null) {
      next(true);
      return done();
    }
    return timestamp(epochMillis.longValue());
  }

  /** A timestamptz: the instant {@code epochMillis} after 1970-01-01T00:00Z, written in UTC. */
  public CopyRow timestamp(long epochMillis) {
    if (binary != null) {
      binary.timestamp(epochMillis);
      return this;
    }
    next(false);
    long seconds = Math.floorDiv(epochMillis, 1000L);
    int millis = (int) Math.floorMod(epochMillis, 1000L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
    appendDate(day);
    text.append(' ');
    pad2(secondOfDay / 3600);
    text.append(':');
    pad2(secondOfDay / 60 % 60);
    text.append(':');
    pad2(secondOfDay % 60);
    text.append('.');
    pad3(millis);
    text.append("+00");
    era(day);
    return done();
  }

  /** A date given as days since 1970-01-01. */
  public CopyRow date(long epochDay) {
    return date(LocalDate.ofEpochDay(epochDay));
  }

  /** A date; null for NULL. */
  public CopyRow date(LocalDate value) {
    if (binary != null) {
      binary.date(value);
      return this;
    }
    if (next(value == null)) {
      appendDate(value);
      era(value);
    }
    return done();
  }

  /** A date that is already in ISO form ({@code 2026-07-10}); null for NULL. */
  public CopyRow isoDate(String value) {
    return text(value);
  }

  /**
   * A text[] as an array literal, every element double-quoted (so that no word can be read as NULL
   * or split at a comma or brace); a null element is NULL, a null array is NULL.
   */
  public CopyRow textArray(String[] values) {
    if (binary != null) {
      binary.textArray(values);
      return this;
    }
    if (next(values == null)) {
      StringBuilder literal = new StringBuilder(16 * values.length + 2).append('{');
      for (int i = 0; i < values.length; i++) {
        if (i > 0) {
          literal.append(',');
        }
        String v = values[i];
        if (v == null) {
          literal.append("NULL");
          continue;
        }
        literal.append('"');
        for (int j = 0; j < v.length(); j++) {
          char c = v.charAt(j);
          if (c == '"' || c == '\\') {
            literal.append('\\');
          }
          literal.append(c);
        }
        literal.append('"');
      }
      escape(literal.append('}'));
    }
    return done();
  }

  /** Starts a new row. */
  void reset() {
    if (binary != null) {
      binary.reset();
      return;
    }
    text.setLength(0);
    columns = 0;
    keyEnd = 0;
  }

  int columns() {
    return binary != null ? binary.columns() : columns;
  }

  /** The row as COPY reads it: a text line with its line end, UTF-8; or a binary tuple. */
  byte[] bytes() {
    return binary != null ? binary.bytes() : line().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The key columns' values, equal for two rows of the same key: the start of the text line, or the
   * key fields' bytes. Call after {@link #bytes()}.
   */
  Object key() {
    return binary != null ? binary.key() : text.substring(0, keyEnd);
  }

  /** What a COPY stream starts with: the binary format's signature and header; none for text. */
  byte[] header() {
    return binary != null ? BinaryCopyRow.HEADER : new byte[0];
  }

  /** What a COPY stream ends with: the binary format's trailer; none for text. */
  byte[] trailer() {
    return binary != null ? BinaryCopyRow.TRAILER : new byte[0];
  }

  /** The row as COPY reads it, with its line end. */
  String line() {
    return text.append('\n').toString();
  }

  /** How many characters at the start of {@link #line()} hold the key columns. */
  int keyLength() {
    return keyEnd;
  }

  /** Writes the separator before a value; true if a value follows, false if NULL was written. */
  private boolean next(boolean isNull) {
    if (columns > 0) {
      text.append(SEPARATOR);
    }
    if (isNull) {
      text.append(NULL);
      return false;
    }
    return true;
  }

  private CopyRow done() {
    if (++columns == keyColumns) {
      keyEnd = text.length();
    }
    return this;
  }

  /** Appends {@code value}, escaping what the text format would otherwise read as a delimiter. */
  private void escape(CharSequence value) {
    int n = value.length();
    int from = 0;
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c > '\\') {
        continue; // every character that needs escaping sorts at or below the backslash
      }
      String escaped =
          switch (c) {
            case '\\' -> "\\\\";
            case '\t' -> "\\t";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            default -> null;
          };
      if (escaped != null) {
        text.append(value, from, i).append(escaped);
        from = i + 1;
      }
    }
    text.append(value, from, n);
  }

  /** ISO year-month-day; a year before 1 AD is written as PostgreSQL reads it (with BC). */
  private void appendDate(LocalDate day) {
    int year = day.getYear();
    int shown = year > 0 ? year : 1 - year;
    if (shown < 1000) {
      text.append(shown < 10 ? "000" : shown < 100 ? "00" : "0");
    }
    text.append(shown).append('-');
    pad2(day.getMonthValue());
    text.append('-');
    pad2(day.getDayOfMonth());
  }

  private void era(LocalDate day) {
    if (day.getYear() <= 0) {
      text.append(" BC");
    }
  }

  private void pad2(int v) {
    if (v < 10) {
      text.append('0');
    }
    text.append(v);
  }

  private void pad3(int v) {
    if (v < 100) {
      text.append(v < 10 ? "00" : "0");
    }
    text.append(v);
  }
}
