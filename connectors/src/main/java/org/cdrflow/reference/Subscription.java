package org.cdrflow.reference;

import java.time.Instant;

/**
 * One row of {@code subscription}: who held a number, on which plan, during [validFrom, validTo).
 */
public record Subscription(
    String subscriptionId,
    String accountId,
    String msisdn,
    String imsi,
    String planId,
    Instant validFrom,
    Instant validTo)
    implements java.io.Serializable {

  public boolean validAt(Instant t) {
    return !t.isBefore(validFrom) && (validTo == null || t.isBefore(validTo));
  }
}
