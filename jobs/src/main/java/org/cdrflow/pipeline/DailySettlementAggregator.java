package org.cdrflow.pipeline;

import org.apache.flink.api.common.typeinfo.Types;
import org.cdrflow.settlement.DailySettlement;
import org.cdrflow.settlement.SettlementCall;
import org.cdrflow.settlement.SettlementDailyRow;

/**
 * Keyed by (partner, direction, product, currency, Oslo day): sums the settled events of that day
 * in state and writes the day's absolute totals, so {@code settlement_daily} always equals the sum
 * of its {@code settlement_call} rows after a replay, a duplicate, a late record for an old day or
 * a restart (docs/settlement.md).
 */
public class DailySettlementAggregator
    extends LatestValueEmitter<String, SettlementCall, DailySettlement, SettlementDailyRow> {
  private static final long serialVersionUID = 1L;

  public DailySettlementAggregator(long intervalMs) {
    super(intervalMs, Types.POJO(DailySettlement.class));
  }

  @Override
  protected DailySettlement add(DailySettlement acc, SettlementCall in) {
    return (acc == null ? DailySettlement.emptyFor(in) : acc).add(in);
  }

  @Override
  protected SettlementDailyRow snapshot(DailySettlement acc) {
    return acc.toRow();
  }
}
