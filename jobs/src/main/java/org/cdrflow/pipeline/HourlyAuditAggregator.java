package org.cdrflow.pipeline;

import org.apache.flink.api.common.typeinfo.Types;

/** Sums the audit events of one processing hour into its {@code mediation_audit} row. */
public class HourlyAuditAggregator
    extends LatestValueEmitter<Long, AuditEvent, HourlyAudit, HourlyAudit> {
  private static final long serialVersionUID = 1L;

  public HourlyAuditAggregator(long intervalMs) {
    super(intervalMs, Types.POJO(HourlyAudit.class));
  }

  @Override
  protected HourlyAudit add(HourlyAudit acc, AuditEvent in) {
    if (acc == null) {
      acc = new HourlyAudit();
      acc.hour = in.hour;
    }
    acc.add(in);
    return acc;
  }

  @Override
  protected HourlyAudit snapshot(HourlyAudit acc) {
    return acc.copy();
  }
}
