package org.cdrflow.rating;

import org.cdrflow.domain.Tariff;

/** Whether an event can be priced: its {@link Tariff}, or why not ({@code NO_RATE}). */
public sealed interface TariffDecision {
  record Priced(Tariff tariff) implements TariffDecision {}

  /**
   * @param detail what is missing in the reference data; never contains a phone number
   */
  record NoRate(String detail) implements TariffDecision {}
}
