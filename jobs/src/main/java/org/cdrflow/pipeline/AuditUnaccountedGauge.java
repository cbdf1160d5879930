package org.cdrflow.pipeline;

import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * The audit's unaccounted records ({@code auditUnaccounted} under the job's metric group): received
 * minus everything accounted for, which is 0 whenever no record is in flight. A gauge that a check
 * sets, so that every check of the audit equation reports through the same metric and the alert
 * rule "audit unaccounted" covers all of them (docs/operations.md, "The job's metrics").
 */
public final class AuditUnaccountedGauge implements Gauge<Long> {
  public static final String NAME = "auditUnaccounted";

  private volatile long value;

  private AuditUnaccountedGauge() {}

  /** Registers the gauge in {@code operator}'s {@code cdrflow} group. */
  public static AuditUnaccountedGauge register(MetricGroup operator) {
    return operator.addGroup(JobMetrics.GROUP).gauge(NAME, new AuditUnaccountedGauge());
  }

  public void set(long unaccounted) {
    value = unaccounted;
  }

  @Override
  public Long getValue() {
    return value;
  }
}
