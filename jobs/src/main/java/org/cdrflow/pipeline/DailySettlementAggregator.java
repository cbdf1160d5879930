package org.cdrflow.pipeline;

import java.time.Duration;
import java.time.LocalDate;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.cdrflow.reference.ReferenceDataProvider;
import org.cdrflow.settlement.DailySettlement;
import org.cdrflow.settlement.SettlementCall;
import org.cdrflow.settlement.SettlementDailyRow;

/**
 * Keyed by (partner, direction, product, currency, Oslo day): sums the settled events of that day
 * in state and writes the day's absolute totals, so {@code settlement_daily} always equals the sum
 * of its {@code settlement_call} rows after a replay, a duplicate, a late record for an old day or
 * a restart (docs/settlement.md).
 *
 * <p>A day's totals are dropped from state once no record can land in that day any more ({@link
 * LateDataRule#settlementDayIsFinal}): late records are settled on their own day whenever they
 * arrive, so dropping a day earlier would make a late record start the day from zero and overwrite
 * its row with a partial total.
 */
public class DailySettlementAggregator
    extends LatestValueEmitter<String, SettlementCall, DailySettlement, SettlementDailyRow> {
  private static final long serialVersionUID = 1L;

  /** How often a day's totals are checked for their end. */
  public static final long END_CHECK_MS = Duration.ofHours(1).toMillis();

  private final ReferenceDataProvider reference;

  /**
   * @param reference where the anonymisation cutoff comes from; null keeps every day (tests)
   * @param lineage see {@link LatestValueEmitter}; null writes rows without a lineage
   */
  public DailySettlementAggregator(
      long intervalMs, ReferenceDataProvider reference, StateLineage lineage) {
    this(intervalMs, reference, lineage, END_CHECK_MS);
  }

  /** With the end check every {@code endCheckMs} ({@code state.end-check-interval}). */
  public DailySettlementAggregator(
      long intervalMs, ReferenceDataProvider reference, StateLineage lineage, long endCheckMs) {
    super(intervalMs, endCheckMs, Types.POJO(DailySettlement.class), lineage);
    this.reference = reference;
  }

  public DailySettlementAggregator(long intervalMs) {
    this(intervalMs, null, null);
  }

  @Override
  public void open(OpenContext ctx) {
    super.open(ctx);
    if (reference != null) {
      reference.open();
    }
  }

  @Override
  public void close() {
    if (reference != null) {
      reference.close();
    }
  }

  @Override
  protected DailySettlement add(DailySettlement acc, SettlementCall in) {
    return (acc == null ? DailySettlement.emptyFor(in) : acc).add(in);
  }

  @Override
  protected SettlementDailyRow snapshot(DailySettlement acc, String lineageId) {
    SettlementDailyRow row = acc.toRow();
    row.lineageId = lineageId;
    return row;
  }

  @Override
  protected boolean isFinal(DailySettlement acc, long watermark, long now) {
    return reference != null
        && LateDataRule.settlementDayIsFinal(
            LocalDate.parse(acc.day), watermark, reference.current().anonymisationCutoff());
  }
}
