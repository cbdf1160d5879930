package org.cdrflow.pipeline;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Sums the audit events of one processing hour into its {@code mediation_audit} row.
 *
 * <p>An hour's counters are dropped from state a day after the hour ended ({@link
 * LateDataRule#auditHourIsFinal}): audit events carry the processing hour they were counted in,
 * reach this operator within the pre-summers' flush (every checkpoint barrier and watermark), and a
 * restore counts what it reads again in the hour it runs in, never in an old one.
 */
public class HourlyAuditAggregator
    extends LatestValueEmitter<Long, AuditEvent, HourlyAudit, HourlyAudit> {
  private static final long serialVersionUID = 1L;

  public static final long END_CHECK_MS = Duration.ofHours(1).toMillis();

  public HourlyAuditAggregator(long intervalMs, StateLineage lineage) {
    this(intervalMs, lineage, END_CHECK_MS);
  }

  /** With the end check every {@code endCheckMs} ({@code state.end-check-interval}). */
  public HourlyAuditAggregator(long intervalMs, StateLineage lineage, long endCheckMs) {
    super(intervalMs, endCheckMs, Types.POJO(HourlyAudit.class), lineage);
  }

  public HourlyAuditAggregator(long intervalMs) {
    this(intervalMs, null);
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
  protected HourlyAudit snapshot(HourlyAudit acc, String lineageId) {
    HourlyAudit row = acc.copy();
    row.lineageId = lineageId;
    return row;
  }

  @Override
  protected boolean isFinal(HourlyAudit acc, long watermark, long now) {
    return LateDataRule.auditHourIsFinal(acc.hour, now);
  }
}
