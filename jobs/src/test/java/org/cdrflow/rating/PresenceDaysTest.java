package org.cdrflow.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.TreeSet;
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

  /**
   * Random sequences of days (forward, backward, small and large jumps) against a model that keeps
   * the days themselves: the bitset must say the same for every day around the range.
   */
  @Test
  void agreesWithADayByDayModel() {
    Random random = new Random(7);
    for (int run = 0; run < 300; run++) {
      PresenceDays p = new PresenceDays();
      TreeSet<Integer> kept = new TreeSet<>();
      int first = 0;
      boolean forgotten = false;
      int day = DAY;
      for (int step = 0; step < 40; step++) {
        int jump = random.nextInt(4);
        day +=
            jump == 0
                ? random.nextInt(3)
                : jump == 1
                    ? random.nextInt(70)
                    : jump == 2 ? -random.nextInt(120) : 200 + random.nextInt(150);
        p.record(day);
        if (kept.isEmpty() && step == 0) {
          first = day - (PresenceDays.DAYS - 1);
        }
        if (day > first + PresenceDays.DAYS - 1) {
          first = day - (PresenceDays.DAYS - 1);
          while (!kept.isEmpty() && kept.first() < first) {
            kept.pollFirst();
            forgotten = true;
          }
        }
        if (day >= first) {
          kept.add(day);
        }
        assertEquals(forgotten, p.forgotten, "run " + run + " step " + step);
        for (int d = first - 3; d < first + PresenceDays.DAYS + 3; d++) {
          boolean expected =
              d < first ? forgotten : d < first + PresenceDays.DAYS && kept.contains(d);
          assertEquals(expected, p.isPresent(d), "run " + run + " step " + step + " day " + d);
        }
      }
    }
  }
}
