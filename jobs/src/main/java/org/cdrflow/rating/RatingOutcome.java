package org.cdrflow.rating;

import java.util.List;

/**
 * What rating one event gave: an invoice line and the notifications it triggered. Rating cannot
 * fail: whether an event can be priced is decided in mediation ({@link TariffRule}).
 */
public final class RatingOutcome {
  private final InvoiceLine line;
  private final List<UsageNotice> notices;

  private RatingOutcome(InvoiceLine line, List<UsageNotice> notices) {
    this.line = line;
    this.notices = notices;
  }

  static RatingOutcome rated(InvoiceLine line, List<UsageNotice> notices) {
    return new RatingOutcome(line, List.copyOf(notices));
  }

  public InvoiceLine line() {
    return line;
  }

  /** Notifications to publish; empty when none. */
  public List<UsageNotice> notices() {
    return notices;
  }

  @Override
  public String toString() {
    return "rated " + line.ratingZone + ' ' + line.amount + ' ' + notices;
  }
}
