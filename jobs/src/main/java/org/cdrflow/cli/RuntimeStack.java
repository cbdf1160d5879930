package org.cdrflow.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.db.DatabaseSchema;
import org.cdrflow.connectors.local.EmbeddedStack;

/**
 * What a command runs against: the Kafka and PostgreSQL named in the configuration, or, when it
 * names none, the embedded local stack with its data in the work directory. The embedded database
 * is migrated here; a configured one only by {@code cdrflow migrate} (the deployment's hook, as the
 * schema owner), because the roles the jobs run as may not change the schema (docs/operations.md).
 */
public final class RuntimeStack implements AutoCloseable {
  private final CdrflowConfig config;
  private final EmbeddedStack embedded;

  private RuntimeStack(CdrflowConfig config, EmbeddedStack embedded) {
    this.config = config;
    this.embedded = embedded;
  }

  public static RuntimeStack open(CdrflowConfig config, Path workDir) {
    return open(config, workDir, System.out);
  }

  /** As {@link #open(CdrflowConfig, Path)}, telling {@code progress} what it starts. */
  public static RuntimeStack open(CdrflowConfig config, Path workDir, PrintStream progress) {
    return open(config, workDir, progress, true);
  }

  /**
   * For a command that works on the database alone (reports, exports, reference loads, the bounded
   * jobs): without a configured database, the embedded stack starts PostgreSQL only, which takes a
   * fraction of a full start (docs/operations.md, "The embedded stack"). The configuration then
   * names no broker.
   */
  public static RuntimeStack openDatabase(CdrflowConfig config, Path workDir) {
    return openDatabase(config, workDir, System.out);
  }

  /** As {@link #openDatabase(CdrflowConfig, Path)}, telling {@code progress} what it starts. */
  public static RuntimeStack openDatabase(
      CdrflowConfig config, Path workDir, PrintStream progress) {
    return open(config, workDir, progress, false);
  }

  private static RuntimeStack open(
      CdrflowConfig config, Path workDir, PrintStream progress, boolean needsBroker) {
    EmbeddedStack embedded = null;
    CdrflowConfig effective = config;
    boolean embeddedBroker = needsBroker && !config.hasKafka();
    if (embeddedBroker || !config.hasJdbc()) {
      progress.println(
          (embeddedBroker
                  ? "== Starting the embedded stack (Kafka broker, PostgreSQL) in "
                  : "== Starting the embedded database (PostgreSQL) in ")
              + workDir);
      LogFile.announce(progress);
      long started = System.nanoTime();
      EmbeddedStack.Builder builder = EmbeddedStack.builder(workDir);
      embedded = (embeddedBroker ? builder : builder.databaseOnly()).start();
      progress.printf(
          Locale.ROOT, "   up in %d s%n", (System.nanoTime() - started) / 1_000_000_000L);
      Map<String, String> overrides = new HashMap<>();
      if (embeddedBroker) {
        overrides.put(CdrflowConfig.KAFKA_BOOTSTRAP, embedded.kafkaBootstrapServers());
        // One raw partition by default: a replay then reads the file in file order, so the same
        // file always gives the same lines (README, "replay").
        embedded.createTopics(
            Map.of(
                config.get(CdrflowConfig.TOPIC_RAW),
                config.integer(CdrflowConfig.TOPIC_RAW_PARTITIONS),
                config.get(CdrflowConfig.TOPIC_REJECTED),
                1,
                config.get(CdrflowConfig.TOPIC_NOTIFICATIONS),
                1,
                config.get(CdrflowConfig.TOPIC_FRAUD_ALERTS),
                1));
      }
      if (!config.hasJdbc()) {
        overrides.put(CdrflowConfig.JDBC_URL, embedded.jdbcUrl());
        overrides.put(CdrflowConfig.JDBC_USER, embedded.jdbcUser());
        overrides.put(CdrflowConfig.JDBC_PASSWORD, embedded.jdbcPassword());
      }
      effective = config.with(overrides);
      if (!config.hasJdbc()) {
        CdrflowConfig.JdbcSettings jdbc = effective.jdbc();
        DatabaseSchema.migrate(jdbc.url(), jdbc.user(), jdbc.password());
      }
    }
    return new RuntimeStack(effective, embedded);
  }

  /** The configuration with the addresses of what actually runs. */
  public CdrflowConfig config() {
    return config;
  }

  public boolean isEmbedded() {
    return embedded != null;
  }

  @Override
  public void close() {
    if (embedded != null) {
      embedded.close();
    }
  }
}
