package org.cdrflow.anonymisation;

import java.time.Instant;
import java.util.Objects;

/**
 * Which rows a run anonymises (rule R2, docs/anonymisation.md), as plain Java: the SQL of the job
 * is built from the same statuses ({@link InvoiceStatus#withFate}), and the integration test checks
 * the database against this class row by row.
 *
 * <ul>
 *   <li>An invoice line is due when its event started strictly before the cutoff and no run has
 *       anonymised it yet. A due line is anonymised when the invoice of its account and billing
 *       period is settled (paid or credited); otherwise it is kept and counted, and a later run
 *       takes it once the invoice is paid.
 *   <li>A status this version does not know is treated as unpaid: when in doubt, keep the
 *       itemisation the customer may still be billed on.
 *   <li>A rejected record loses its payload when its event time, or the time it was first seen if
 *       it had no readable event time, is before the cutoff. No invoice is involved: a reject was
 *       never billed.
 * </ul>
 */
public final class RetentionRule {
  private RetentionRule() {}

  /**
   * The fate of one invoice line.
   *
   * @param eventStart the line's {@code event_start}; null only after anonymisation
   * @param anonymisedAt the line's {@code anonymised_at}, null while it holds its identifiers
   * @param invoiceStatus the status of the invoice of the line's (account_id, billing_period), null
   *     when there is no such invoice
   * @param cutoff the run's cutoff ({@link AnonymisationCutoff#cutoff})
   */
  public static LineFate fateOf(
      Instant eventStart, Instant anonymisedAt, String invoiceStatus, Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    if (anonymisedAt != null) {
      return LineFate.ALREADY_ANONYMISED;
    }
    if (eventStart == null || !eventStart.isBefore(cutoff)) {
      return LineFate.NOT_DUE;
    }
    return fateOfDueLine(invoiceStatus);
  }

  /** The fate of a line older than the cutoff, by the status of its invoice (null = none). */
  public static LineFate fateOfDueLine(String invoiceStatus) {
    if (invoiceStatus == null) {
      return LineFate.RETAIN_NO_INVOICE;
    }
    for (InvoiceStatus s : InvoiceStatus.values()) {
      if (s.name().equals(invoiceStatus)) {
        return s.oldLineFate();
      }
    }
    return LineFate.RETAIN_UNPAID;
  }

  /**
   * True when a rejected record's payload is purged by a run with this cutoff.
   *
   * @param eventTime the reject's {@code event_time}, null when the record had no readable one
   * @param firstSeen when the record was first rejected
   * @param hasPayload whether the row still holds its original bytes
   */
  public static boolean purgesPayload(
      Instant eventTime, Instant firstSeen, boolean hasPayload, Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    Instant age = eventTime != null ? eventTime : Objects.requireNonNull(firstSeen, "firstSeen");
    return hasPayload && age.isBefore(cutoff);
  }
}
