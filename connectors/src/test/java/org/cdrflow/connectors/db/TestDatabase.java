package org.cdrflow.connectors.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh database on one real PostgreSQL server shared by the tests of this package (started once
 * per JVM: starting the server is the slow part, a new database is cheap).
 */
final class TestDatabase {

  static final String USER = "postgres";
  static final String PASSWORD = "postgres";

  private static EmbeddedPostgres server;
  private static final AtomicInteger COUNTER = new AtomicInteger();

  final String name;
  final String url;

  private TestDatabase(String name, String url) {
    this.name = name;
    this.url = url;
  }

  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedPostgres started = server;
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      started.close();
                    } catch (IOException ignored) {
                      // the JVM is going away
                    }
                  }));
    }
    return server;
  }

  /** A new, empty database. */
  static TestDatabase create() {
    EmbeddedPostgres pg = server();
    String name = "cdrflow_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c =
            DriverManager.getConnection(pg.getJdbcUrl(USER, "postgres"), USER, PASSWORD);
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return new TestDatabase(name, pg.getJdbcUrl(USER, name));
  }

  /** A new database with the schema migrated. */
  static TestDatabase migrated() {
    TestDatabase db = create();
    DatabaseSchema.migrate(db.url, USER, PASSWORD);
    return db;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(url, USER, PASSWORD);
  }

  /** The JDBC URL of this database for another login. */
  String urlFor(String user) {
    return server().getJdbcUrl(user, name);
  }

  ReferenceDataLoader loader() {
    return new ReferenceDataLoader(url, USER, PASSWORD);
  }

  /** Every row of a table as text, in primary key order, for before/after comparisons. */
  List<String> dump(String table) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT t::text FROM " + table + " t ORDER BY 1")) {
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
    }
    return rows;
  }

  long count(String table) throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  long referenceVersion() throws SQLException {
    try (Connection c = connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT version FROM reference_version")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** examples/reference of the project (tests run in the module directory). */
  static Path examplesDirectory() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("examples").resolve("reference");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("examples/reference not found above the working directory");
  }
}
