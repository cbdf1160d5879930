package org.cdrflow.settlement;

/**
 * Why an event that must be settled cannot be: a gap in the reference data. The event is rejected
 * with this code (it becomes the {@code rejected_cdr.reason}) so that BSS can fix the table the
 * code names and {@code cdrflow reprocess --reason CODE} settles it.
 */
public enum SettlementRejectReason {
  /** A Norwegian counterpart number with neither a ported_number row nor a number_range prefix. */
  NO_OPERATOR,
  /** The Norwegian counterpart's operator is known but has no {@code partner} row. */
  NO_PARTNER,
  /** A foreign counterpart number whose country has no {@code transit_route} (or no country). */
  NO_TRANSIT_ROUTE,
  /**
   * No {@code interconnect_rate} of the partner, direction and product in force at the event time,
   * or the row in force is unusable (no price, a negative price, no currency, or a unit that does
   * not fit the product).
   */
  NO_INTERCONNECT_RATE
}
