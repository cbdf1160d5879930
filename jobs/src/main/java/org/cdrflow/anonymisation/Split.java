package org.cdrflow.anonymisation;

import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One unit of work of the anonymisation job: the rows of one table whose age (event start of an
 * invoice line; event time, else first seen, of a reject) lies in {@code [from, until)}. Splits are
 * planned so that each holds at most a batch of pending rows, and each is done in one transaction.
 * A {@link Table#HALF_MONTH} split is a whole half-month partition of lines and settlement rows,
 * written anew in one transaction ({@link HalfMonth}).
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
    REJECTED_CDR,
    HALF_MONTH
  }

  /** Event dates before any real one: the lower day bound of a split open below. */
  private static final LocalDate FIRST_DAY = LocalDate.of(1, 1, 1);

  public Split {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(until, "until");
    if (from != null && !from.isBefore(until)) {
      throw new IllegalArgumentException("empty split [" + from + ", " + until + ")");
    }
  }

  /** The half month as a split of its own. */
  public static Split of(int index, HalfMonth half) {
    return new Split(Table.HALF_MONTH, index, half.from(), half.until());
  }

  /** The half month of a {@link Table#HALF_MONTH} split. */
  public HalfMonth halfMonth() {
    if (table != Table.HALF_MONTH) {
      throw new IllegalStateException("not a half-month split: " + this);
    }
    return new HalfMonth(LocalDate.ofInstant(from, AnonymisationCutoff.OSLO));
  }

  /** A half-month split as a range of invoice lines, for the row-by-row statements. */
  public Split asRange() {
    return new Split(Table.INVOICE_LINE, index, from, until);
  }

  /** The first event date (local) the split can hold. */
  public LocalDate firstDay() {
    return from == null ? FIRST_DAY : LocalDate.ofInstant(from, AnonymisationCutoff.OSLO);
  }

  /** The last event date (local) the split can hold: that of the last microsecond before until. */
  public LocalDate lastDay() {
    return LocalDate.ofInstant(until.minus(1, ChronoUnit.MICROS), AnonymisationCutoff.OSLO);
  }

  /**
   * The parts of {@code ranges} outside every one of {@code halves}: a range overlapping a half
   * month is cut at its bounds, and what lies inside is left to the half month's own split. The
   * parts are numbered anew in order.
   */
  public static List<Split> outside(List<Split> ranges, List<HalfMonth> halves) {
    List<HalfMonth> sorted = new ArrayList<>(halves);
    sorted.sort(Comparator.comparing(HalfMonth::firstDay));
    List<Split> out = new ArrayList<>();
    for (Split r : ranges) {
      Instant from = r.from();
      for (HalfMonth h : sorted) {
        if (!h.until().isAfter(from == null ? Instant.MIN : from)) {
          continue;
        }
        if (!h.from().isBefore(r.until())) {
          break;
        }
        if (from == null || from.isBefore(h.from())) {
          out.add(new Split(r.table(), out.size(), from, h.from()));
        }
        from = h.until();
      }
      if (from == null || from.isBefore(r.until())) {
        out.add(new Split(r.table(), out.size(), from, r.until()));
      }
    }
    return out;
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
