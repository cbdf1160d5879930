package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The audit equation as the job's metric {@code auditUnaccounted} (docs/operations.md). */
class AuditBalanceTest {
  private static AuditEvent event(AuditCounter counter, long count) {
    return AuditEvent.of(counter, counter == AuditCounter.REJECTED ? "NO_RATE" : null, count, 0);
  }

  private static OneInputStreamOperatorTestHarness<AuditEvent, Void> harness(AuditBalance balance)
      throws Exception {
    return new OneInputStreamOperatorTestHarness<>(balance);
  }

  @Test
  void everyRecordAccountedForOrHeldBalancesToZeroAtTheCheckpoint() throws Exception {
    AuditBalance balance = new AuditBalance();
    try (var h = harness(balance)) {
      h.open();
      for (AuditEvent e :
          new AuditEvent[] {
            event(AuditCounter.RECEIVED, 12),
            event(AuditCounter.REJECTED, 1),
            event(AuditCounter.DUPLICATES, 1),
            event(AuditCounter.UNANSWERED, 1),
            event(AuditCounter.PENDING_PARTIALS, 3),
            event(AuditCounter.HELD_FOR_WATERMARK, 6),
            // Two partials joined and rated, three held calls released and rated.
            event(AuditCounter.PENDING_PARTIALS, -2),
            event(AuditCounter.PARTIALS_JOINED, 2),
            event(AuditCounter.RATED, 2),
            event(AuditCounter.HELD_FOR_WATERMARK, -3),
            event(AuditCounter.RATED, 3),
            event(AuditCounter.LINES_WRITTEN, 4),
          }) {
        h.processElement(e, 0);
      }
      // Received 12 = rejected 1 + duplicate 1 + unanswered 1 + rated 5 + pending 1 + held 3.
      assertEquals(0, balance.unaccounted());
      h.snapshot(1, 1);
      assertEquals(0, balance.reportedUnaccounted());
    }
  }

  @Test
  void aLostRecordShowsFromTheNextCheckpointOnAndSurvivesARestore() throws Exception {
    AuditBalance balance = new AuditBalance();
    OperatorSubtaskState state;
    try (var h = harness(balance)) {
      h.open();
      h.processElement(event(AuditCounter.RECEIVED, 5), 0);
      h.processElement(event(AuditCounter.RATED, 4), 0);
      assertEquals(0, balance.reportedUnaccounted(), "between checkpoints: counts still travel");
      state = h.snapshot(1, 1);
      assertEquals(1, balance.reportedUnaccounted());
    }
    AuditBalance restored = new AuditBalance();
    try (var h = harness(restored)) {
      h.initializeState(state);
      h.open();
      assertEquals(1, restored.reportedUnaccounted(), "the checkpoint's balance, not 0");
      h.processElement(event(AuditCounter.RECEIVED, 2), 0);
      h.processElement(event(AuditCounter.REJECTED, 2), 0);
      h.snapshot(2, 2);
      assertEquals(1, restored.reportedUnaccounted());
    }
  }
}
