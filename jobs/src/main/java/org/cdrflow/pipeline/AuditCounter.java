package org.cdrflow.pipeline;

/**
 * The counters of {@code mediation_audit}. Counted in raw records so that, at any time, received =
 * rated + rejected + duplicates + unanswered + pending partials (docs/mediation.md, "Audit").
 */
public enum AuditCounter {
  RECEIVED,
  REJECTED,
  DUPLICATES,
  PARTIALS_JOINED,
  UNANSWERED,
  RATED,
  LINES_WRITTEN,
  SETTLEMENT_ROWS_WRITTEN,
  PENDING_PARTIALS,
  REPROCESSED,
  /**
   * Not a column: raw records of the calls the rater holds until the watermark passes them (+ when
   * held, − when rated). Sent on a side output of its own to the audit balance only, never to
   * {@code mediation_audit}: a held call is in flight, not lost (docs/operations.md, "The job's
   * metrics").
   */
  HELD_FOR_WATERMARK
}
