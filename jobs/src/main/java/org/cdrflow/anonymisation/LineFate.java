package org.cdrflow.anonymisation;

/**
 * What a monthly run does with one invoice line (docs/anonymisation.md). The retained fates are the
 * counts of the same name in {@code anonymisation_run}.
 */
public enum LineFate {
  /** The event is at or after the cutoff: not old enough yet. */
  NOT_DUE,
  /** An earlier run anonymised it; nothing left to do. */
  ALREADY_ANONYMISED,
  /** Old enough and its invoice is settled: identifying columns are cleared now. */
  ANONYMISE,
  /** Old enough, but its invoice is open or overdue: kept until it is paid. */
  RETAIN_UNPAID,
  /** Old enough, but its invoice is disputed: kept while the dispute is handled (R12). */
  RETAIN_DISPUTED,
  /** Old enough, but no invoice exists for its account and period yet: kept until there is one. */
  RETAIN_NO_INVOICE
}
