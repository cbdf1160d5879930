package org.cdrflow.reference;

import java.math.BigDecimal;

/** One row of {@code special_number}: list prices of a premium or service number range. */
public record SpecialNumber(
    String prefix,
    String description,
    BigDecimal connectFee,
    BigDecimal pricePerMinute,
    BigDecimal pricePerSms)
    implements java.io.Serializable {}
