package org.cdrflow.pipeline;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.cdrflow.domain.RejectReason;

/**
 * The audit equation as a metric: one instance (parallelism 1) receives the pre-summed audit events
 * of every stage, plus the calls the rater holds for the watermark, and keeps the job's running
 * totals in operator state, so after a restore they are those of the checkpoint, exactly like the
 * {@code mediation_audit} rows. It reports {@code auditUnaccounted} = received − (rated + rejected
 * + duplicates + unanswered + pending partials + held for the watermark) as of the latest
 * checkpoint: at a checkpoint's barrier every stage has flushed its pre-summed counts and no record
 * is between two stages, so the value is exact there and must be 0; between checkpoints it would
 * only show the second or so that counts take to travel from one stage to the next. A value above 0
 * means records were lost. Also the counters by reason and kind the dashboard shows, and the
 * event-time lag (processing time minus the watermark that reaches the end of the job).
 * docs/operations.md, "The job's metrics".
 */
public class AuditBalance extends AbstractStreamOperator<Void>
    implements OneInputStreamOperator<AuditEvent, Void> {
  private static final long serialVersionUID = 1L;

  private static final int RECEIVED = 0;
  private static final int ACCOUNTED = 1;
  private static final int PENDING = 2;
  private static final int HELD = 3;

  private transient long[] totals;
  private transient ListState<long[]> saved;
  private transient AuditUnaccountedGauge unaccounted;
  private transient Map<RejectReason, Counter> rejects;
  private transient Counter otherRejects;
  private transient Map<AuditCounter, Counter> counters;
  private transient volatile long watermark;

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    saved =
        context
            .getOperatorStateStore()
            .getListState(
                new ListStateDescriptor<>(
                    "audit-totals", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
    totals = new long[4];
    for (long[] t : saved.get()) {
      for (int i = 0; i < Math.min(t.length, totals.length); i++) {
        totals[i] += t[i];
      }
    }
  }

  @Override
  public void open() throws Exception {
    super.open();
    watermark = Long.MIN_VALUE;
    MetricGroup operator = getMetricGroup();
    unaccounted = AuditUnaccountedGauge.register(operator);
    MetricGroup g = operator.addGroup(JobMetrics.GROUP);
    g.gauge("partialsPending", (Gauge<Long>) () -> totals[PENDING]);
    g.gauge("recordsHeldForWatermark", (Gauge<Long>) () -> totals[HELD]);
    g.gauge("eventTimeLagSeconds", (Gauge<Long>) this::eventTimeLagSeconds);
    rejects = new EnumMap<>(RejectReason.class);
    for (RejectReason r : RejectReason.values()) {
      rejects.put(r, g.addGroup("reason", r.name()).counter("rejects"));
    }
    otherRejects = g.addGroup("reason", "OTHER").counter("rejects");
    counters = new EnumMap<>(AuditCounter.class);
    counters.put(AuditCounter.DUPLICATES, g.counter("duplicates"));
    counters.put(AuditCounter.UNANSWERED, g.counter("unanswered"));
    counters.put(AuditCounter.RATED, g.counter("rated"));
    counters.put(AuditCounter.LINES_WRITTEN, g.counter("linesWritten"));
    counters.put(AuditCounter.SETTLEMENT_ROWS_WRITTEN, g.counter("settlementRowsWritten"));
    counters.put(AuditCounter.PARTIALS_JOINED, g.counter("partialsJoined"));
    counters.put(AuditCounter.REPROCESSED, g.counter("reprocessed"));
    unaccounted.set(unaccounted());
  }

  @Override
  public void processElement(StreamRecord<AuditEvent> element) {
    AuditEvent e = element.getValue();
    switch (e.counter) {
      case RECEIVED -> totals[RECEIVED] += e.count;
      case RATED, DUPLICATES, UNANSWERED -> totals[ACCOUNTED] += e.count;
      case REJECTED -> {
        totals[ACCOUNTED] += e.count;
        rejectCounter(e.reason).inc(e.count);
      }
      case PENDING_PARTIALS -> {
        totals[ACCOUNTED] += e.count;
        totals[PENDING] += e.count;
      }
      case HELD_FOR_WATERMARK -> totals[HELD] += e.count;
      default -> {}
    }
    Counter c = counters.get(e.counter);
    if (c != null) {
      c.inc(e.count);
    }
  }

  private Counter rejectCounter(String reason) {
    if (reason != null) {
      for (RejectReason r : RejectReason.values()) {
        if (r.name().equals(reason)) {
          return rejects.get(r);
        }
      }
    }
    return otherRejects;
  }

  /** What the gauge reports now (tests). */
  long reportedUnaccounted() {
    return unaccounted.getValue();
  }

  /** Received minus everything accounted for, held calls included. */
  long unaccounted() {
    return totals[RECEIVED] - totals[ACCOUNTED] - totals[HELD];
  }

  private long eventTimeLagSeconds() {
    long wm = watermark;
    if (wm == Long.MIN_VALUE || wm == Long.MAX_VALUE) {
      return 0L;
    }
    return Math.max(0L, getProcessingTimeService().getCurrentProcessingTime() - wm) / 1000;
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    watermark = mark.getTimestamp();
    super.processWatermark(mark);
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    saved.update(List.of(totals.clone()));
    // The barrier has passed every stage: nothing is in flight, the balance is exact.
    unaccounted.set(unaccounted());
  }
}
