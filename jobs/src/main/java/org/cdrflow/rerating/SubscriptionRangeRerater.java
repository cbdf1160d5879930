package org.cdrflow.rerating;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.rating.PresenceDays;
import org.cdrflow.rating.Rerating;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.settlement.SettlementRepricing;

/**
 * The re-rating job's one operator: rates the lines of a range of subscriptions of the period again
 * ({@link Rerating}, the streaming job's rules), subscription by subscription, and writes what
 * changed to the shadow tables in one transaction per range. The range's days at home before the
 * period are read by one query, then its lines with their settlement rows beside them by one binary
 * COPY (not one query per subscription: {@code invoice_line} has no index by subscription,
 * docs/benchmarks.md "Re-rating"). Thin: the rules are in {@link Rerating}, the SQL in {@link
 * ShadowStore}. Returns how many lines it rated.
 */
final class SubscriptionRangeRerater extends RichMapFunction<Integer, Long> {
  private static final long serialVersionUID = 1L;

  private final JdbcSettings jdbc;
  private final String runId;
  private final String period;
  private final long referenceVersion;
  private final int ranges;
  private final String accountId;
  private final String subscriptionId;

  private transient Connection reading;
  private transient Connection writing;
  private transient ReferenceData reference;
  private transient Rerating rerating;

  /**
   * @param ranges how many ranges the selected subscriptions are split into ({@link
   *     ShadowStore.Range})
   * @param accountId the selected account, or null
   * @param subscriptionId the selected subscription, or null
   */
  SubscriptionRangeRerater(
      JdbcSettings jdbc,
      String runId,
      YearMonth period,
      long referenceVersion,
      int ranges,
      String accountId,
      String subscriptionId) {
    this.jdbc = jdbc;
    this.runId = runId;
    this.period = period.toString();
    this.referenceVersion = referenceVersion;
    this.ranges = ranges;
    this.accountId = accountId;
    this.subscriptionId = subscriptionId;
  }

  @Override
  public void open(OpenContext context) throws SQLException {
    reference = RunReference.take(runId, jdbc);
    if (reference.version() != referenceVersion) {
      // The run records the version it rated with: one version for every line of it.
      throw new IllegalStateException(
          "the reference data changed while the re-rating started (version "
              + referenceVersion
              + " → "
              + reference.version()
              + "); run it again");
    }
    // Two connections: the range's queries stay open (streamed) while the shadow rows are written.
    reading = jdbc.connect();
    reading.setAutoCommit(false);
    reading.setReadOnly(true);
    writing = jdbc.connect();
    writing.setAutoCommit(false);
    rerating = new Rerating();
  }

  @Override
  public Long map(Integer index) throws SQLException {
    YearMonth p = YearMonth.parse(period);
    ShadowStore.Range range = new ShadowStore.Range(p, index, ranges, accountId, subscriptionId);
    Instant now = Instant.now();
    try (Statement st = reading.createStatement()) {
      // The range's lines are sorted by subscription: in memory rather than in files on disk
      // (docs/benchmarks.md, "Re-rating"); for this transaction only.
      st.execute("SET LOCAL work_mem = '256MB'");
      // No parallel workers: the run's tasks already keep the cores busy, one query each, and
      // workers would pass every row through shared memory queues to the task's backend (and
      // sort and merge it again) for nothing (docs/benchmarks.md, "Re-rating, third round").
      st.execute("SET LOCAL max_parallel_workers_per_gather = 0");
    }
    ShadowStore.Writer out = new ShadowStore.Writer(writing, runId);
    Map<String, PresenceDays> presence = ShadowStore.presence(reading, range);
    // Settlement is priced again beside the lines, with the same reference snapshot: the
    // interconnect rate does not depend on the retail rating, so every settled row of the
    // selected lines is settled again, changed line or not (docs/rerating.md, "Settlement").
    // The rows come in the lines' own COPY, each beside its line.
    List<ShadowStore.SettlementChange> settlements = new ArrayList<>();
    try (ShadowStore.RangeLines lines =
        new ShadowStore.RangeLines(
            reading,
            range,
            row ->
                SettlementRepricing.reprice(row, reference)
                    .ifPresent(
                        repriced ->
                            settlements.add(new ShadowStore.SettlementChange(row, repriced))))) {
      List<InvoiceLine> one;
      while ((one = lines.nextSubscription()) != null) {
        PresenceDays before = presence.remove(one.get(0).subscriptionId);
        out.write(
            rerating.rerate(one, before == null ? new PresenceDays() : before, reference, now));
      }
    }
    ShadowStore.writeSettlements(writing, runId, settlements);
    long rated = out.finish();
    writing.commit();
    reading.commit();
    return rated;
  }

  @Override
  public void close() throws SQLException {
    if (reading != null) {
      reading.close();
    }
    if (writing != null) {
      writing.close();
    }
  }
}
