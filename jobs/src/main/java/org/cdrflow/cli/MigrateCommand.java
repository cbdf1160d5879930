package org.cdrflow.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.db.DatabaseSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Brings the configured PostgreSQL database to the latest schema version. In production the Helm
 * chart runs it as a pre-install/pre-upgrade hook, as the one database user allowed to change the
 * schema, before the jobs start (docs/operations.md, "Database migrations"). It never starts the
 * embedded stack: the commands that use that stack migrate it themselves.
 */
@Command(
    name = "migrate",
    description =
        "Migrates the configured PostgreSQL database (jdbc.url) to the latest schema version.")
public class MigrateCommand implements Callable<Integer> {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Java properties with jdbc.url and jdbc.user (password: jdbc.password or"
              + " the environment variable CDRFLOW_JDBC_PASSWORD)")
  Path configFile;

  @Override
  public Integer call() throws Exception {
    CdrflowConfig config =
        configFile == null ? CdrflowConfig.defaults() : ConfigFiles.load(configFile);
    if (!config.hasJdbc()) {
      // Migrating a throw-away embedded database would report success while the real one stays
      // old, and the jobs would then fail against it.
      throw new IllegalArgumentException(
          "migrate needs the database to migrate: set jdbc.url in the --config file");
    }
    CdrflowConfig.JdbcSettings jdbc = config.jdbc();
    DatabaseSchema.migrate(jdbc.url(), jdbc.user(), jdbc.password());
    System.out.println("Database schema is at the latest version");
    return 0;
  }
}
