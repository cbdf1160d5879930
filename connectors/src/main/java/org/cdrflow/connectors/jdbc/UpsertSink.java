package org.cdrflow.connectors.jdbc;

import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.JdbcStatementBuilder;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;

/**
 * A batched JDBC sink for idempotent upserts ({@code INSERT … ON CONFLICT (key) DO UPDATE}): at
 * least once is enough, because writing a row again with the same key leaves the table as it was.
 * The batch is flushed on every checkpoint and at the end of input.
 */
public final class UpsertSink {
  /** PgJDBC connection property: whether its error messages may quote statements and values. */
  static final String ERROR_DETAIL = "logServerErrorDetail";

  private UpsertSink() {}

  /**
   * One upsert statement per row, in JDBC batches. For streams that rewrite a key again and again
   * (aggregates) and for the few rejects; invoice lines and settlement rows, one row per call, go
   * through {@link CopyUpsertSink} (docs/architecture.md, "Exactly-once effect").
   */
  public static <T> JdbcSink<T> create(
      String upsertSql,
      JdbcStatementBuilder<T> binder,
      JdbcSettings jdbc,
      int batchSize,
      long batchIntervalMs) {
    return JdbcSink.<T>builder()
        .withQueryStatement(upsertSql, binder)
        .withExecutionOptions(
            JdbcExecutionOptions.builder()
                .withBatchSize(batchSize)
                .withBatchIntervalMs(batchIntervalMs)
                .withMaxRetries(5)
                .build())
        // Waits out a database restart rather than failing the job (docs/reliability.md).
        .buildAtLeastOnce(new ReconnectingConnectionProvider(jdbc));
  }

  /**
   * The sink's connection. PgJDBC by default writes a failed batch entry into its exception as the
   * statement with every bound value inlined (subscriber numbers, IMSIs); Flink's sink logs that
   * exception at every retry and the job's failure carries it. {@code logServerErrorDetail=false}
   * leaves the statement and the server's DETAIL out, so logs hold no numbers (docs/operations.md).
   */
  static JdbcConnectionOptions connectionOptions(JdbcSettings jdbc) {
    return new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
        .withUrl(jdbc.url())
        .withDriverName("org.postgresql.Driver")
        .withUsername(jdbc.user())
        .withPassword(jdbc.password())
        .withProperty(ERROR_DETAIL, "false")
        .build();
  }
}
