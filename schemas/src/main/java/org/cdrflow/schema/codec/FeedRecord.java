package org.cdrflow.schema.codec;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record of a feed file, ready to be produced to {@code cdr.raw} or fed to the job.
 *
 * @param key {@code networkElement|callReference}, or null if the line could not be decoded
 * @param value the single-object encoded RawCdr (current schema); for an undecodable line the raw
 *     line bytes exactly as in the file (without the line terminator), so that the job rejects it
 *     as {@code UNDECODABLE} with its original bytes
 * @param lineOrIndex JSON lines: the 1-based line number in the file (blank lines count); container
 *     files: the 0-based index of the record in the file
 * @param problem why the line could not be decoded (a readable reason without field values), or
 *     null if it was decoded
 */
public record FeedRecord(String key, byte[] value, int lineOrIndex, String problem) {

  public FeedRecord {
    Objects.requireNonNull(value, "value");
  }

  /** A decoded record. */
  public FeedRecord(String key, byte[] value, int lineOrIndex) {
    this(key, value, lineOrIndex, null);
  }

  /** True if {@link #value()} is a single-object encoded RawCdr, false if it is a raw bad line. */
  public boolean decoded() {
    return key != null;
  }

  // Arrays compare by identity in a record's generated methods; compare the bytes instead.
  @Override
  public boolean equals(Object o) {
    return o instanceof FeedRecord r
        && Objects.equals(key, r.key)
        && Arrays.equals(value, r.value)
        && lineOrIndex == r.lineOrIndex
        && Objects.equals(problem, r.problem);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, Arrays.hashCode(value), lineOrIndex, problem);
  }

  /** Never prints the value: it holds subscriber numbers. */
  @Override
  public String toString() {
    return "FeedRecord[key="
        + key
        + ", value="
        + value.length
        + " bytes, lineOrIndex="
        + lineOrIndex
        + (problem == null ? "" : ", problem=" + problem)
        + "]";
  }
}
