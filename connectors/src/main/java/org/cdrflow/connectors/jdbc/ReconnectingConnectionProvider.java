package org.cdrflow.connectors.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.connector.jdbc.datasource.connections.JdbcConnectionProvider;
import org.apache.flink.connector.jdbc.datasource.connections.SimpleJdbcConnectionProvider;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDBC sinks' connection, which waits out a database restart or failover instead of failing at
 * once: opening a connection that the server refuses for a passing reason (unreachable, starting
 * up, shutting down) is tried again with exponential backoff for up to {@code patience}.
 *
 * <p>Why: Flink's JDBC sink reconnects once after a failed batch; if that one attempt fails, its
 * statement executor is left without a statement, every later flush fails, and the flush it runs
 * while the failing task closes throws in Flink's failure handler, which Flink treats as fatal: the
 * whole TaskManager is terminated (a PostgreSQL restart of three seconds took down both
 * TaskManagers of the fault test, docs/reliability.md). Waiting for the database lets the sink's
 * own retry succeed, and the job goes on without a restart. The patience stays well below Flink's
 * task cancellation timeout (three minutes), after which a task stuck in a flush would be fatal
 * too.
 */
final class ReconnectingConnectionProvider implements JdbcConnectionProvider {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(ReconnectingConnectionProvider.class);

  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  /**
   * How long a sink waits for an unreachable database before it gives up and the job restarts: a
   * restart of PostgreSQL or a failover of a managed one passes within it.
   */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  /**
   * What to connect to. The driver's options, password included, are made from it only where the
   * connection is opened (a TaskManager), so a password read from the environment there is never
   * part of the job graph (docs/decisions.md, known limitation 1).
   */
  private final JdbcSettings settings;

  private final Duration patience;
  private transient SimpleJdbcConnectionProvider connection;

  ReconnectingConnectionProvider(JdbcSettings settings) {
    this(settings, PATIENCE);
  }

  ReconnectingConnectionProvider(JdbcSettings settings, Duration patience) {
    this.settings = settings;
    this.patience = patience;
  }

  private SimpleJdbcConnectionProvider connection() {
    if (connection == null) {
      connection = new SimpleJdbcConnectionProvider(UpsertSink.connectionOptions(settings));
    }
    return connection;
  }

  @Override
  public Connection getConnection() {
    return connection().getConnection();
  }

  @Override
  public Properties getProperties() {
    return connection().getProperties();
  }

  @Override
  public boolean isConnectionValid() throws SQLException {
    return connection().isConnectionValid();
  }

  @Override
  public Connection getOrEstablishConnection() throws SQLException, ClassNotFoundException {
    long deadline = System.nanoTime() + patience.toNanos();
    long backoff = FIRST_BACKOFF_MS;
    for (int attempt = 1; ; attempt++) {
      try {
        return connection().getOrEstablishConnection();
      } catch (SQLException e) {
        if (!isPassing(e) || System.nanoTime() + backoff * 1_000_000 > deadline) {
          throw e;
        }
        // The message names the server and the reason, never a row (logServerErrorDetail=false).
        LOG.warn(
            "Database not reachable (attempt {}), trying again in {} ms: {}",
            attempt,
            backoff,
            e.getMessage());
        pause(backoff, e);
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }

  @Override
  public void closeConnection() {
    if (connection != null) {
      connection.closeConnection();
    }
  }

  @Override
  public Connection reestablishConnection() throws SQLException, ClassNotFoundException {
    closeConnection();
    return getOrEstablishConnection();
  }

  @Override
  public void close() throws Exception {
    if (connection != null) {
      connection.close();
    }
  }

  /**
   * SQLSTATE class 08 (connection exception: refused, reset, unreachable) and 57P01–57P03 (the
   * server is shutting down or starting up). Anything else, a wrong password say, fails at once.
   */
  static boolean isPassing(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith("57P"));
  }

  private static void pause(long millis, SQLException cause) throws SQLException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      SQLException e = new SQLException("interrupted while waiting for the database", "08000");
      e.addSuppressed(cause);
      throw e;
    }
  }
}
