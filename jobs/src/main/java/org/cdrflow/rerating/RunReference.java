package org.cdrflow.rerating;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceSnapshotReader;

/**
 * The reference snapshot a re-rating run rates with, read by {@link RerateRun} on a thread of its
 * own while the job's local cluster starts, and taken by the job's tasks when they run in the same
 * JVM (the local cluster of {@code cdrflow rerate}): one read of the snapshot per run instead of
 * one per task, off the run's critical path (docs/benchmarks.md, "Re-rating"). A task in another
 * JVM finds none and reads its own. The snapshot is read-only, so the tasks share it.
 */
final class RunReference {
  private static final Map<String, CompletableFuture<ReferenceData>> RUNS =
      new ConcurrentHashMap<>();

  private RunReference() {}

  /** Starts reading the snapshot of run {@code runId}. */
  static void prefetch(String runId, JdbcSettings jdbc) {
    CompletableFuture<ReferenceData> snapshot = new CompletableFuture<>();
    RUNS.put(runId, snapshot);
    Thread reader =
        new Thread(
            () -> {
              try {
                snapshot.complete(new ReferenceSnapshotReader(jdbc).read());
              } catch (SQLException | RuntimeException e) {
                snapshot.completeExceptionally(e);
              }
            },
            "rerate-reference-" + runId);
    reader.setDaemon(true);
    reader.start();
  }

  /** The snapshot of run {@code runId}: the prefetched one in this JVM, else read now. */
  static ReferenceData take(String runId, JdbcSettings jdbc) throws SQLException {
    CompletableFuture<ReferenceData> snapshot = RUNS.get(runId);
    if (snapshot == null) {
      return new ReferenceSnapshotReader(jdbc).read();
    }
    try {
      return snapshot.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof SQLException s) {
        throw s;
      }
      throw e;
    }
  }

  /** Lets go of the snapshot of a run that ended. */
  static void forget(String runId) {
    RUNS.remove(runId);
  }
}
