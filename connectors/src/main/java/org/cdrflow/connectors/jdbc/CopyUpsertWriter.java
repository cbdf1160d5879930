package org.cdrflow.connectors.jdbc;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.connector.jdbc.datasource.connections.JdbcConnectionProvider;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer of {@link CopyUpsertSink}: keeps the batch as rows of PostgreSQL's binary COPY format
 * (docs/benchmarks.md, "Binary COPY"), the last row per key, and writes it in one transaction (COPY
 * into the staging table, upsert from it, commit). The column types of the binary form come from
 * the staging table, read once when the first connection opens (at the first row).
 *
 * <p>Flink calls {@link #write}, {@link #flush} and the timer on the task's one thread, so nothing
 * here is synchronised.
 */
final class CopyUpsertWriter<T> implements CommittingSinkWriter<T, CopyUpsertSink.NothingToCommit> {
  private static final Logger LOG = LoggerFactory.getLogger(CopyUpsertWriter.class);

  /** Tries of one batch before the job fails over (each waits for the database if it is gone). */
  static final int MAX_ATTEMPTS = 5;

  private static final long FIRST_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5_000;

  /** Rows go to the driver in pieces of this size, not one message per row. */
  private static final int CHUNK_BYTES = 64 * 1024;

  private final UpsertTable table;
  private final CopyRowEncoder<T> encoder;
  private final JdbcConnectionProvider connections;
  private final long patienceNanos;
  private final int batchSize;
  private final long batchIntervalMs;
  private final ProcessingTimeService timers;

  private final CopyRow row;

  /** Key columns' values → the whole row, as COPY reads it. */
  private final Map<Object, byte[]> batch = new HashMap<>();

  private final byte[] chunk = new byte[CHUNK_BYTES];

  private Connection connection;
  private CopyManager copy;
  private PreparedStatement upsert;
  private ScheduledFuture<?> tick;
  private boolean closed;
  SinkMetrics metrics = SinkMetrics.none();

  CopyUpsertWriter(
      UpsertTable table,
      CopyRowEncoder<T> encoder,
      ReconnectingConnectionProvider connections,
      Duration patience,
      int batchSize,
      long batchIntervalMs,
      ProcessingTimeService timers) {
    this.table = table;
    this.encoder = encoder;
    this.connections = connections;
    this.patienceNanos = patience.toNanos();
    this.batchSize = batchSize;
    this.batchIntervalMs = batchIntervalMs;
    this.timers = timers;
    this.row = new CopyRow(table.keyColumns());
    scheduleTick();
  }

  @Override
  public void write(T element, Context context) throws IOException, InterruptedException {
    if (!row.isBinary()) {
      openForTypes();
    }
    row.reset();
    encoder.encode(element, row);
    if (row.columns() != table.columns().size()) {
      throw new IllegalStateException(
          "the row encoder of "
              + table.name()
              + " wrote "
              + row.columns()
              + " columns where the table has "
              + table.columns().size());
    }
    byte[] bytes = row.bytes();
    // A replay can send a key again within one batch; one upsert may not touch a row twice, and
    // the later row is the newer one.
    batch.put(row.key(), bytes);
    if (batch.size() >= batchSize) {
      writeBatch();
    }
  }

  @Override
  public void flush(boolean endOfInput) throws IOException, InterruptedException {
    writeBatch();
  }

  /** Every batch committed its own transaction (see {@link CopyUpsertSink#createCommitter}). */
  @Override
  public Collection<CopyUpsertSink.NothingToCommit> prepareCommit() {
    return List.of();
  }

  /** Rows waiting to be written. */
  int buffered() {
    return batch.size();
  }

  @Override
  public void close() throws Exception {
    // Not written here: what a checkpoint covers was flushed at its barrier, the rest is replayed.
    closed = true;
    if (tick != null) {
      tick.cancel(false);
    }
    dropConnection();
    connections.close();
  }

  private void scheduleTick() {
    if (timers != null && batchIntervalMs > 0 && !closed) {
      tick =
          timers.registerTimer(timers.getCurrentProcessingTime() + batchIntervalMs, this::onTick);
    }
  }

  private void onTick(long time) throws IOException, InterruptedException {
    if (closed) {
      return;
    }
    writeBatch();
    scheduleTick();
  }

  /**
   * Writes the batch in one transaction, again and whole after a failure that waiting can cure (the
   * database restarting, a lost connection, a deadlock), on a new connection; keeps it until it is
   * committed.
   */
  private void writeBatch() throws IOException, InterruptedException {
    if (batch.isEmpty()) {
      return;
    }
    long firstFailure = 0;
    long backoff = FIRST_BACKOFF_MS;
    for (int attempt = 1; ; attempt++) {
      try {
        long started = System.nanoTime();
        copyAndUpsert();
        metrics.batchWritten(batch.size(), System.nanoTime() - started);
        batch.clear();
        if (attempt > 1) {
          LOG.info("Wrote the batch to {} at attempt {}", table.name(), attempt);
        }
        return;
      } catch (SQLException e) {
        dropConnection(); // rolls back whatever the transaction had done
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("interrupted while writing to " + table.name());
        }
        long now = System.nanoTime();
        if (attempt == 1) {
          firstFailure = now;
        }
        if (!isTransient(e) || attempt >= MAX_ATTEMPTS || now - firstFailure > patienceNanos) {
          throw new IOException(
              "could not write a batch to "
                  + table.name()
                  + " (SQLSTATE "
                  + e.getSQLState()
                  + ", attempt "
                  + attempt
                  + ")",
              withoutValues(e));
        }
        LOG.warn(
            "Writing a batch to {} failed (attempt {}), writing it again in {} ms: {}",
            table.name(),
            attempt,
            backoff,
            e.getMessage());
        TimeUnit.MILLISECONDS.sleep(backoff);
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }

  /**
   * Opens the connection, which reads the column types of the binary form; a database that stays
   * away longer than the provider's patience fails the write (and the job fails over).
   */
  private void openForTypes() throws IOException {
    try {
      connection();
    } catch (SQLException e) {
      dropConnection();
      throw new IOException(
          "could not open a connection to write "
              + table.name()
              + " (SQLSTATE "
              + e.getSQLState()
              + ")",
          withoutValues(e));
    }
  }

  private void copyAndUpsert() throws SQLException {
    Connection c = connection();
    CopyIn in = copy.copyIn(table.copySql(row.isBinary()));
    try {
      byte[] header = row.header();
      System.arraycopy(header, 0, chunk, 0, header.length);
      int used = header.length;
      for (byte[] line : batch.values()) {
        if (used + line.length > chunk.length) {
          in.writeToCopy(chunk, 0, used);
          used = 0;
        }
        if (line.length > chunk.length) {
          in.writeToCopy(line, 0, line.length);
        } else {
          System.arraycopy(line, 0, chunk, used, line.length);
          used += line.length;
        }
      }
      byte[] trailer = row.trailer();
      if (used + trailer.length > chunk.length) {
        in.writeToCopy(chunk, 0, used);
        used = 0;
      }
      System.arraycopy(trailer, 0, chunk, used, trailer.length);
      used += trailer.length;
      if (used > 0) {
        in.writeToCopy(chunk, 0, used);
      }
      in.endCopy();
    } finally {
      if (in.isActive()) {
        cancel(in);
      }
    }
    upsert.executeUpdate();
    c.commit();
  }

  /**
   * The writer's connection with its staging table, opened (waiting for a restarting database up to
   * the provider's patience) when there is none.
   */
  private Connection connection() throws SQLException {
    if (connection == null) {
      Connection c;
      try {
        c = connections.getOrEstablishConnection();
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("the PostgreSQL driver is not on the classpath", e);
      }
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute(table.createStagingSql());
        if (!row.isBinary()) {
          row.binary(columnTypes(s));
        }
      }
      c.commit();
      copy = c.unwrap(PGConnection.class).getCopyAPI();
      upsert = c.prepareStatement(table.upsertFromStagingSql());
      connection = c;
    }
    return connection;
  }

  /** The staging table's column types ({@code pg_type} names), in the column list's order. */
  private List<String> columnTypes(Statement s) throws SQLException {
    List<String> types = new java.util.ArrayList<>();
    try (java.sql.ResultSet r =
        s.executeQuery(
            "select t.typname from pg_attribute a join pg_type t on t.oid = a.atttypid"
                + " where a.attrelid = '"
                + table.stagingTable()
                + "'::regclass and a.attnum > 0 and not a.attisdropped order by a.attnum")) {
      while (r.next()) {
        types.add(r.getString(1));
      }
    }
    if (types.size() != table.columns().size()) {
      throw new IllegalStateException(
          "the staging table of " + table.name() + " has " + types.size() + " columns");
    }
    return types;
  }

  /** Closes the connection (an open transaction is rolled back); the next batch opens a new one. */
  private void dropConnection() {
    connection = null;
    copy = null;
    upsert = null;
    connections.closeConnection();
  }

  private static void cancel(CopyIn in) {
    try {
      in.cancelCopy();
    } catch (SQLException ignored) {
      // the connection is closed next anyway
    }
  }

  /**
   * The failure as the job may report it: a new exception with the SQLSTATE and a message, without
   * PgJDBC's exception as its cause. With logServerErrorDetail=false PgJDBC leaves the statement,
   * the server's detail and its context out of the message (docs/operations.md), but keeps them in
   * the exception's server message, and Flink serialises a failure's causes into the job's
   * exception history. PostgreSQL's own message for a value it cannot read (SQLSTATE class 22, data
   * exception) quotes the value ("invalid input syntax for type date: …"): only its part before the
   * first colon is kept.
   */
  static SQLException withoutValues(SQLException e) {
    String state = e.getSQLState();
    String message = e.getMessage() == null ? "database error" : e.getMessage();
    if (state != null && state.startsWith("22")) {
      // PgJDBC writes "ERROR: <PostgreSQL's message>".
      String text = message.startsWith("ERROR: ") ? message.substring("ERROR: ".length()) : message;
      int colon = text.indexOf(':');
      message = (colon > 0 ? text.substring(0, colon) : "data exception") + " (value left out)";
    }
    return new SQLException(message, state);
  }

  /**
   * A failure that writing again can cure: the connection or the server went away (SQLSTATE class
   * 08, 57P01–57P03) or the transaction lost a race (class 40: deadlock, serialization failure).
   */
  static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return ReconnectingConnectionProvider.isPassing(e) || (state != null && state.startsWith("40"));
  }
}
