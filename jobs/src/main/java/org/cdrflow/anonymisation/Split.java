package org.cdrflow.anonymisation;

import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One unit of work of the anonymisation job: the rows of one table whose age (event start of an
 * invoice line; event time, else first seen, of a reject) lies in {@code [from, until)}. Splits are
 * planned so that each holds at most a batch of pending rows, and each is done in one transaction.
 *
 * @param table what the split covers
 * @param index position in the plan (0-based, per table), for progress and logs
 * @param from inclusive lower bound; null for no lower bound (the first split)
 * @param until exclusive upper bound; the last split ends at the cutoff
 */
public record Split(Table table, int index, Instant from, Instant until) implements Serializable {

  /** The tables a split can cover. */
  public enum Table {
    INVOICE_LINE,
    REJECTED_CDR
  }

  public Split {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(until, "until");
    if (from != null && !from.isBefore(until)) {
      throw new IllegalArgumentException("empty split [" + from + ", " + until + ")");
    }
  }

  /**
   * The splits between planned boundaries: {@code boundaries} are the ages of every batch-th
   * pending row in ascending order (the first is the oldest pending row). The first split is open
   * below, so a row older than anything seen while planning is still covered; the last ends at the
   * cutoff. Repeated boundaries (many rows with the same time) and boundaries at or after the
   * cutoff are dropped. No boundaries (nothing pending) gives no splits.
   */
  public static List<Split> between(Table table, List<Instant> boundaries, Instant cutoff) {
    Objects.requireNonNull(cutoff, "cutoff");
    List<Split> splits = new ArrayList<>();
    if (boundaries.isEmpty() || !boundaries.get(0).isBefore(cutoff)) {
      return splits;
    }
    Instant from = null;
    for (int i = 1; i < boundaries.size(); i++) {
      Instant b = boundaries.get(i);
      if (!b.isBefore(cutoff)) {
        break;
      }
      if (from != null && !b.isAfter(from)) {
        continue;
      }
      if (from == null && !b.isAfter(boundaries.get(0))) {
        continue;
      }
      splits.add(new Split(table, splits.size(), from, b));
      from = b;
    }
    splits.add(new Split(table, splits.size(), from, cutoff));
    return splits;
  }
}
