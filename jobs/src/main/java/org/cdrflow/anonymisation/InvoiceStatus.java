package org.cdrflow.anonymisation;

import java.util.Arrays;

/**
 * The status of an invoice ({@code invoice.status}, maintained by BSS) and what it means for the
 * lines of its account and billing period once they are older than the cutoff.
 */
public enum InvoiceStatus {
  /** Issued, not yet due or not yet paid. */
  OPEN(LineFate.RETAIN_UNPAID),
  /** Paid in full: the operator needs the itemisation no longer (R2). */
  PAID(LineFate.ANONYMISE),
  /** Past its due date and unpaid: collection may still need the itemisation. */
  OVERDUE(LineFate.RETAIN_UNPAID),
  /** Disputed by the customer: not due while the dispute is handled (R12). */
  DISPUTED(LineFate.RETAIN_DISPUTED),
  /**
   * Cancelled by a credit note: nothing is owed and nothing is left to collect or to dispute, so
   * the itemisation has served its purpose just as for a paid invoice. A credited invoice never
   * becomes PAID; keeping its lines until then would keep them forever (docs/anonymisation.md).
   */
  CREDITED(LineFate.ANONYMISE);

  private final LineFate oldLineFate;

  InvoiceStatus(LineFate oldLineFate) {
    this.oldLineFate = oldLineFate;
  }

  /** The fate of a line older than the cutoff whose invoice has this status. */
  public LineFate oldLineFate() {
    return oldLineFate;
  }

  /** The statuses (as stored in {@code invoice.status}) whose old lines meet {@code fate}. */
  public static String[] withFate(LineFate fate) {
    return Arrays.stream(values())
        .filter(s -> s.oldLineFate == fate)
        .map(Enum::name)
        .toArray(String[]::new);
  }
}
