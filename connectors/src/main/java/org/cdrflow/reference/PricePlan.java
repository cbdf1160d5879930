package org.cdrflow.reference;

import java.math.BigDecimal;

/**
 * One row of {@code price_plan}. Allowances that are null mean "none included"; a null {@code
 * euDataLimitMb} means EU-zone data is not limited beyond the domestic allowance.
 */
public record PricePlan(
    String planId,
    String name,
    Integer voiceMinutes,
    Integer smsCount,
    Integer dataMb,
    Integer euDataLimitMb,
    DataOverage dataOverage,
    BigDecimal dataOverageCap)
    implements java.io.Serializable {}
