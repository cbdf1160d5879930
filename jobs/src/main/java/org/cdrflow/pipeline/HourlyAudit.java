package org.cdrflow.pipeline;

import java.util.Arrays;

/** One row of {@code mediation_audit}: the counters of one processing hour, absolute values. */
public class HourlyAudit {
  public long hour;
  public long received;
  public long rejected;
  public String[] rejectReasons = new String[0];
  public long[] rejectCounts = new long[0];
  public long duplicates;
  public long partialsJoined;
  public long unanswered;
  public long rated;
  public long linesWritten;
  public long settlementRowsWritten;
  public long pendingPartials;
  public long reprocessed;

  /**
   * The state lineage of the writer (docs/reliability.md, "A start without state"); set on the rows
   * written, not kept per hour in state.
   */
  public String lineageId;

  public HourlyAudit() {}

  public void add(AuditEvent e) {
    switch (e.counter) {
      case RECEIVED -> received += e.count;
      case REJECTED -> {
        rejected += e.count;
        addReason(e.reason == null ? "UNKNOWN" : e.reason, e.count);
      }
      case DUPLICATES -> duplicates += e.count;
      case PARTIALS_JOINED -> partialsJoined += e.count;
      case UNANSWERED -> unanswered += e.count;
      case RATED -> rated += e.count;
      case LINES_WRITTEN -> linesWritten += e.count;
      case SETTLEMENT_ROWS_WRITTEN -> settlementRowsWritten += e.count;
      case PENDING_PARTIALS -> pendingPartials += e.count;
      case REPROCESSED -> reprocessed += e.count;
    }
  }

  private void addReason(String reason, long count) {
    for (int i = 0; i < rejectReasons.length; i++) {
      if (rejectReasons[i].equals(reason)) {
        rejectCounts[i] += count;
        return;
      }
    }
    rejectReasons = Arrays.copyOf(rejectReasons, rejectReasons.length + 1);
    rejectCounts = Arrays.copyOf(rejectCounts, rejectCounts.length + 1);
    rejectReasons[rejectReasons.length - 1] = reason;
    rejectCounts[rejectCounts.length - 1] = count;
  }

  /** The reject counts by reason as a JSON object, reasons in sorted order. */
  public String rejectedByReasonJson() {
    Integer[] order = new Integer[rejectReasons.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> rejectReasons[a].compareTo(rejectReasons[b]));
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < order.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append('"').append(rejectReasons[order[i]]).append("\": ").append(rejectCounts[order[i]]);
    }
    return sb.append('}').toString();
  }

  public HourlyAudit copy() {
    HourlyAudit c = new HourlyAudit();
    c.hour = hour;
    c.received = received;
    c.rejected = rejected;
    c.rejectReasons = rejectReasons.clone();
    c.rejectCounts = rejectCounts.clone();
    c.duplicates = duplicates;
    c.partialsJoined = partialsJoined;
    c.unanswered = unanswered;
    c.rated = rated;
    c.linesWritten = linesWritten;
    c.settlementRowsWritten = settlementRowsWritten;
    c.pendingPartials = pendingPartials;
    c.reprocessed = reprocessed;
    return c;
  }
}
