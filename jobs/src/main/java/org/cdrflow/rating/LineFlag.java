package org.cdrflow.rating;

/** Flags of an invoice line (docs/rating.md, "Flags"). */
public enum LineFlag {
  /** The event's own period was closed when it was rated: invoiced in the next open period. */
  LATE,
  /** Event at or after the SIM block notice: itemised, not charged. */
  BLOCKED_SIM,
  /** Some or all data past the allowance was throttled instead of charged. */
  THROTTLED,
  /** The line carries the fair-use surcharge. */
  FAIR_USE_SURCHARGE,
  /** Not every partial record of the call arrived. */
  INCOMPLETE,
  /** The line replaces an earlier rating of the same event (set by re-rating, not here). */
  RERATED,
  /**
   * A correction of a line of an issued invoice, in a later open period: the difference between the
   * line re-rated and as invoiced (docs/rerating.md).
   */
  ADJUSTMENT
}
