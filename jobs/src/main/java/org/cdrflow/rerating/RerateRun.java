package org.cdrflow.rerating;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.reference.ReferenceSnapshotReader;

/**
 * {@code cdrflow rerate --period}: records a {@code rerate_run}, runs the bounded re-rating job
 * over the selected subscriptions and marks the run {@code RATED} (docs/rerating.md). Writes only
 * the shadow tables.
 */
public final class RerateRun {

  /** What a run rated: its id, counts and totals. */
  public record Summary(
      String runId,
      long referenceVersion,
      long linesSelected,
      long linesChanged,
      long skippedAnonymised,
      BigDecimal totalBefore,
      BigDecimal totalAfter) {}

  private final JdbcSettings jdbc;
  private final int parallelism;

  public RerateRun(JdbcSettings jdbc, int parallelism) {
    this.jdbc = jdbc;
    this.parallelism = Math.max(1, parallelism);
  }

  /**
   * Re-rates the lines of usage period {@code period}, of one account or one subscription when
   * given (at most one of them).
   */
  public Summary run(YearMonth period, String accountId, String subscriptionId) throws Exception {
    if (accountId != null && subscriptionId != null) {
      throw new IllegalArgumentException("give --account or --subscription, not both");
    }
    String runId = UUID.randomUUID().toString();
    long version = new ReferenceSnapshotReader(jdbc).marker().version();
    // Read while the subscriptions are selected and the job starts; the tasks take it.
    RunReference.prefetch(runId, jdbc);
    try {
      return selectAndRate(runId, version, period, accountId, subscriptionId);
    } finally {
      RunReference.forget(runId);
    }
  }

  private Summary selectAndRate(
      String runId, long version, YearMonth period, String accountId, String subscriptionId)
      throws Exception {
    boolean anyLine;
    try (Connection c = jdbc.connect()) {
      c.setAutoCommit(false);
      String filter =
          accountId != null
              ? " AND account_id = ?"
              : subscriptionId != null ? " AND subscription_id = ?" : "";
      long anonymised;
      // One pass over the period's partitions: the anonymised lines it skips, and whether it has a
      // line to rate. The tasks select their ranges' subscriptions themselves (ShadowStore.Range).
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT count(*) FILTER (WHERE anonymised_at IS NOT NULL),"
                  + " count(*) FILTER (WHERE anonymised_at IS NULL"
                  + " AND subscription_id IS NOT NULL) > 0 FROM invoice_line"
                  + " WHERE usage_period = ? AND corrects_line_id IS NULL"
                  + " AND event_date >= ? AND event_date < ?"
                  + filter)) {
        bind(s, period, accountId, subscriptionId);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          anonymised = r.getLong(1);
          anyLine = r.getBoolean(2);
        }
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "INSERT INTO rerate_run (run_id, period, account_id, subscription_id,"
                  + " reference_version, lines_skipped_anonymised) VALUES (?::uuid, ?, ?, ?, ?, ?)")) {
        s.setString(1, runId);
        s.setString(2, period.toString());
        s.setString(3, accountId);
        s.setString(4, subscriptionId);
        s.setLong(5, version);
        s.setLong(6, anonymised);
        s.executeUpdate();
      }
      c.commit();
    }
    try {
      if (anyLine) {
        runJob(
            runId,
            period,
            version,
            subscriptionId != null ? 1 : parallelism,
            accountId,
            subscriptionId);
      }
      setStatus(runId, "RATED");
    } catch (Exception e) {
      setStatus(runId, "FAILED");
      throw e;
    }
    return summary(jdbc, runId);
  }

  private void runJob(
      String runId, YearMonth period, long version, int p, String accountId, String subscriptionId)
      throws Exception {
    Configuration conf = new Configuration();
    conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
    // A failed subscription would be written twice by a retry (its counts added again): the run
    // fails instead, and a new run starts afresh.
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, p);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(p);
    env.fromData(ranges(p), Types.INT)
        .name("Ranges of the selected subscriptions")
        .uid("rerate-subscriptions")
        .rebalance()
        .map(
            new SubscriptionRangeRerater(
                jdbc, runId, period, version, p, accountId, subscriptionId))
        .setParallelism(p)
        .returns(Types.LONG)
        .name("Rate a range of subscriptions' period again")
        .uid("rerate-subscription")
        .sinkTo(new DiscardingSink<>())
        .setParallelism(p)
        .name("Done")
        .uid("rerate-done");
    env.execute("cdrflow-rerate " + period);
  }

  /**
   * The ranges 0 … n − 1, one per task: each selects its subscriptions by their hash ({@link
   * ShadowStore.Range}) and reads their lines by a few streamed queries, since {@code invoice_line}
   * is not indexed by subscription (docs/benchmarks.md, "Re-rating").
   */
  static List<Integer> ranges(int n) {
    List<Integer> ranges = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ranges.add(i);
    }
    return ranges;
  }

  private static void bind(
      PreparedStatement s, YearMonth period, String accountId, String subscriptionId)
      throws SQLException {
    s.setString(1, period.toString());
    s.setObject(2, period.atDay(1));
    s.setObject(3, period.plusMonths(1).atDay(1));
    if (accountId != null) {
      s.setString(4, accountId);
    } else if (subscriptionId != null) {
      s.setString(4, subscriptionId);
    }
  }

  private void setStatus(String runId, String status) throws SQLException {
    try (Connection c = jdbc.connect();
        PreparedStatement s =
            c.prepareStatement(
                "UPDATE rerate_run SET status = ?, rated_at = now() WHERE run_id = ?::uuid")) {
      s.setString(1, status);
      s.setString(2, runId);
      s.executeUpdate();
    }
  }

  /** The counts and totals of a run. */
  public static Summary summary(JdbcSettings jdbc, String runId) throws SQLException {
    try (Connection c = jdbc.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT reference_version, lines_selected, lines_changed,"
                    + " lines_skipped_anonymised, total_before, total_after FROM rerate_run"
                    + " WHERE run_id = ?::uuid")) {
      s.setString(1, runId);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          throw new IllegalArgumentException("no re-rating run " + runId);
        }
        return new Summary(
            runId,
            r.getLong(1),
            r.getLong(2),
            r.getLong(3),
            r.getLong(4),
            r.getBigDecimal(5),
            r.getBigDecimal(6));
      }
    }
  }
}
