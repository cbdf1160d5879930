package org.cdrflow.pipeline;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.mediation.CdrMediation;
import org.cdrflow.mediation.MediationOutcome;
import org.cdrflow.reference.ReferenceDataProvider;

/** The thin Flink wrapper around {@link CdrMediation}: results out, rejects and audit aside. */
public class MediationFunction extends ProcessFunction<IncomingCdr, MediatedCall> {
  private static final long serialVersionUID = 1L;

  private final ReferenceDataProvider reference;
  private final String homeOperatorId;
  private transient CdrMediation mediation;
  private transient JobMetrics.Mediation metrics;

  public MediationFunction(ReferenceDataProvider reference, String homeOperatorId) {
    this.reference = reference;
    this.homeOperatorId = homeOperatorId;
  }

  @Override
  public void open(OpenContext ctx) {
    reference.open();
    mediation = new CdrMediation(homeOperatorId);
    metrics = JobMetrics.mediation(getRuntimeContext().getMetricGroup(), reference);
  }

  @Override
  public void close() {
    reference.close();
  }

  @Override
  public void processElement(IncomingCdr in, Context ctx, Collector<MediatedCall> out) {
    long now = ctx.timerService().currentProcessingTime();
    metrics.received(in.recordType, in.decoded());
    ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.RECEIVED, 1, now));
    if (in.reprocessedRejectId != null) {
      ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.REPROCESSED, 1, now));
    }
    MediationOutcome outcome = mediation.mediate(in, reference.current(), now);
    if (outcome instanceof MediationOutcome.Mediated m) {
      out.collect(m.call());
    } else if (outcome instanceof MediationOutcome.Unanswered) {
      ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.UNANSWERED, 1, now));
    } else if (outcome instanceof MediationOutcome.Rejected r) {
      Rejection rejection =
          Rejection.of(
              Rejection.idOf(in),
              r.reason(),
              r.detail(),
              in.sourceTopic,
              in.sourcePartition,
              in.sourceOffset,
              r.keepPayload() ? in.payload : null,
              r.eventTime(),
              now);
      if (in.reprocessedRejectId != null) {
        // Rejected again after a reprocess: the same row, open again, not a second row (a row
        // written before reject ids came from the record's identity keeps its old id).
        rejection.rejectId = in.reprocessedRejectId;
      }
      ctx.output(Outcomes.REJECTS, rejection);
      ctx.output(Outcomes.AUDIT, AuditEvent.of(AuditCounter.REJECTED, r.reason().name(), 1, now));
    }
  }
}
