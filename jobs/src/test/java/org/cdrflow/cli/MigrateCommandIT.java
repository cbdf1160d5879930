package org.cdrflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cdrflow migrate}, as the Helm chart's pre-install/pre-upgrade hook runs it. */
class MigrateCommandIT {

  @TempDir Path dir;

  @Test
  void refusesToRunWithoutAConfiguredDatabase() throws Exception {
    Path config = dir.resolve("no-database.properties");
    Files.writeString(config, "home.operator-id=HOME\nkafka.bootstrap.servers=kafka:9092\n");

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = Cdrflow.run("migrate", "--config", config.toString());
    } finally {
      System.setErr(original);
    }

    assertEquals(1, exit);
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("jdbc.url"),
        "the message names the missing key: " + err);
  }

  @Test
  void migratesTheConfiguredDatabaseAndASecondRunChangesNothing() throws Exception {
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String url = postgres.getJdbcUrl("postgres", "postgres");
      Path config = dir.resolve("migrate.properties");
      Files.createFile(
          config,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          config, "jdbc.url=" + url + "\njdbc.user=postgres\njdbc.password=postgres\n");

      assertEquals(0, Cdrflow.run("migrate", "--config", config.toString()));
      int applied = appliedMigrations(url);
      assertTrue(applied >= 3, "the packaged migrations ran: " + applied);
      assertTrue(tableExists(url, "invoice_line"));

      assertEquals(0, Cdrflow.run("migrate", "--config", config.toString()));
      assertEquals(applied, appliedMigrations(url), "an up-to-date schema is left as it is");
    }
  }

  private static int appliedMigrations(String url) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("select count(*) from flyway_schema_history where success")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static boolean tableExists(String url, String table) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "postgres");
        ResultSet rs =
            c.getMetaData()
                .getTables(null, null, table, new String[] {"TABLE", "PARTITIONED TABLE"})) {
      return rs.next();
    }
  }
}
