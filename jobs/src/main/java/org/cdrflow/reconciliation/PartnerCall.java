package org.cdrflow.reconciliation;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One call of a partner's per-call file (docs/reconciliation.md, "Partner CDR file"), numbers
 * already normalised as mediation does.
 *
 * @param line the line of the file it came from (the header is line 1)
 * @param callId the partner's own id of the call
 * @param aNumber calling number, E.164 or as dialled; null when withheld
 * @param bNumber called number, E.164 or as dialled
 * @param start when the call started
 * @param seconds its duration; 0 for an SMS
 * @param direction {@code IN} or {@code OUT}, seen from our side (as in settlement_call)
 * @param product settlement product
 * @param amount what the partner charges or owes for it
 */
public record PartnerCall(
    int line,
    String callId,
    String aNumber,
    String bNumber,
    Instant start,
    long seconds,
    String direction,
    String product,
    BigDecimal amount) {

  /** Without the numbers: this may end up in a message. */
  @Override
  public String toString() {
    return "PartnerCall[line=" + line + ", callId=" + callId + ", start=" + start + "]";
  }
}
