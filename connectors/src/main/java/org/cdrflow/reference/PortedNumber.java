package org.cdrflow.reference;

import java.time.Instant;

/**
 * One row of {@code ported_number}: from {@code validFrom} the number belongs to {@code
 * operatorId}.
 */
public record PortedNumber(String msisdn, String operatorId, Instant validFrom)
    implements java.io.Serializable {}
