package org.cdrflow.reconciliation;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The printed summary of a run and the CSV of every call for the dispute. */
public final class ReconciliationReport {
  public static final String DISPUTE_HEADER =
      "level,class,direction,product,their_product,day,settlement_id,their_call_id,their_line,"
          + "our_start,their_start,our_seconds,their_seconds,our_events,their_events,our_amount,"
          + "their_amount,amount_difference,differences";

  private ReconciliationReport() {}

  /** Counts per class and product (calls), per class (statement rows), and the money. */
  public static String summary(String partner, String month, Reconciliation.Result r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("Reconciliation %s %s (run %s)%n", partner, month, r.runId()));
    sb.append(
        String.format(
            "%-20s %10s %10s %10s %10s%n",
            "statement rows", "MATCHED", "DIFFERENT", "OURS_ONLY", "THEIRS_ONLY"));
    sb.append(row("all days", r.dayCounts()));
    if (!r.callsByProduct().isEmpty() || r.theirCalls() > 0 || r.ourCalls() > 0) {
      sb.append(
          String.format(
              "%-20s %10s %10s %10s %10s%n",
              "calls by product", "MATCHED", "DIFFERENT", "OURS_ONLY", "THEIRS_ONLY"));
      for (Map.Entry<String, Map<ReconciliationClass, Long>> e : r.callsByProduct().entrySet()) {
        sb.append(row(e.getKey(), e.getValue()));
      }
      sb.append(row("all calls", r.callCounts()));
      sb.append(
          String.format(
              "calls: ours %,d (%s), theirs %,d (%s)%n",
              r.ourCalls(), r.ourCallsAmount(), r.theirCalls(), r.theirCallsAmount()));
    }
    sb.append(
        String.format(
            "month total %s: ours %s, theirs %s, difference (theirs - ours) %s%n",
            r.currency() == null ? "" : r.currency(),
            r.ourTotal().toPlainString(),
            r.theirTotal().toPlainString(),
            r.difference().toPlainString()));
    return sb.toString();
  }

  private static String row(String label, Map<ReconciliationClass, Long> c) {
    return String.format(
        "%-20s %,10d %,10d %,10d %,10d%n",
        label,
        c.get(ReconciliationClass.MATCHED),
        c.get(ReconciliationClass.MATCHED_WITH_DIFFERENCE),
        c.get(ReconciliationClass.OURS_ONLY),
        c.get(ReconciliationClass.THEIRS_ONLY));
  }

  /**
   * Every call that is not MATCHED (and, without a per-call file, every statement row that is not),
   * ordered by day, class and start.
   */
  public static void writeDisputeCsv(Path file, Reconciliation.Result r) throws IOException {
    boolean calls = r.ourCalls() > 0 || r.theirCalls() > 0;
    List<ReconciliationItem> items =
        r.items().stream()
            .filter(i -> i.reconciliationClass() != ReconciliationClass.MATCHED)
            .filter(i -> !calls || ReconciliationItem.CALL.equals(i.level()))
            .sorted(
                Comparator.comparing(ReconciliationItem::day)
                    .thenComparing(ReconciliationItem::level)
                    .thenComparing(ReconciliationItem::reconciliationClass)
                    .thenComparing(ReconciliationItem::itemId))
            .toList();
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(DISPUTE_HEADER);
      w.write('\n');
      for (ReconciliationItem i : items) {
        w.write(
            String.join(
                ",",
                i.level(),
                i.reconciliationClass().name(),
                s(i.direction()),
                s(i.product()),
                s(i.theirProduct()),
                s(i.day()),
                s(i.settlementId()),
                quoted(i.theirCallId()),
                s(i.theirLine()),
                s(i.ourStart()),
                s(i.theirStart()),
                s(i.ourSeconds()),
                s(i.theirSeconds()),
                s(i.ourEvents()),
                s(i.theirEvents()),
                s(i.ourAmount() == null ? null : i.ourAmount().toPlainString()),
                s(i.theirAmount() == null ? null : i.theirAmount().toPlainString()),
                s(i.amountDifference() == null ? null : i.amountDifference().toPlainString()),
                i.differences().stream().map(Object::toString).collect(Collectors.joining("|"))));
        w.write('\n');
      }
    }
  }

  private static String s(Object v) {
    return v == null ? "" : v.toString();
  }

  private static String quoted(String v) {
    if (v == null) {
      return "";
    }
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0) {
      return v;
    }
    return '"' + v.replace("\"", "\"\"") + '"';
  }
}
