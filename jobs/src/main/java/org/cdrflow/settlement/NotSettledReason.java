package org.cdrflow.settlement;

/**
 * Why an event is, correctly, not settled here. Not an error: counted for the audit and for
 * explaining a statement, never rejected.
 */
public enum NotSettledReason {
  /** DATA sessions are never settled between operators. */
  DATA,
  /**
   * An originated event (MOC, FWD, SMS_MO) made while roaming: the visited network bills it to us
   * through roaming clearing, not through interconnect.
   */
  ROAMING,
  /** An originated event without a counterpart number: nothing was handed to another network. */
  NO_COUNTERPART,
  /** Emergency numbers (110, 112, 113). */
  EMERGENCY,
  /** Freephone numbers. */
  TOLL_FREE,
  /** Short numbers dialled without country or trunk prefix. */
  SHORT,
  /**
   * A special number: a {@code special_number} prefix matches, or the number is PREMIUM or
   * SHARED_COST; those are settled under service-provider agreements, not here.
   */
  SPECIAL_NUMBER,
  /** The counterpart's operator at the event time is our own: the traffic stayed on our network. */
  ON_NET,
  /** A terminated event (MTC, SMS_MT) that did not enter on a trunk. */
  NO_IN_TRUNK,
  /**
   * A terminated event whose inTrunk maps to no partner (e.g. a trunk between our own switches).
   */
  TRUNK_NOT_PARTNER
}
