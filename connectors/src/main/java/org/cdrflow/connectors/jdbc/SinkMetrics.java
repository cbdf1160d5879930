package org.cdrflow.connectors.jdbc;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * What a batched sink reports about its writes, under the job's metric group {@code cdrflow} with
 * the label {@code table} (a table name, one of a handful): batches and rows written, the time
 * spent writing and committing them, and the size and time of the last batch. Names and their
 * meaning are listed in docs/operations.md ("The job's metrics").
 */
public final class SinkMetrics {
  /** The metric group every cdrflow metric lives in. */
  public static final String GROUP = "cdrflow";

  private final Counter batches;
  private final Counter rows;
  private final Counter millis;
  private volatile long lastRows;
  private volatile long lastMillis;

  private SinkMetrics(MetricGroup operator, String table) {
    MetricGroup g = operator.addGroup(GROUP).addGroup("table", table);
    batches = g.counter("sinkBatches");
    rows = g.counter("sinkRows");
    millis = g.counter("sinkBatchMillis");
    g.gauge("sinkLastBatchRows", (Gauge<Long>) () -> lastRows);
    g.gauge("sinkLastBatchMillis", (Gauge<Long>) () -> lastMillis);
  }

  public static SinkMetrics register(MetricGroup operator, String table) {
    return new SinkMetrics(operator, table);
  }

  /** Metrics that go nowhere, for a writer made outside a Flink task (tests). */
  public static SinkMetrics none() {
    return new SinkMetrics(new org.apache.flink.metrics.groups.UnregisteredMetricsGroup(), "none");
  }

  /** One batch committed: its rows and the time from its first statement to its commit. */
  public void batchWritten(int batchRows, long elapsedNanos) {
    long ms = elapsedNanos / 1_000_000;
    batches.inc();
    rows.inc(batchRows);
    millis.inc(ms);
    lastRows = batchRows;
    lastMillis = ms;
  }
}
