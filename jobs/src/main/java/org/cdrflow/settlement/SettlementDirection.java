package org.cdrflow.settlement;

/** Who pays whom for a settled event (the {@code direction} of {@code interconnect_rate}). */
public enum SettlementDirection {
  /** The partner handed the traffic to us and pays our termination: we invoice it. */
  IN,
  /** We handed the traffic to the partner and pay its termination: it invoices us. */
  OUT
}
