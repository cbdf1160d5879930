package org.cdrflow.connectors.jdbc;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A write the database refuses (here a NUL character, which PostgreSQL text cannot hold) must not
 * put the row's subscriber number into the exception that the sink logs and the job fails with.
 */
class UpsertSinkIT {
  private static final String NUMBER = "+4791000101";
  private static EmbeddedPostgres postgres;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    url = postgres.getJdbcUrl("postgres", "postgres");
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
        Statement s = c.createStatement()) {
      s.execute("create table line (msisdn text, note text)");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void aFailedBatchThroughTheSinksConnectionNamesNoValue() throws Exception {
    JdbcConnectionOptions options =
        UpsertSink.connectionOptions(new JdbcSettings(url, "postgres", "postgres"));

    // As Flink's connection provider opens it.
    try (Connection c = DriverManager.getConnection(options.getDbURL(), options.getProperties())) {
      String messages = failingBatch(c);
      assertFalse(messages.contains(NUMBER.substring(3)), messages);
      assertTrue(messages.contains("0x00"), "the cause is still there: " + messages);
    }
  }

  @Test
  void aPlainConnectionWouldHaveQuotedTheNumber() throws Exception {
    Properties plain = new Properties();
    plain.setProperty("user", "postgres");
    plain.setProperty("password", "postgres");
    try (Connection c = DriverManager.getConnection(url, plain)) {
      assertTrue(failingBatch(c).contains(NUMBER), "why the sink sets the property");
    }
  }

  /** Every message of the exception chain of a batch PostgreSQL refuses. */
  private static String failingBatch(Connection c) throws Exception {
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> {
              try (PreparedStatement s = c.prepareStatement("insert into line values (?, ?)")) {
                s.setString(1, NUMBER);
                s.setString(2, "ok");
                s.addBatch();
                s.setString(1, NUMBER);
                s.setString(2, "nul\u0000here");
                s.addBatch();
                s.executeBatch();
              }
            });
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t).append('\n');
    }
    for (SQLException n = e.getNextException(); n != null; n = n.getNextException()) {
      all.append(n).append('\n');
    }
    return all.toString();
  }
}
