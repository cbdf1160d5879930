package org.cdrflow.pipeline;

/**
 * The counters of {@code mediation_audit}. Counted in raw records so that, at any time, received =
 * rated + rejected + duplicates + unanswered + pending partials (docs/mediation.md, "Audit").
 */
public enum AuditCounter {
  RECEIVED,
  REJECTED,
  DUPLICATES,
  PARTIALS_JOINED,
  UNANSWERED,
  RATED,
  LINES_WRITTEN,
  SETTLEMENT_ROWS_WRITTEN,
  PENDING_PARTIALS,
  REPROCESSED
}
