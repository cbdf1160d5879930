package org.cdrflow.connectors.jdbc;

import java.time.Duration;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
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
public final class CopyUpsertSink<T>
    implements Sink<T>, SupportsCommitter<CopyUpsertSink.NothingToCommit> {
  private static final long serialVersionUID = 1L;

  private final UpsertTable table;
  private final CopyRowEncoder<T> encoder;
  private final JdbcSettings connection;
  private final int batchSize;
  private final long batchIntervalMs;
  private final Duration patience;

  CopyUpsertSink(
      UpsertTable table,
      CopyRowEncoder<T> encoder,
      JdbcSettings connection,
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
        table, encoder, jdbc, batchSize, batchIntervalMs, ReconnectingConnectionProvider.PATIENCE);
  }

  @Override
  public SinkWriter<T> createWriter(WriterInitContext context) {
    CopyUpsertWriter<T> writer =
        new CopyUpsertWriter<>(
            table,
            encoder,
            new ReconnectingConnectionProvider(connection, patience),
            patience,
            batchSize,
            batchIntervalMs,
            context.getProcessingTimeService());
    writer.metrics = SinkMetrics.register(context.metricGroup(), table.name());
    return writer;
  }

  /**
   * Nothing is left to commit after a checkpoint: every batch commits its own transaction. The
   * committer is there for the job's saved state only. Earlier builds wrote lines and settlement
   * rows with flink-connector-jdbc's sink, whose committer operator (uid "Sink Committer: " and the
   * sink's uid) is in every savepoint and checkpoint they took, with nothing in it; without an
   * operator of that uid such a state would not restore, and an upgrade (or a replay into an old
   * work directory) would fail (docs/decisions.md).
   */
  @Override
  public Committer<NothingToCommit> createCommitter(CommitterInitContext context) {
    return new Committer<>() {
      @Override
      public void commit(Collection<CommitRequest<NothingToCommit>> requests) {}

      @Override
      public void close() {}
    };
  }

  @Override
  public SimpleVersionedSerializer<NothingToCommit> getCommittableSerializer() {
    return NothingToCommit.SERIALIZER;
  }

  /** The committable of a sink that commits nothing: never created. */
  public static final class NothingToCommit {
    private NothingToCommit() {}

    static final SimpleVersionedSerializer<NothingToCommit> SERIALIZER =
        new SimpleVersionedSerializer<>() {
          @Override
          public int getVersion() {
            return 1;
          }

          @Override
          public byte[] serialize(NothingToCommit nothing) {
            return new byte[0];
          }

          @Override
          public NothingToCommit deserialize(int version, byte[] serialized) {
            return new NothingToCommit();
          }
        };
  }
}
