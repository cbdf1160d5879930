package org.cdrflow.reference;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One row of {@code interconnect_rate}: the wholesale price a partner charges us (OUT) or we charge
 * it (IN) for a product, from {@code validFrom} until the next row of the same key.
 */
public record InterconnectRate(
    String partnerId,
    String direction,
    String product,
    BigDecimal price,
    String unit,
    String currency,
    Instant validFrom)
    implements java.io.Serializable {}
