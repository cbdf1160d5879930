package org.cdrflow.pipeline;

import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Chained behind the rater, in front of the period readiness step (docs/interfaces.md, "Period
 * readiness"): drops the rated lines and forwards their watermarks, and at the end of input (the
 * drain of a stop) first sends the latest event time it rated, so that the readiness step learns
 * how far event time got even when no event-time watermark reached it before the drain (a source
 * subtask without a partition holds the job's watermark back until the drain). Nothing is kept in
 * state: after a restore the lines rated again or anew give the time again.
 */
public class LastRatedEventTime<T> extends AbstractStreamOperator<Long>
    implements OneInputStreamOperator<T, Long> {
  private static final long serialVersionUID = 1L;

  private transient long latest = Long.MIN_VALUE;

  @Override
  public void processElement(StreamRecord<T> element) {
    if (element.hasTimestamp() && element.getTimestamp() > latest) {
      latest = element.getTimestamp();
    }
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    if (mark.getTimestamp() == Long.MAX_VALUE && latest != Long.MIN_VALUE) {
      output.collect(new StreamRecord<>(latest, latest));
    }
    super.processWatermark(mark);
  }
}
