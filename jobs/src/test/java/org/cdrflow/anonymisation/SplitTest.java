package org.cdrflow.anonymisation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
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
}
