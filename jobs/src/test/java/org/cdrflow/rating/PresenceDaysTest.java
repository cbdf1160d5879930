package org.cdrflow.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PresenceDaysTest {
  private static final int DAY = 20_522; // 2026-03-10

  @Test
  void emptyHasNoDays() {
    PresenceDays p = new PresenceDays();
    assertFalse(p.isPresent(DAY));
    assertEquals(0, p.countPresent(DAY - 90, DAY - 1));
  }

  @Test
  void recordsIdempotentlyAndOutOfOrder() {
    PresenceDays p = new PresenceDays();
    p.record(DAY);
    p.record(DAY);
    p.record(DAY - 5); // arrives after a newer day
    p.record(DAY + 3);
    p.record(DAY - 40);
    assertTrue(p.isPresent(DAY));
    assertTrue(p.isPresent(DAY - 5));
    assertTrue(p.isPresent(DAY + 3));
    assertTrue(p.isPresent(DAY - 40));
    assertFalse(p.isPresent(DAY - 1));
    assertEquals(4, p.countPresent(DAY - 90, DAY + 3));
    assertEquals(2, p.countPresent(DAY - 40, DAY - 1));
  }

  @Test
  void keepsTheLast256DaysAndCountsForgottenDaysAsPresent() {
    PresenceDays p = new PresenceDays();
    p.record(DAY);
    p.record(DAY + 255); // DAY is still the first kept day
    assertTrue(p.isPresent(DAY));
    assertFalse(p.isPresent(DAY - 1), "nothing was forgotten: days before are absent");
    p.record(DAY + 300); // slides past DAY
    assertTrue(p.isPresent(DAY + 255));
    assertTrue(p.isPresent(DAY + 300));
    assertFalse(p.isPresent(DAY + 299));
    assertTrue(p.forgotten);
    assertTrue(p.isPresent(DAY), "forgotten days cannot be told: counted as present");
    assertEquals(DAY + 300 - 255, p.firstDay);
  }

  @Test
  void slidingPastEmptyDaysForgetsNothing() {
    PresenceDays p = new PresenceDays();
    p.record(DAY);
    p.record(DAY + 10);
    p.record(DAY + 200); // the range is now [DAY-55, DAY+200]: nothing dropped
    assertFalse(p.forgotten);
    assertTrue(p.isPresent(DAY));
    p.record(DAY - 100); // older than the range: not kept
    assertFalse(p.isPresent(DAY - 100));
  }
}
