package org.cdrflow.pipeline;

import java.util.HashMap;
import java.util.Map;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Sums audit events in memory before they cross the network to the per-hour audit stage, so that
 * auditing costs a few records per second instead of one per CDR. Exactly once without state: the
 * sums are flushed before every checkpoint barrier and at the end of input, so what a checkpoint
 * covers has always been sent downstream, and what it does not is recounted on replay.
 */
public class AuditCombiner extends AbstractStreamOperator<AuditEvent>
    implements OneInputStreamOperator<AuditEvent, AuditEvent> {
  private static final long serialVersionUID = 1L;
  private static final int FLUSH_AFTER = 50_000;
  private static final long FLUSH_EVERY_MS = 1_000;

  private transient Map<Key, AuditEvent> sums;
  private transient int buffered;

  private record Key(long hour, AuditCounter counter, String reason) {}

  @Override
  public void open() throws Exception {
    super.open();
    sums = new HashMap<>();
    scheduleFlush();
  }

  private void scheduleFlush() {
    long at = getProcessingTimeService().getCurrentProcessingTime() + FLUSH_EVERY_MS;
    getProcessingTimeService()
        .registerTimer(
            at,
            t -> {
              flush();
              scheduleFlush();
            });
  }

  @Override
  public void processElement(StreamRecord<AuditEvent> element) {
    AuditEvent e = element.getValue();
    Key k = new Key(e.hour, e.counter, e.reason);
    AuditEvent sum = sums.get(k);
    if (sum == null) {
      sum = AuditEvent.of(e.counter, e.reason, 0, e.hour);
      sums.put(k, sum);
    }
    sum.count += e.count;
    if (++buffered >= FLUSH_AFTER) {
      flush();
    }
  }

  /**
   * Sums go out ahead of every watermark: downstream writes an hour's final row when the end of
   * input's watermark arrives, and must have every count by then.
   */
  @Override
  public void processWatermark(Watermark mark) throws Exception {
    flush();
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    flush();
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }

  private void flush() {
    for (AuditEvent e : sums.values()) {
      if (e.count != 0) {
        output.collect(new StreamRecord<>(e));
      }
    }
    sums.clear();
    buffered = 0;
  }
}
