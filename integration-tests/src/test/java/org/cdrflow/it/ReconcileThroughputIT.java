package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import org.cdrflow.bench.ReconcileThroughput;
import org.cdrflow.connectors.db.DatabaseSchema;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.junit.jupiter.api.Test;

/**
 * The bench's RECONCILE phase on a small size (docs/benchmarks.md, "Reconciliation"): the classes
 * come out exactly as the synthetic partner file was made. {@code -Dreconcile.calls=N} measures
 * another size; the figures are printed, not asserted (a shared machine's speed is no test).
 */
class ReconcileThroughputIT {
  @Test
  void theBenchPartnerFileReconcilesToItsConstruction() throws Exception {
    int n = Integer.getInteger("reconcile.calls", 50_000);
    Path base = Files.createTempDirectory(Path.of("target"), "reconcile-throughput-");
    try (EmbeddedStack stack = EmbeddedStack.builder(base.resolve("work")).databaseOnly().start()) {
      DatabaseSchema.migrate(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
      ReconcileThroughput.Result r;
      try (Connection c =
          java.sql.DriverManager.getConnection(
              stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword())) {
        r = ReconcileThroughput.measure(c, n, base.resolve("files"));
      }
      System.out.printf(
          "reconcile %,d partner calls: read %.2f s, matched and stored %.2f s: %,.0f/s (%,.0f/s"
              + " matching alone)%n",
          r.partnerCalls(),
          r.readSeconds(),
          r.matchSeconds(),
          r.perSecond(),
          r.matchingPerSecond());
      long missing = count(n, 17);
      long different = count(n, 42);
      long extra = count(n, 63);
      assertEquals(n, r.ourCalls());
      assertEquals(n - missing + extra, r.partnerCalls());
      assertEquals(missing, r.oursOnly());
      assertEquals(different, r.different());
      assertEquals(extra, r.theirsOnly());
      assertEquals(n - missing - different, r.matched());
    }
  }

  private static long count(int n, int remainder) {
    return n / 100 + (n % 100 > remainder ? 1 : 0);
  }
}
