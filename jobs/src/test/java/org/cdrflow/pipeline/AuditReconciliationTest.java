package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.cdrflow.pipeline.AuditReconciliation.Totals;
import org.junit.jupiter.api.Test;

/** The audit's checks against the world, as tables of cases. */
class AuditReconciliationTest {
  /** received 100 = rated 80 + rejected 10 + duplicates 6 + unanswered 3 + pending 1. */
  private static Totals balanced() {
    return new Totals(100, 80, 10, 6, 3, 1, 70, 100, 9, 70);
  }

  private static Totals with(
      long received, long rejected, long lines, long raw, long rejectRows, long lineRows) {
    return new Totals(received, 80, rejected, 6, 3, 1, lines, raw, rejectRows, lineRows);
  }

  @Test
  void afterADrain() {
    record Case(String what, Totals t, List<String> expected) {}
    for (Case c :
        List.of(
            new Case("balanced", balanced(), List.of()),
            new Case(
                "a state that lost its counts (issue 15: the audit overwritten)",
                with(60, 10, 70, 100, 9, 70),
                List.of(
                    "the audit equation leaves -40 received records unaccounted for",
                    "the audit counts 60 records received, the raw topic holds 100")),
            new Case(
                "a line deleted behind the audit's back",
                with(100, 10, 70, 100, 9, 69),
                List.of("the audit counts 70 invoice lines written, invoice_line holds 69")),
            new Case(
                "more reject rows than rejects counted",
                with(100, 10, 70, 100, 12, 70),
                List.of("the audit counts 10 rejected records, rejected_cdr holds 12 rows")),
            new Case(
                "a record rejected twice keeps one row",
                with(100, 10, 70, 100, 5, 70),
                List.of()))) {
      assertEquals(c.expected(), AuditReconciliation.afterDrain(c.t()), c.what());
    }
  }

  @Test
  void whileRunningWhatIsInFlightIsNoMismatch() {
    record Case(String what, Totals t, int mismatches) {}
    for (Case c :
        List.of(
            new Case("balanced", balanced(), 0),
            new Case(
                "received ahead of the committed offsets, lines ahead of old rows",
                new Totals(150, 80, 10, 6, 3, 1, 90, 100, 9, 70),
                0),
            new Case(
                "received behind the committed offsets",
                new Totals(60, 40, 10, 6, 3, 1, 40, 100, 9, 40),
                1),
            new Case(
                "old rows the audit never counted",
                new Totals(100, 80, 10, 6, 3, 1, 70, 100, 15, 75),
                2))) {
      assertEquals(c.mismatches(), AuditReconciliation.whileRunning(c.t()).size(), c.what());
    }
  }
}
