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
  private UpsertSink() {}

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
        .buildAtLeastOnce(
            new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                .withUrl(jdbc.url())
                .withDriverName("org.postgresql.Driver")
                .withUsername(jdbc.user())
                .withPassword(jdbc.password())
                .build());
  }
}
