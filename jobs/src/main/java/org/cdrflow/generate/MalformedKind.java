package org.cdrflow.generate;

/**
 * The kinds of broken record the generator injects, one defect each, with the reject reason
 * mediation gives it (docs/decisions.md and docs/numbers.md list the rules).
 */
public enum MalformedKind {
  /** A JSON line cut off mid-record, as a crashed writer leaves it (JSON-lines feeds only). */
  TRUNCATED_LINE("UNDECODABLE"),
  /**
   * A complete JSON object that is still not a RawCdr: a record type the schema does not know, as
   * an element on a newer software release might write (JSON-lines feeds only).
   */
  UNKNOWN_RECORD_TYPE("UNDECODABLE"),
  /** A call record without its called number. */
  MISSING_CALLED_NUMBER("MISSING_FIELD"),
  /** A called number with a letter in it. */
  LETTER_IN_NUMBER("BAD_NUMBER"),
  /** A negative duration. */
  NEGATIVE_DURATION("BAD_TIME"),
  /** An answer time before the seizure time. */
  ANSWER_BEFORE_SEIZURE("BAD_TIME");

  private final String rejectReason;

  MalformedKind(String rejectReason) {
    this.rejectReason = rejectReason;
  }

  /** The {@code rejected_cdr.reason} mediation gives such a record. */
  public String rejectReason() {
    return rejectReason;
  }
}
