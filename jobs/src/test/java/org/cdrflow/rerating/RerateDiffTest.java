package org.cdrflow.rerating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settlement part of a diff (docs/rerating.md, "Settlement"): per partner and day. */
class RerateDiffTest {

  private static final RerateDiff.Diff DIFF =
      new RerateDiff.Diff(
          new RerateRun.Summary(
              "run-1", 7, 3, 0, 0, new BigDecimal("1.00"), new BigDecimal("1.00")),
          List.of(),
          List.of(),
          List.of(
              new RerateDiff.SettlementDay(
                  "PTN-ICX",
                  "OUT",
                  "VOICE_INTL",
                  "NOK",
                  "2026-09-17",
                  1,
                  new BigDecimal("1.416667"),
                  new BigDecimal("1.500000"),
                  1),
              new RerateDiff.SettlementDay(
                  "PTN-TRN",
                  "OUT",
                  "VOICE_INTL",
                  "NOK>EUR",
                  "2026-09-18",
                  2,
                  new BigDecimal("10.000000"),
                  new BigDecimal("1.000000"),
                  0)));

  @Test
  void printsEachPartnersDayWithItsOldAndNewAmounts() {
    String text = RerateDiff.toText(DIFF);

    assertTrue(text.contains("Settlement"), text);
    assertTrue(
        text.lines()
            .anyMatch(
                l ->
                    l.matches(
                        "PTN-ICX +2026-09-17 +OUT +VOICE_INTL +NOK +1 +1\\.416667 +1\\.500000"
                            + " +0\\.083333 \\[1 UPDATED\\]")),
        text);
    assertTrue(
        text.lines()
            .anyMatch(
                l ->
                    l.matches(
                        "PTN-TRN +2026-09-18 +OUT +VOICE_INTL +NOK>EUR +2 +10\\.000000"
                            + " +1\\.000000 +-")),
        text);
  }

  @Test
  void aCurrencyChangeHasNoDelta() {
    assertEquals(new BigDecimal("0.083333"), DIFF.settlement().get(0).delta());
    assertNull(DIFF.settlement().get(1).delta(), "amounts of two currencies are not subtracted");
  }

  @Test
  void exportsSettlementCsv(@TempDir Path dir) throws Exception {
    RerateDiff.export(DIFF, dir);

    assertEquals(
        List.of(
            "partner_id,day,direction,product,currency,rows_changed,amount_before,amount_after,"
                + "delta,rows_updated",
            "PTN-ICX,2026-09-17,OUT,VOICE_INTL,NOK,1,1.416667,1.500000,0.083333,1",
            "PTN-TRN,2026-09-18,OUT,VOICE_INTL,NOK>EUR,2,10.000000,1.000000,,0"),
        Files.readAllLines(dir.resolve("settlement.csv")));
  }
}
