package org.cdrflow.pipeline;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.settlement.SettlementCall;

/**
 * The settlement path: a {@code settlement_call} row for every assembled call that mediation
 * resolved a partner and price for, whatever retail rating makes of it (docs/settlement.md). It
 * reads the calls after duplicates are dropped and partials joined, beside the rater, not behind
 * it: settlement neither waits for the watermark nor depends on an invoice line.
 */
public class SettlementFunction extends ProcessFunction<MediatedCall, SettlementCall> {
  private static final long serialVersionUID = 1L;

  @Override
  public void processElement(MediatedCall call, Context ctx, Collector<SettlementCall> out) {
    if (SettlementCall.isSettled(call)) {
      out.collect(SettlementCall.of(call));
      long now = ctx.timerService().currentProcessingTime();
      ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.SETTLEMENT_ROWS_WRITTEN, 1, now));
    }
  }
}
