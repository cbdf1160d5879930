package org.cdrflow.reference;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One version of a row of {@code rate}: the retail price of a service in a rating zone of a plan,
 * in force from {@code validFrom} until {@code validTo} (null: open-ended). {@code price} is per
 * minute (VOICE), per message (SMS) or per MB (DATA). Null intervals mean per-second billing.
 */
public record Rate(
    String planId,
    Service service,
    String zone,
    BigDecimal connectFee,
    BigDecimal price,
    Integer firstInterval,
    Integer nextInterval,
    Instant validFrom,
    Instant validTo)
    implements java.io.Serializable, Versioned {

  /** A row valid from the beginning, as rows were before tariffs had versions. */
  public Rate(
      String planId,
      Service service,
      String zone,
      BigDecimal connectFee,
      BigDecimal price,
      Integer firstInterval,
      Integer nextInterval) {
    this(
        planId,
        service,
        zone,
        connectFee,
        price,
        firstInterval,
        nextInterval,
        Versioned.BEGINNING,
        null);
  }
}
