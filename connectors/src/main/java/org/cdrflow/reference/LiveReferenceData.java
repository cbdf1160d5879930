package org.cdrflow.reference;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current reference data of one database, shared by every task in a JVM (one copy per Flink
 * TaskManager, not per slot), reloaded in the background when the tables change, so that a change
 * made by BSS takes effect within the refresh interval without a restart and without a database
 * round trip per record (docs/architecture.md, "Reference data").
 */
public final class LiveReferenceData implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LiveReferenceData.class);
  private static final Map<String, LiveReferenceData> SHARED = new ConcurrentHashMap<>();

  private final ReferenceSnapshotReader reader;
  private final ScheduledExecutorService refresher;
  private volatile ReferenceData current;
  private volatile ReferenceSnapshotReader.Marker marker;
  private volatile long confirmedAtMillis;
  private volatile ReferenceSnapshotReader.AnonymisationStatus anonymisation;
  private int users;

  private LiveReferenceData(JdbcSettings jdbc, Duration refresh) {
    this.reader = new ReferenceSnapshotReader(jdbc);
    loadNow();
    try {
      anonymisation = reader.anonymisationStatus();
    } catch (Exception e) {
      // Only a metric depends on it; the next poll tries again.
      LOG.warn("Could not read the anonymisation runs: {}", e.toString());
    }
    this.refresher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "reference-data-refresh");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(100, refresh.toMillis());
    refresher.scheduleWithFixedDelay(this::refreshIfChanged, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * The shared instance for this database, loading it on first use. Every {@code acquire} is paired
   * with a {@link #close()}; the last close stops the refresher.
   */
  public static synchronized LiveReferenceData acquire(JdbcSettings jdbc, Duration refresh) {
    LiveReferenceData live =
        SHARED.computeIfAbsent(
            jdbc.url() + "|" + jdbc.user(), k -> new LiveReferenceData(jdbc, refresh));
    live.users++;
    return live;
  }

  /** The snapshot to use now; a volatile read. */
  public ReferenceData current() {
    return current;
  }

  /**
   * When the snapshot in use was last found to be the database's current one (loaded, or a poll saw
   * no change): a refresh that keeps failing makes it older and older (docs/operations.md,
   * "Reference data stale").
   */
  public long confirmedAtMillis() {
    return confirmedAtMillis;
  }

  /** The anonymisation runs as of the last poll; null before the first one. */
  public ReferenceSnapshotReader.AnonymisationStatus anonymisation() {
    return anonymisation;
  }

  /** Reloads at once, e.g. after {@code load-reference} in the same process. */
  public synchronized void loadNow() {
    try {
      ReferenceSnapshotReader.Marker m = reader.marker();
      ReferenceData data = reader.read();
      this.current = data;
      this.marker = m;
      this.confirmedAtMillis = System.currentTimeMillis();
      LOG.info(
          "Reference data version {} loaded: {} numbers with subscriptions",
          m.version(),
          data.subscriptionCount());
    } catch (Exception e) {
      throw new IllegalStateException("reference data could not be loaded: " + e.getMessage(), e);
    }
  }

  private void refreshIfChanged() {
    try {
      if (!reader.marker().equals(marker)) {
        loadNow();
      } else {
        confirmedAtMillis = System.currentTimeMillis();
      }
      anonymisation = reader.anonymisationStatus();
    } catch (Exception e) {
      // Keep rating with the last good snapshot; the next poll tries again.
      LOG.warn(
          "Reference data refresh failed, keeping version {}: {}", marker.version(), e.toString());
    }
  }

  @Override
  public void close() {
    synchronized (LiveReferenceData.class) {
      if (--users <= 0) {
        SHARED.values().remove(this);
        refresher.shutdownNow();
      }
    }
  }
}
