package org.cdrflow.schema.codec;

import java.util.Objects;

/**
 * A record's bytes cannot be turned into a {@code RawCdr}. The mediation job routes such records to
 * {@code cdr.rejected} with reason {@code UNDECODABLE}, using {@link #getMessage()} as the readable
 * detail.
 *
 * <p>Messages name the problem, the field and sizes or indexes, never a field value: the bytes may
 * hold subscriber numbers, and the message ends up in logs and in the reject table.
 *
 * <p>Checked on purpose: every caller has to decide what a bad record means for it (reject, skip,
 * fail), rather than letting a bad message escape as a task failure that restart-loops the job.
 */
public final class UndecodableRecordException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why the bytes could not be decoded. */
  public enum Reason {
    /** No bytes at all (null or empty value, e.g. a Kafka tombstone). */
    EMPTY,
    /** The bytes do not start with the single-object marker {@code C3 01}. */
    BAD_MARKER,
    /** The bytes end before the header or a value is complete. */
    TRUNCATED,
    /** The 8-byte schema fingerprint names no writer schema this decoder knows. */
    UNKNOWN_FINGERPRINT,
    /** An enum index outside the writer schema's symbols. */
    BAD_ENUM_INDEX,
    /** A union branch index outside the writer schema's branches. */
    BAD_UNION_INDEX,
    /** A string field that is not valid UTF-8. */
    BAD_STRING,
    /** Structurally invalid binary: bad varint, negative length, boolean not 0/1, too deep. */
    MALFORMED,
    /** A complete record followed by further bytes. */
    TRAILING_BYTES,
    /** A known writer schema that cannot be resolved to the current reader schema. */
    SCHEMA_MISMATCH,
    /** Text input (a JSON feed line) that is not valid UTF-8, not JSON, or not a RawCdr. */
    BAD_JSON
  }

  private final Reason reason;

  public UndecodableRecordException(Reason reason, String detail) {
    // No stack trace: a topic full of garbage must not cost a stack walk per record, and the
    // reason plus detail say everything; the stack would only show codec internals.
    super(Objects.requireNonNull(reason, "reason") + ": " + detail, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
