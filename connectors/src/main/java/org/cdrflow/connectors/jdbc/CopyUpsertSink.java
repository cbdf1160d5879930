package org.cdrflow.connectors.jdbc;

import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;

/**
 * A sink for rows written once per key (invoice lines, settlement rows) that sends each batch to
 * PostgreSQL with {@code COPY} into a session-local staging table and then one {@code INSERT …
 * SELECT … ON CONFLICT (key) DO UPDATE … WHERE <condition>}, in one transaction: the same
 * idempotent upsert as {@link UpsertSink}, without binding every column of every row as a statement
 * parameter and without parsing a statement as long as the batch (docs/architecture.md,
 * "Exactly-once effect").
 *
 * <p>At least once: a batch is written when it reaches {@code batchSize} rows, every {@code
 * batchIntervalMs} (so that a quiet stream's rows become visible within the interval), at every
 * checkpoint barrier and at the end of input; it is dropped from memory only once committed. A
 * batch that fails because the database went away is rolled back and written again, whole, once a
 * connection is back (waiting up to a minute, as {@link ReconnectingConnectionProvider} does).
 */
public final class CopyUpsertSink<T> implements Sink<T> {
  private static final long serialVersionUID = 1L;

  private final UpsertTable table;
  private final CopyRowEncoder<T> encoder;
  private final JdbcConnectionOptions connection;
  private final int batchSize;
  private final long batchIntervalMs;
  private final Duration patience;

  CopyUpsertSink(
      UpsertTable table,
      CopyRowEncoder<T> encoder,
      JdbcConnectionOptions connection,
      int batchSize,
      long batchIntervalMs,
      Duration patience) {
    if (batchSize < 1 || batchIntervalMs < 0) {
      throw new IllegalArgumentException("batch size must be positive, the interval not negative");
    }
    this.table = table;
    this.encoder = encoder;
    this.connection = connection;
    this.batchSize = batchSize;
    this.batchIntervalMs = batchIntervalMs;
    this.patience = patience;
  }

  /**
   * @param batchIntervalMs the longest a row waits in the writer before it is written; 0 writes
   *     only on a full batch, a checkpoint or the end of input
   */
  public static <T> CopyUpsertSink<T> create(
      UpsertTable table,
      CopyRowEncoder<T> encoder,
      JdbcSettings jdbc,
      int batchSize,
      long batchIntervalMs) {
    return new CopyUpsertSink<>(
        table,
        encoder,
        UpsertSink.connectionOptions(jdbc),
        batchSize,
        batchIntervalMs,
        ReconnectingConnectionProvider.PATIENCE);
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    return new CopyUpsertWriter<>(
        table,
        encoder,
        new ReconnectingConnectionProvider(connection, patience),
        patience,
        batchSize,
        batchIntervalMs,
        context.getProcessingTimeService());
  }
}
