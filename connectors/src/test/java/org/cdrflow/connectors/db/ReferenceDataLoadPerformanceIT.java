package org.cdrflow.connectors.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A subscriber base larger than one JDBC batch loads whole and reloads as upserts: every row once,
 * a changed row updated, none doubled. How fast a large base loads is a figure of the bench
 * ("Reference data load" in docs/benchmarks.md), not a timed test: a wall-clock limit here fails on
 * a loaded machine and proves nothing about the code. {@code -Dcdrflow.loadRows=N} loads more.
 */
class ReferenceDataLoadPerformanceIT {

  @TempDir Path dir;

  @Test
  void manySubscriptionsLoadAcrossBatchesAndReloadAsUpserts() throws Exception {
    // Not a multiple of the loader's batch of 1,000: several full batches and a partial one.
    int rows = Integer.getInteger("cdrflow.loadRows", 2_500);
    TestDatabase db = TestDatabase.migrated();
    Files.writeString(
        dir.resolve("price_plan.csv"), "plan_id,data_overage\nMINI,THROTTLE\nSMART,CHARGE\n");
    writeSubscriptions(rows, -1);
    ReferenceDataLoader loader = db.loader();

    ReferenceLoadSummary first = loader.load(dir);
    assertEquals(rows, first.rows("subscription"));
    assertEquals(rows, db.count("subscription"));
    assertEquals("SMART", plan(db, 0));
    assertEquals("MINI", plan(db, 1));

    // The same file again, with the plan of the last subscription changed: all upserts.
    int changed = rows - 1;
    writeSubscriptions(rows, changed);
    ReferenceLoadSummary again = loader.load(dir);
    assertEquals(rows, again.rows("subscription"));
    assertEquals(rows, db.count("subscription"), "a reload adds no row");
    assertEquals(changed % 3 == 0 ? "MINI" : "SMART", plan(db, changed), "the changed row");
    assertEquals("SMART", plan(db, 0), "an unchanged row");
  }

  /** Subscriptions SUB-0 … SUB-(rows-1); the plan of {@code flipped} swapped (-1: none). */
  private void writeSubscriptions(int rows, int flipped) throws IOException {
    try (BufferedWriter w =
        Files.newBufferedWriter(dir.resolve("subscription.csv"), StandardCharsets.UTF_8)) {
      w.write("subscription_id,account_id,msisdn,imsi,plan_id,valid_from,valid_to\n");
      for (int i = 0; i < rows; i++) {
        // Numbers in the +474 / +479 mobile ranges, one subscription each.
        String msisdn = (i % 2 == 0 ? "+474" : "+479") + String.format("%07d", i);
        w.write("SUB-" + i + ",ACC-" + i / 2 + "," + msisdn + ",24277" + String.format("%010d", i));
        w.write((i % 3 == 0) != (i == flipped) ? ",SMART," : ",MINI,");
        w.write("2025-0" + (1 + i % 9) + "-01T00:00:00+01:00,");
        w.write(i % 10 == 0 ? "2026-06-01T00:00:00+02:00\n" : "\n");
      }
    }
  }

  private static String plan(TestDatabase db, int i) throws Exception {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet r =
            st.executeQuery(
                "SELECT plan_id FROM subscription WHERE subscription_id = 'SUB-" + i + "'")) {
      r.next();
      return r.getString(1);
    }
  }
}
