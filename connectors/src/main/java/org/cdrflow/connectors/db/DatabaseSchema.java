package org.cdrflow.connectors.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database schema of cdrflow: reference tables, output tables and roles, owned by the Flyway
 * migrations under {@code classpath:db/migration}.
 *
 * <p>Migrating is idempotent: a database that is already at the latest version is left untouched,
 * so every command can call {@link #migrate} on start. Flyway serialises concurrent callers with an
 * advisory lock. The migrating user needs CREATEROLE (or the cdr_* roles must already exist) and
 * must own the schema; see docs/reference-data.md.
 */
public final class DatabaseSchema {

  /** Where the migrations live on the classpath. */
  public static final String LOCATIONS = "classpath:db/migration";

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseSchema.class);

  private DatabaseSchema() {}

  /** Brings the database at {@code jdbcUrl} to the latest schema version. */
  public static void migrate(String jdbcUrl, String user, String password) {
    run(Flyway.configure().dataSource(jdbcUrl, user, password));
  }

  /**
   * Brings the database behind {@code dataSource} to the latest schema version.
   *
   * @return the number of migrations applied by this call (0 when it was already up to date)
   */
  public static int migrate(DataSource dataSource) {
    return run(Flyway.configure().dataSource(dataSource));
  }

  private static int run(org.flywaydb.core.api.configuration.FluentConfiguration configuration) {
    MigrateResult result =
        configuration
            .locations(LOCATIONS)
            // Never let a misconfigured command wipe billing data.
            .cleanDisabled(true)
            .validateMigrationNaming(true)
            .load()
            .migrate();
    if (result.migrationsExecuted > 0) {
      LOG.info(
          "Database schema migrated from version {} to {} ({} migrations)",
          result.initialSchemaVersion,
          result.targetSchemaVersion,
          result.migrationsExecuted);
    } else {
      LOG.debug("Database schema is up to date");
    }
    return result.migrationsExecuted;
  }
}
