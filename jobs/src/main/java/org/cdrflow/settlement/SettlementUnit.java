package org.cdrflow.settlement;

/** What an {@code interconnect_rate} price is per (column {@code unit}). */
public enum SettlementUnit {
  /** Price per minute, charged per second of actual duration. */
  MINUTE,
  /** Price per message. */
  SMS;

  /**
   * The unit of a reference row or an enriched event.
   *
   * @throws IllegalArgumentException when the value is no known unit
   */
  public static SettlementUnit parse(String unit) {
    if (unit != null) {
      for (SettlementUnit u : values()) {
        if (u.name().equals(unit)) {
          return u;
        }
      }
    }
    throw new IllegalArgumentException("unknown interconnect rate unit: " + unit);
  }
}
