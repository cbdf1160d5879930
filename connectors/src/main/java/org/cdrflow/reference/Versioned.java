package org.cdrflow.reference;

import java.time.Instant;

/**
 * A reference row with a validity: in force from {@link #validFrom} (inclusive) until {@link
 * #validTo} (exclusive; null is open-ended). Tariff versions (docs/rerating.md).
 */
public interface Versioned {
  /** The start of rows loaded without a valid_from: before any event. */
  Instant BEGINNING = Instant.EPOCH;

  Instant validFrom();

  Instant validTo();

  /** Whether the row is in force at {@code t}. */
  default boolean inForceAt(Instant t) {
    return !validFrom().isAfter(t) && (validTo() == null || t.isBefore(validTo()));
  }

  /**
   * The version in force at {@code t} of versions sorted by valid_from: the latest that started at
   * or before {@code t}, if it has not ended; null when none.
   */
  static <T extends Versioned> T inForce(T[] versions, Instant t) {
    if (versions == null) {
      return null;
    }
    for (int i = versions.length - 1; i >= 0; i--) {
      if (!versions[i].validFrom().isAfter(t)) {
        return versions[i].inForceAt(t) ? versions[i] : null;
      }
    }
    return null;
  }
}
