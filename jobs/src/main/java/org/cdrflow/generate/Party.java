package org.cdrflow.generate;

import org.cdrflow.numbers.NumberClass;

/**
 * The other party of a generated event: its number as mediation will normalise it, the raw forms a
 * network element may record it in, and what settlement needs to know about it.
 *
 * @param e164 the normalised number ({@code +4791234567}), or the dialled digits of a short or
 *     emergency number ({@code 112})
 * @param forms raw forms that all normalise to {@code e164}; the first is the most common
 * @param numberClass its class as mediation sees it
 * @param country ISO country, null for short numbers
 * @param operatorId its operator by {@code number_range} (Norwegian numbers only), else null
 * @param onNet one of our own subscribers
 */
record Party(
    String e164,
    String[] forms,
    NumberClass numberClass,
    String country,
    String operatorId,
    boolean onNet) {}
