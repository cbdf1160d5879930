package org.cdrflow.reconciliation;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * The fields of one of our settled calls ({@code settlement_call}) that reconciliation compares.
 */
public record OurCall(
    String settlementId,
    Instant start,
    long seconds,
    String direction,
    String product,
    BigDecimal amount) {}
