package org.cdrflow.connectors.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading a large subscriber base must be fast (target: a million subscriptions well under a
 * minute). The default size keeps the build quick; {@code -Dcdrflow.loadRows=1000000} runs the
 * full-size check.
 */
class ReferenceDataLoadPerformanceTest {

  @TempDir Path dir;

  @Test
  void manySubscriptionsLoadQuicklyAndReloadAsUpserts() throws Exception {
    int rows = Integer.getInteger("cdrflow.loadRows", 200_000);
    TestDatabase db = TestDatabase.migrated();
    Files.writeString(
        dir.resolve("price_plan.csv"), "plan_id,data_overage\nMINI,THROTTLE\nSMART,CHARGE\n");
    try (BufferedWriter w =
        Files.newBufferedWriter(dir.resolve("subscription.csv"), StandardCharsets.UTF_8)) {
      w.write("subscription_id,account_id,msisdn,imsi,plan_id,valid_from,valid_to\n");
      for (int i = 0; i < rows; i++) {
        // Numbers in the +474 / +479 mobile ranges, one subscription each.
        String msisdn = (i % 2 == 0 ? "+474" : "+479") + String.format("%07d", i);
        w.write("SUB-" + i + ",ACC-" + i / 2 + "," + msisdn + ",24277" + String.format("%010d", i));
        w.write(i % 3 == 0 ? ",SMART," : ",MINI,");
        w.write("2025-0" + (1 + i % 9) + "-01T00:00:00+01:00,");
        w.write(i % 10 == 0 ? "2026-06-01T00:00:00+02:00\n" : "\n");
      }
    }
    ReferenceDataLoader loader = db.loader();

    long started = System.nanoTime();
    ReferenceLoadSummary first = loader.load(dir);
    Duration initial = Duration.ofNanos(System.nanoTime() - started);

    started = System.nanoTime();
    loader.load(dir);
    Duration reload = Duration.ofNanos(System.nanoTime() - started);

    System.out.printf(
        "Loaded %,d subscriptions in %d ms, reloaded (all updates) in %d ms%n",
        rows, initial.toMillis(), reload.toMillis());
    assertEquals(rows, first.rows("subscription"));
    assertEquals(rows, db.count("subscription"));
    // A minute for a million rows, scaled, with room for a slow CI machine.
    Duration budget = Duration.ofMillis(Math.max(20_000, 60_000L * rows / 1_000_000));
    assertTrue(initial.compareTo(budget) < 0, "initial load took " + initial);
    assertTrue(reload.compareTo(budget) < 0, "reload took " + reload);
  }
}
