package org.cdrflow.reference;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One version of a row of {@code price_plan}, in force from {@code validFrom} until {@code validTo}
 * (null: open-ended). Allowances that are null mean "none included"; a null {@code euDataLimitMb}
 * means EU-zone data is not limited beyond the domestic allowance.
 */
public record PricePlan(
    String planId,
    String name,
    Integer voiceMinutes,
    Integer smsCount,
    Integer dataMb,
    Integer euDataLimitMb,
    DataOverage dataOverage,
    BigDecimal dataOverageCap,
    Instant validFrom,
    Instant validTo)
    implements java.io.Serializable, Versioned {

  /** A plan valid from the beginning, as plans were before tariffs had versions. */
  public PricePlan(
      String planId,
      String name,
      Integer voiceMinutes,
      Integer smsCount,
      Integer dataMb,
      Integer euDataLimitMb,
      DataOverage dataOverage,
      BigDecimal dataOverageCap) {
    this(
        planId,
        name,
        voiceMinutes,
        smsCount,
        dataMb,
        euDataLimitMb,
        dataOverage,
        dataOverageCap,
        Versioned.BEGINNING,
        null);
  }
}
