package org.cdrflow.reference;

import java.io.Serializable;
import java.time.Duration;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;

/**
 * Where a Flink function gets its reference data from: serialisable so it can travel with the job
 * graph, opened on the task. Production uses the database ({@link #live}); tests may hand in a
 * fixed snapshot.
 */
public interface ReferenceDataProvider extends Serializable {
  void open();

  ReferenceData current();

  void close();

  /**
   * When the snapshot of {@link #current()} was last found to be the database's current one (epoch
   * millis); a fixed snapshot is always current.
   */
  default long confirmedAtMillis() {
    return System.currentTimeMillis();
  }

  /** Where the monthly anonymisation stands as of the last poll; null when unknown. */
  default ReferenceSnapshotReader.AnonymisationStatus anonymisation() {
    return null;
  }

  /** The database's reference data, reloaded when it changes (within {@code refresh}). */
  static ReferenceDataProvider live(JdbcSettings jdbc, Duration refresh) {
    return new ReferenceDataProvider() {
      private static final long serialVersionUID = 1L;
      private transient LiveReferenceData live;

      @Override
      public void open() {
        live = LiveReferenceData.acquire(jdbc, refresh);
      }

      @Override
      public ReferenceData current() {
        return live.current();
      }

      @Override
      public long confirmedAtMillis() {
        return live.confirmedAtMillis();
      }

      @Override
      public ReferenceSnapshotReader.AnonymisationStatus anonymisation() {
        return live.anonymisation();
      }

      @Override
      public void close() {
        if (live != null) {
          live.close();
          live = null;
        }
      }
    };
  }

  /** Always the same snapshot. */
  static ReferenceDataProvider fixed(ReferenceData data) {
    return new ReferenceDataProvider() {
      private static final long serialVersionUID = 1L;

      @Override
      public void open() {}

      @Override
      public ReferenceData current() {
        return data;
      }

      @Override
      public void close() {}
    };
  }
}
