package org.cdrflow.anonymisation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetentionRuleTest {
  /** As of any day of December 2026: 2026-07-01T00:00+02:00. */
  private static final Instant CUTOFF = AnonymisationCutoff.cutoff(LocalDate.of(2026, 12, 1));

  private static final Instant OLD = CUTOFF.minus(Duration.ofDays(40));

  @ParameterizedTest(name = "[{index}] invoice {0} -> {1}")
  @CsvSource(
      nullValues = "none",
      textBlock =
          """
          PAID,     ANONYMISE
          CREDITED, ANONYMISE
          OPEN,     RETAIN_UNPAID
          OVERDUE,  RETAIN_UNPAID
          DISPUTED, RETAIN_DISPUTED
          none,     RETAIN_NO_INVOICE
          WRITTEN_OFF, RETAIN_UNPAID
          """)
  void anOldLineIsAnonymisedOnlyWhenItsInvoiceIsSettled(String status, LineFate fate) {
    assertEquals(fate, RetentionRule.fateOf(OLD, null, status, CUTOFF));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource({"PAID", "CREDITED", "OPEN", "OVERDUE", "DISPUTED"})
  void aLineAfterTheCutoffIsNotDueWhateverItsInvoice(String status) {
    assertEquals(
        LineFate.NOT_DUE, RetentionRule.fateOf(CUTOFF.plusSeconds(3600), null, status, CUTOFF));
    assertEquals(LineFate.NOT_DUE, RetentionRule.fateOf(CUTOFF, null, status, CUTOFF));
  }

  @Test
  void theLastMillisecondBeforeLocalMidnightQualifiesAndMidnightItselfDoesNot() {
    // 2026-06-30T23:59:59.999+02:00 and 2026-07-01T00:00:00+02:00
    Instant justBefore = OffsetDateTime.parse("2026-06-30T23:59:59.999+02:00").toInstant();
    Instant midnight = OffsetDateTime.parse("2026-07-01T00:00:00+02:00").toInstant();
    assertEquals(midnight, CUTOFF);

    assertEquals(LineFate.ANONYMISE, RetentionRule.fateOf(justBefore, null, "PAID", CUTOFF));
    assertEquals(LineFate.NOT_DUE, RetentionRule.fateOf(midnight, null, "PAID", CUTOFF));
    // 23:30 on 30 June in UTC+1 is 00:30 in Oslo summer time: after the cutoff.
    Instant utcPlusOne = OffsetDateTime.parse("2026-06-30T23:30:00+01:00").toInstant();
    assertEquals(LineFate.NOT_DUE, RetentionRule.fateOf(utcPlusOne, null, "PAID", CUTOFF));
  }

  @Test
  void winterCutoffIsLocalMidnightAtUtcPlusOne() {
    Instant cutoff =
        AnonymisationCutoff.cutoff(LocalDate.of(2027, 4, 15)); // 2026-11-01T00:00+01:00
    Instant justBefore = OffsetDateTime.parse("2026-10-31T22:59:59.999Z").toInstant();
    assertEquals(LineFate.ANONYMISE, RetentionRule.fateOf(justBefore, null, "PAID", cutoff));
    assertEquals(
        LineFate.NOT_DUE, RetentionRule.fateOf(justBefore.plusMillis(1), null, "PAID", cutoff));
  }

  @Test
  void anAnonymisedLineIsNeverTakenAgain() {
    Instant earlier = CUTOFF.minus(Duration.ofDays(30));
    assertEquals(LineFate.ALREADY_ANONYMISED, RetentionRule.fateOf(null, earlier, "PAID", CUTOFF));
    assertEquals(LineFate.ALREADY_ANONYMISED, RetentionRule.fateOf(null, earlier, "OPEN", CUTOFF));
  }

  @Test
  void theSqlStatusSetsAreExactlyTheStatusesOfEachFate() {
    assertArrayEquals(
        new String[] {"PAID", "CREDITED"}, InvoiceStatus.withFate(LineFate.ANONYMISE));
    assertArrayEquals(
        new String[] {"OPEN", "OVERDUE"}, InvoiceStatus.withFate(LineFate.RETAIN_UNPAID));
    assertArrayEquals(new String[] {"DISPUTED"}, InvoiceStatus.withFate(LineFate.RETAIN_DISPUTED));
    // Every known status is either anonymised or kept and counted under a reason.
    for (InvoiceStatus s : InvoiceStatus.values()) {
      assertTrue(
          Arrays.asList(LineFate.ANONYMISE, LineFate.RETAIN_UNPAID, LineFate.RETAIN_DISPUTED)
              .contains(s.oldLineFate()),
          s::name);
      assertEquals(s.oldLineFate(), RetentionRule.fateOfDueLine(s.name()));
    }
  }

  @Test
  void aRejectLosesItsPayloadWhenItsEventIsOlderThanTheCutoff() {
    Instant before = CUTOFF.minusMillis(1);
    Instant after = CUTOFF.plusSeconds(60);

    assertTrue(RetentionRule.purgesPayload(before, after, true, CUTOFF));
    assertFalse(RetentionRule.purgesPayload(CUTOFF, before, true, CUTOFF));
    // The event time decides even when the record was rejected long after the event ...
    assertTrue(RetentionRule.purgesPayload(before, CUTOFF.plus(Duration.ofDays(90)), true, CUTOFF));
    // ... and when it was rejected before the cutoff but its event lies after it.
    assertFalse(RetentionRule.purgesPayload(after, before, true, CUTOFF));
    // Without a readable event time, when it was first seen decides.
    assertTrue(RetentionRule.purgesPayload(null, before, true, CUTOFF));
    assertFalse(RetentionRule.purgesPayload(null, CUTOFF, true, CUTOFF));
    // Nothing to purge twice.
    assertFalse(RetentionRule.purgesPayload(before, before, false, CUTOFF));
  }
}
