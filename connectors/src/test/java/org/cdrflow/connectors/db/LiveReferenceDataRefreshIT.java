package org.cdrflow.connectors.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.reference.LiveReferenceData;
import org.junit.jupiter.api.Test;

/** A change made by BSS reaches the running job's snapshot within the refresh interval. */
class LiveReferenceDataRefreshIT {
  private static final Instant T = Instant.parse("2026-10-01T08:00:00Z");

  @Test
  void aNewSubscriptionAndANewAnonymisationCutoffAreSeenWithoutARestart() throws Exception {
    TestDatabase db = TestDatabase.migrated();
    db.loader().load(TestDatabase.examplesDirectory());
    JdbcSettings jdbc = new JdbcSettings(db.url, TestDatabase.USER, TestDatabase.PASSWORD);
    try (LiveReferenceData live = LiveReferenceData.acquire(jdbc, Duration.ofMillis(200))) {
      assertTrue(live.current().subscriptionAt("+4799999901", T).isEmpty());
      assertTrue(live.current().anonymisationCutoff().isEmpty());

      try (Connection c = db.connect();
          Statement s = c.createStatement()) {
        s.execute(
            "insert into subscription (subscription_id, account_id, msisdn, imsi, plan_id,"
                + " valid_from) values ('SUB-NEW', 'ACC-NEW', '+4799999901', null, 'MINI',"
                + " '2026-01-01T00:00:00Z')");
        s.execute(
            "insert into anonymisation_run (run_id, as_of, cutoff, status, dry_run) values"
                + " (gen_random_uuid(), '2026-12-01', '2026-07-01T00:00:00+02:00', 'COMPLETED',"
                + " false)");
      }

      awaitTrue(() -> live.current().subscriptionAt("+4799999901", T).isPresent());
      assertEquals(
          "SUB-NEW", live.current().subscriptionAt("+4799999901", T).get().subscriptionId());
      awaitTrue(() -> live.current().anonymisationCutoff().isPresent());
      assertEquals(
          Instant.parse("2026-06-30T22:00:00Z"), live.current().anonymisationCutoff().get());
    }
  }

  private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "not seen within 20 s");
      Thread.sleep(50);
    }
  }
}
