package org.cdrflow.settlement;

/**
 * The wholesale products of {@code interconnect_rate.product}, each with the unit it is priced in.
 */
public enum SettlementProduct {
  /** A call terminated on a mobile number (ours for IN, the partner's for OUT). */
  VOICE_TERM_MOBILE(SettlementUnit.MINUTE),
  /** A call terminated on a fixed or any other non-mobile number of the partner. */
  VOICE_TERM_FIXED(SettlementUnit.MINUTE),
  /** A call to a foreign number, handed to the transit carrier of its country. */
  VOICE_INTL(SettlementUnit.MINUTE),
  /** A terminated SMS, either way. */
  SMS_TERM(SettlementUnit.SMS);

  private final SettlementUnit unit;

  SettlementProduct(SettlementUnit unit) {
    this.unit = unit;
  }

  /**
   * The unit a rate row of this product must be priced in; a row in another unit is a configuration
   * error, not a price (it would settle an SMS by its zero seconds).
   */
  public SettlementUnit unit() {
    return unit;
  }
}
