package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.connectors.db.DatabaseSchema;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratorSettings;
import org.junit.jupiter.api.Test;

/**
 * Least privilege (docs/privacy.md, docs/reliability.md): the streaming job runs as a login that is
 * only a member of {@code cdr_mediation} and writes every output table, and the same login can
 * neither change the schema nor read what the job does not need. Set up as a deployment does: the
 * schema owner migrates, BSS loads the reference data as a member of {@code cdr_reference_loader},
 * and {@code cdrflow replay} gets the servers and the login from a {@code --config} file that holds
 * the password and is therefore readable by its owner only.
 */
class LeastPrivilegeIT {
  private static final long RECORDS = 5_000;
  private static final String LOGIN = "mediation_login";
  private static final String LOADER = "reference_login";

  @Test
  void theJobWritesEveryOutputAsAMediationLoginThatCanDoNothingElse() throws Exception {
    Path base = Files.createTempDirectory(Path.of("target"), "least-privilege-").toAbsolutePath();
    Path feed = base.resolve("feed.jsonl");
    Path reference = base.resolve("reference");
    FeedGenerator.write(GeneratorSettings.of(RECORDS, 200, 11L), feed, reference);

    try (EmbeddedStack stack = EmbeddedStack.start(base.resolve("stack"))) {
      stack.createTopics(
          Map.of("cdr.raw", 1, "cdr.rejected", 1, "cdr.notifications", 1, "cdr.fraud-alerts", 1));
      // The schema owner migrates (the Helm hook); commands given a database never do.
      DatabaseSchema.migrate(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
      try (Connection owner = superuser(stack);
          Statement st = owner.createStatement()) {
        st.execute("CREATE ROLE " + LOGIN + " LOGIN PASSWORD 'it-mediation' IN ROLE cdr_mediation");
        st.execute(
            "CREATE ROLE " + LOADER + " LOGIN PASSWORD 'it-loader' IN ROLE cdr_reference_loader");
        // Every connection is logged with its user: shows whom the job connected as.
        st.execute("ALTER SYSTEM SET log_connections = 'on'");
        st.execute("SELECT pg_reload_conf()");
      }

      Path loaderConfig = config(base.resolve("loader.properties"), stack, LOADER, "it-loader");
      assertEquals(
          0,
          Cdrflow.run(
              "load-reference",
              reference.toString(),
              "--config",
              loaderConfig.toString(),
              "--workdir",
              base.resolve("loader-work").toString()));

      Path config = config(base.resolve("mediation.properties"), stack, LOGIN, "it-mediation");
      Path export = base.resolve("export");
      // Reference data is BSS's (loaded above): replay is given an empty directory, so that it
      // loads nothing, which this login could not.
      Path noReference = Files.createDirectories(base.resolve("no-reference"));
      Path serverLog = stack.workDir().resolve("postgres").resolve("server.log");
      try (Connection owner = superuser(stack);
          Statement marker = owner.createStatement()) {
        marker.execute("DO $$ BEGIN RAISE LOG 'least-privilege-it: replay starts'; END $$");
        assertEquals(
            0,
            Cdrflow.run(
                "replay",
                "--reference",
                noReference.toString(),
                "--input",
                feed.toString(),
                "--workdir",
                base.resolve("replay-work").toString(),
                "--config",
                config.toString(),
                "--export",
                export.toString()));
        marker.execute("DO $$ BEGIN RAISE LOG 'least-privilege-it: replay ended'; END $$");
      }

      List<String> during = linesBetween(serverLog, "replay starts", "replay ended");
      assertTrue(
          during.stream().anyMatch(l -> l.contains("connection authorized: user=" + LOGIN)),
          "the replay connected as " + LOGIN);
      assertTrue(
          during.stream()
              .filter(l -> l.contains("connection authorized: user="))
              .allMatch(l -> l.contains("user=" + LOGIN + " ")),
          "every connection of the replay was " + LOGIN + ": " + during);

      for (String table :
          List.of(
              "invoice_line",
              "settlement_call",
              "settlement_daily",
              "rejected_cdr",
              "mediation_audit")) {
        assertFalse(ExportedTables.rows(export, table).isEmpty(), table + " was written");
      }
      long received = ExportedTables.sum(export, "mediation_audit", "received");
      assertEquals(RECORDS, received, "every record was received");
      assertEquals(
          received,
          ExportedTables.sum(export, "mediation_audit", "rated")
              + ExportedTables.sum(export, "mediation_audit", "rejected")
              + ExportedTables.sum(export, "mediation_audit", "duplicates")
              + ExportedTables.sum(export, "mediation_audit", "unanswered")
              + ExportedTables.sum(export, "mediation_audit", "pending_partials"),
          "audit equation");

      try (Connection c = DriverManager.getConnection(stack.jdbcUrl(), LOGIN, "it-mediation")) {
        allowed(c, "SELECT count(*) FROM invoice_line");
        denied(c, "DROP TABLE invoice_line");
        denied(c, "TRUNCATE settlement_daily");
        denied(c, "DELETE FROM invoice_line");
        denied(c, "ALTER TABLE rejected_cdr ADD COLUMN note text");
        denied(c, "CREATE TABLE mediation_notes (note text)");
        denied(c, "SELECT * FROM invoice");
        denied(c, "UPDATE subscription SET plan_id = plan_id");
        denied(c, "INSERT INTO anonymisation_run (run_id) VALUES (gen_random_uuid())");
      }
    }
    try (Stream<Path> files = Files.walk(base)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  /** The servers of the stack and a login with its password: owner-only, as a secret must be. */
  private static Path config(Path file, EmbeddedStack stack, String user, String password)
      throws Exception {
    Files.writeString(
        file,
        "home.operator-id=HOME\n"
            + "kafka.bootstrap.servers="
            + stack.kafkaBootstrapServers()
            + "\njdbc.url="
            + stack.jdbcUrl()
            + "\njdbc.user="
            + user
            + "\njdbc.password="
            + password
            + "\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static Connection superuser(EmbeddedStack stack) throws SQLException {
    return DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }

  private static List<String> linesBetween(Path log, String from, String to) throws Exception {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    int start = -1;
    int end = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains("least-privilege-it: " + from)) {
        start = i;
      } else if (lines.get(i).contains("least-privilege-it: " + to)) {
        end = i;
      }
    }
    assertTrue(start >= 0 && end > start, "markers in " + log);
    return lines.subList(start + 1, end);
  }

  private static void allowed(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  private static void denied(Connection c, String sql) {
    SQLException e =
        assertThrows(
            SQLException.class,
            () -> {
              try (Statement st = c.createStatement()) {
                st.execute(sql);
              }
            },
            sql);
    // insufficient_privilege
    assertEquals("42501", e.getSQLState(), sql + ": " + e.getMessage());
  }
}
