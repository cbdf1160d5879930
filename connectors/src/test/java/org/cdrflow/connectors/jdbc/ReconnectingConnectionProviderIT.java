package org.cdrflow.connectors.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.connectors.local.FreePorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sinks' connection waits for a database that is restarting (docs/reliability.md), with a real
 * PostgreSQL stopped and started again on the same port and data, and fails at once on an error
 * that waiting does not cure.
 */
class ReconnectingConnectionProviderIT {

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dataDir;

  @Test
  void waitsForTheDatabaseToComeBackThenHandsOutAWorkingConnection() throws Exception {
    int port = FreePorts.onLoopback(1)[0];
    ReconnectingConnectionProvider provider =
        new ReconnectingConnectionProvider(options(port, "postgres"), Duration.ofSeconds(60));

    // Nothing listens yet: the first connection waits until the server is up.
    CompletableFuture<EmbeddedPostgres> first = startLater(port);
    Connection c = provider.getOrEstablishConnection();
    EmbeddedPostgres server = first.get(1, TimeUnit.MINUTES);
    try {
      assertEquals(1, selectOne(c));

      // A restart: the open connection is cut, the new one waits for the server to be back.
      server.close();
      assertTrue(!provider.isConnectionValid(), "the restart cut the connection");
      CompletableFuture<EmbeddedPostgres> second = startLater(port);
      Connection again = provider.reestablishConnection();
      server = second.get(1, TimeUnit.MINUTES);
      assertEquals(1, selectOne(again));
      assertTrue(provider.isConnectionValid());
    } finally {
      provider.close();
      server.close();
    }
  }

  @Test
  void givesUpAfterItsPatience() {
    int port = FreePorts.onLoopback(1)[0];
    ReconnectingConnectionProvider provider =
        new ReconnectingConnectionProvider(options(port, "postgres"), Duration.ofSeconds(1));
    long started = System.nanoTime();
    SQLException e = assertThrows(SQLException.class, provider::getOrEstablishConnection);
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertTrue(ReconnectingConnectionProvider.isPassing(e), e.getSQLState());
    assertTrue(waited >= 500 && waited < 10_000, "waited " + waited + " ms");
  }

  @Test
  void failsAtOnceWhenWaitingCannotHelp() throws Exception {
    int port = FreePorts.onLoopback(1)[0];
    try (EmbeddedPostgres server = start(port)) {
      ReconnectingConnectionProvider provider =
          new ReconnectingConnectionProvider(options(port, "no_such_db"), Duration.ofSeconds(60));
      long started = System.nanoTime();
      SQLException e = assertThrows(SQLException.class, provider::getOrEstablishConnection);
      assertEquals("3D000", e.getSQLState(), "invalid catalog name");
      assertTrue(System.nanoTime() - started < Duration.ofSeconds(10).toNanos(), "no waiting");
    }
  }

  private JdbcSettings options(int port, String database) {
    return new JdbcSettings(
        "jdbc:postgresql://127.0.0.1:" + port + "/" + database, "postgres", "postgres");
  }

  /** Starts PostgreSQL on {@code port} a second from now, on the same data every time. */
  private CompletableFuture<EmbeddedPostgres> startLater(int port) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            Thread.sleep(1_000);
            return start(port);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private EmbeddedPostgres start(int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  private static int selectOne(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        var r = s.executeQuery("select 1")) {
      r.next();
      return r.getInt(1);
    }
  }
}
