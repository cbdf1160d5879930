package org.cdrflow.rerating;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.YearMonth;
import org.junit.jupiter.api.Test;

class RerateRunTest {

  @Test
  void oneRangePerTask() {
    assertThat(RerateRun.ranges(3)).containsExactly(0, 1, 2);
    assertThat(RerateRun.ranges(1)).containsExactly(0);
  }

  @Test
  void aRangeSelectsThePeriodsRateableLinesOfItsSubscriptions() {
    ShadowStore.Range range = new ShadowStore.Range(YearMonth.of(2026, 9), 1, 2, null, null);
    assertThat(range.lines("l"))
        .isEqualTo(
            "l.usage_period = '2026-09' AND l.event_date >= '2026-09-01'"
                + " AND l.event_date < '2026-10-01' AND l.anonymised_at IS NULL"
                + " AND l.corrects_line_id IS NULL AND l.subscription_id IS NOT NULL"
                + " AND (hashtext(l.subscription_id) & 2147483647) % 2 = 1");
  }

  @Test
  void aSelectedAccountOrSubscriptionIsQuoted() {
    assertThat(new ShadowStore.Range(YearMonth.of(2026, 9), 0, 1, "O'Hara", null).lines("x"))
        .endsWith(" AND x.account_id = 'O''Hara'");
    assertThat(new ShadowStore.Range(YearMonth.of(2026, 9), 0, 1, null, "S'1").lines("x"))
        .endsWith(" AND x.subscription_id = 'S''1'");
  }
}
