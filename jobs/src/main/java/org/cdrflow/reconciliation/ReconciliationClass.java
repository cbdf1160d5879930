package org.cdrflow.reconciliation;

/**
 * Where a call (or a statement row) of ours or of the partner ends after reconciliation: each in
 * exactly one class (docs/reconciliation.md, "Classes").
 */
public enum ReconciliationClass {
  /** Paired with one of the other side, every compared field within its tolerance. */
  MATCHED,
  /** Paired with one of the other side, at least one field beyond its tolerance. */
  MATCHED_WITH_DIFFERENCE,
  /** We have it, the partner does not. */
  OURS_ONLY,
  /** The partner has it, we do not. */
  THEIRS_ONLY
}
