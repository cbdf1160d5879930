package org.cdrflow.rerating;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.rating.Rerating;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceSnapshotReader;
import org.cdrflow.settlement.SettlementCall;
import org.cdrflow.settlement.SettlementRepricing;

/**
 * The re-rating job's one operator: rates one subscription's lines of the period again ({@link
 * Rerating}, the streaming job's rules) and writes what changed to the shadow table, one
 * transaction per subscription. Thin: the rules are in {@link Rerating}, the SQL in {@link
 * ShadowStore}. Returns how many lines it rated.
 */
final class SubscriptionRerater extends RichMapFunction<String, Long> {
  private static final long serialVersionUID = 1L;

  private final JdbcSettings jdbc;
  private final String runId;
  private final String period;
  private final long referenceVersion;

  private transient Connection connection;
  private transient ReferenceData reference;
  private transient Rerating rerating;

  SubscriptionRerater(JdbcSettings jdbc, String runId, YearMonth period, long referenceVersion) {
    this.jdbc = jdbc;
    this.runId = runId;
    this.period = period.toString();
    this.referenceVersion = referenceVersion;
  }

  @Override
  public void open(OpenContext context) throws SQLException {
    reference = new ReferenceSnapshotReader(jdbc).read();
    if (reference.version() != referenceVersion) {
      // The run records the version it rated with: one version for every line of it.
      throw new IllegalStateException(
          "the reference data changed while the re-rating started (version "
              + referenceVersion
              + " → "
              + reference.version()
              + "); run it again");
    }
    connection = jdbc.connect();
    connection.setAutoCommit(false);
    rerating = new Rerating();
  }

  @Override
  public Long map(String subscriptionId) throws SQLException {
    YearMonth p = YearMonth.parse(period);
    List<InvoiceLine> lines = ShadowStore.lines(connection, subscriptionId, p);
    List<Rerating.Outcome> outcomes =
        rerating.rerate(
            lines,
            ShadowStore.presenceBefore(connection, subscriptionId, p),
            reference,
            Instant.now());
    ShadowStore.write(connection, runId, outcomes);
    // Settlement is priced again beside the lines, with the same reference snapshot: the
    // interconnect rate does not depend on the retail rating, so every settled row of the
    // selected lines is settled again, changed line or not (docs/rerating.md, "Settlement").
    List<ShadowStore.SettlementChange> settlements = new ArrayList<>();
    for (SettlementCall row : ShadowStore.settlements(connection, subscriptionId, p)) {
      SettlementRepricing.reprice(row, reference)
          .ifPresent(now -> settlements.add(new ShadowStore.SettlementChange(row, now)));
    }
    ShadowStore.writeSettlements(connection, runId, settlements);
    connection.commit();
    return (long) outcomes.size();
  }

  @Override
  public void close() throws SQLException {
    if (connection != null) {
      connection.close();
    }
  }
}
