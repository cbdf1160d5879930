package org.cdrflow.rating;

import java.util.List;
import org.cdrflow.pipeline.RejectReason;

/**
 * What rating one event gave: an invoice line and the notifications it triggered, or a rejection
 * ({@code NO_RATE}) with a readable detail that never contains a phone number. A rejection left the
 * state objects as they were, so the record can be reprocessed once the reference data is fixed.
 */
public final class RatingOutcome {
  private final InvoiceLine line;
  private final List<UsageNotice> notices;
  private final RejectReason rejectReason;
  private final String detail;

  private RatingOutcome(
      InvoiceLine line, List<UsageNotice> notices, RejectReason rejectReason, String detail) {
    this.line = line;
    this.notices = notices;
    this.rejectReason = rejectReason;
    this.detail = detail;
  }

  static RatingOutcome rated(InvoiceLine line, List<UsageNotice> notices) {
    return new RatingOutcome(line, List.copyOf(notices), null, null);
  }

  static RatingOutcome rejected(RejectReason reason, String detail) {
    return new RatingOutcome(null, List.of(), reason, detail);
  }

  public boolean isRated() {
    return line != null;
  }

  /** The line; null when rejected. */
  public InvoiceLine line() {
    return line;
  }

  /** Notifications to publish; empty when none or rejected. */
  public List<UsageNotice> notices() {
    return notices;
  }

  /** Null when rated. */
  public RejectReason rejectReason() {
    return rejectReason;
  }

  /** Why it was rejected, for {@code rejected_cdr.detail}; null when rated. */
  public String detail() {
    return detail;
  }

  @Override
  public String toString() {
    return isRated()
        ? "rated " + line.ratingZone + ' ' + line.amount + ' ' + notices
        : "rejected " + rejectReason + ": " + detail;
  }
}
