package org.cdrflow.reconciliation;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * One row of {@code reconciliation_item}: a statement row (level DAY) or a call that is not a plain
 * MATCHED (level CALL). Holds no phone number. Differences are theirs minus ours.
 */
public record ReconciliationItem(
    String itemId,
    String level,
    ReconciliationClass reconciliationClass,
    String direction,
    String product,
    String theirProduct,
    LocalDate day,
    String settlementId,
    String theirCallId,
    Integer theirLine,
    Instant ourStart,
    Instant theirStart,
    Long ourSeconds,
    Long theirSeconds,
    Long ourEvents,
    Long theirEvents,
    BigDecimal ourAmount,
    BigDecimal theirAmount,
    List<CallComparison.Difference> differences,
    BigDecimal startDifferenceSeconds,
    Long secondsDifference,
    Long eventsDifference,
    BigDecimal amountDifference) {

  public static final String CALL = "CALL";
  public static final String DAY = "DAY";

  /** The product a summary counts it under: ours, or theirs when we have no call. */
  public String summaryProduct() {
    return product != null ? product : theirProduct;
  }
}
