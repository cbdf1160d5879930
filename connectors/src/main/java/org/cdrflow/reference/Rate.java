package org.cdrflow.reference;

import java.math.BigDecimal;

/**
 * One row of {@code rate}: the retail price of a service in a rating zone of a plan. {@code price}
 * is per minute (VOICE), per message (SMS) or per MB (DATA). Null intervals mean per-second
 * billing.
 */
public record Rate(
    String planId,
    Service service,
    String zone,
    BigDecimal connectFee,
    BigDecimal price,
    Integer firstInterval,
    Integer nextInterval)
    implements java.io.Serializable {}
