package org.cdrflow.reconciliation;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One row of a monthly statement, the partner's or ours (docs/reconciliation.md, "Statement file").
 *
 * @param line the line of the partner's file (the header is line 1); 0 for ours
 * @param direction {@code IN} or {@code OUT}, seen from our side
 * @param product settlement product
 * @param day Europe/Oslo day
 * @param events calls or messages
 * @param minutes minutes of the calls (0 for SMS)
 * @param amount money
 * @param currency ISO 4217
 */
public record StatementRow(
    int line,
    String direction,
    String product,
    LocalDate day,
    long events,
    BigDecimal minutes,
    BigDecimal amount,
    String currency) {

  /** What pairs a row of ours with one of theirs. */
  public String key() {
    return direction + '|' + product + '|' + currency + '|' + day;
  }
}
