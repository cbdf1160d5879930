package org.cdrflow.anonymisation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.cdrflow.anonymisation.Split.Table;
import org.junit.jupiter.api.Test;

class SplitTest {
  private static final Instant CUTOFF = Instant.parse("2026-05-31T22:00:00Z");

  private static Instant t(String s) {
    return Instant.parse(s);
  }

  @Test
  void nothingPendingGivesNoSplits() {
    assertEquals(List.of(), Split.between(Table.INVOICE_LINE, List.of(), CUTOFF));
  }

  @Test
  void oneBatchIsOneSplitFromTheBeginningOfTimeToTheCutoff() {
    List<Split> splits =
        Split.between(Table.INVOICE_LINE, List.of(t("2026-01-05T10:00:00Z")), CUTOFF);

    assertEquals(List.of(new Split(Table.INVOICE_LINE, 0, null, CUTOFF)), splits);
  }

  @Test
  void splitsAreContiguousAndCoverEverythingBeforeTheCutoff() {
    List<Instant> boundaries =
        List.of(
            t("2026-01-05T10:00:00Z"),
            t("2026-02-01T00:00:00Z"),
            t("2026-03-01T00:00:00Z"),
            t("2026-04-01T00:00:00Z"));

    List<Split> splits = Split.between(Table.REJECTED_CDR, boundaries, CUTOFF);

    assertEquals(4, splits.size());
    assertNull(splits.get(0).from(), "the first split is open below");
    assertEquals(t("2026-02-01T00:00:00Z"), splits.get(0).until());
    for (int i = 1; i < splits.size(); i++) {
      assertEquals(splits.get(i - 1).until(), splits.get(i).from());
      assertEquals(i, splits.get(i).index());
      assertEquals(Table.REJECTED_CDR, splits.get(i).table());
    }
    assertEquals(CUTOFF, splits.get(3).until());
  }

  @Test
  void repeatedBoundariesFromRowsWithTheSameTimeMakeNoEmptySplits() {
    Instant a = t("2026-01-05T10:00:00Z");
    Instant b = t("2026-02-05T10:00:00Z");

    List<Split> splits = Split.between(Table.INVOICE_LINE, List.of(a, a, a, b, b), CUTOFF);

    assertEquals(
        List.of(
            new Split(Table.INVOICE_LINE, 0, null, b), new Split(Table.INVOICE_LINE, 1, b, CUTOFF)),
        splits);
  }

  @Test
  void noSplitReachesPastTheCutoff() {
    List<Split> splits =
        Split.between(
            Table.INVOICE_LINE,
            List.of(t("2026-05-01T00:00:00Z"), CUTOFF, t("2026-07-01T00:00:00Z")),
            CUTOFF);

    assertEquals(List.of(new Split(Table.INVOICE_LINE, 0, null, CUTOFF)), splits);
    assertTrue(Split.between(Table.INVOICE_LINE, List.of(CUTOFF), CUTOFF).isEmpty());
  }

  @Test
  void anEmptyRangeIsNotASplit() {
    assertThrows(
        IllegalArgumentException.class, () -> new Split(Table.INVOICE_LINE, 0, CUTOFF, CUTOFF));
  }

  private static HalfMonth half(String firstDay) {
    return new HalfMonth(LocalDate.parse(firstDay));
  }

  @Test
  void rangesAreCutAroundTheHalfMonthsWrittenAnew() {
    // Oslo is UTC+2 in summer: the half month from 1 April starts at 2026-03-31T22:00Z.
    List<Split> ranges =
        List.of(
            new Split(Table.INVOICE_LINE, 0, null, t("2026-04-10T00:00:00Z")),
            new Split(Table.INVOICE_LINE, 1, t("2026-04-10T00:00:00Z"), CUTOFF));

    List<Split> parts = Split.outside(ranges, List.of(half("2026-04-16"), half("2026-04-01")));

    assertEquals(
        List.of(
            new Split(Table.INVOICE_LINE, 0, null, t("2026-03-31T22:00:00Z")),
            new Split(Table.INVOICE_LINE, 1, t("2026-04-30T22:00:00Z"), CUTOFF)),
        parts);
  }

  @Test
  void aRangeBetweenTwoHalfMonthsOrBesideThemIsKeptWhole() {
    List<Split> ranges =
        List.of(
            new Split(Table.INVOICE_LINE, 0, null, t("2026-01-31T23:00:00Z")),
            new Split(Table.INVOICE_LINE, 1, t("2026-01-31T23:00:00Z"), CUTOFF));

    List<Split> parts = Split.outside(ranges, List.of(half("2026-01-16"), half("2026-03-01")));

    assertEquals(
        List.of(
            new Split(Table.INVOICE_LINE, 0, null, t("2026-01-15T23:00:00Z")),
            new Split(Table.INVOICE_LINE, 1, t("2026-01-31T23:00:00Z"), t("2026-02-28T23:00:00Z")),
            new Split(Table.INVOICE_LINE, 2, t("2026-03-15T23:00:00Z"), CUTOFF)),
        parts);
    assertEquals(ranges, Split.outside(ranges, List.of()));
  }

  @Test
  void aHalfMonthSplitCoversLocalMidnightToLocalMidnight() {
    Split s = Split.of(0, half("2026-03-16"));

    assertEquals(Table.HALF_MONTH, s.table());
    assertEquals(t("2026-03-15T23:00:00Z"), s.from());
    // Summer time began on 29 March: the half month ends at 00:00+02:00.
    assertEquals(t("2026-03-31T22:00:00Z"), s.until());
    assertEquals(half("2026-03-16"), s.halfMonth());
    assertEquals(LocalDate.parse("2026-03-16"), s.firstDay());
    assertEquals(LocalDate.parse("2026-03-31"), s.lastDay());
  }

  @Test
  void theDaysOfARangeAreTheLocalDatesOfItsFirstAndLastInstant() {
    Split open = new Split(Table.INVOICE_LINE, 0, null, t("2026-03-31T22:00:00Z"));
    Split evening =
        new Split(Table.INVOICE_LINE, 1, t("2026-04-10T21:59:00Z"), t("2026-04-10T22:00:01Z"));

    assertEquals(LocalDate.of(1, 1, 1), open.firstDay());
    assertEquals(LocalDate.parse("2026-03-31"), open.lastDay());
    assertEquals(LocalDate.parse("2026-04-10"), evening.firstDay());
    assertEquals(LocalDate.parse("2026-04-11"), evening.lastDay());
    assertThrows(IllegalStateException.class, open::halfMonth);
  }
}
