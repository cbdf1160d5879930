package org.cdrflow.pipeline;

import java.io.Serializable;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job's periodic audit check (docs/reliability.md, "The audit checks itself"): every
 * {@code interval} while audit rows are written, {@link AuditReconciliation#whileRunning} against
 * the committed offsets of the raw topic and the rows of {@code invoice_line} and {@code
 * rejected_cdr} older than the in-flight allowance. A mismatch seen at {@value #CONSECUTIVE} checks
 * in a row (a restore may briefly leave rows ahead of the restored counts) is logged as an error
 * and counted in the metric {@code auditMismatches}; the gauge {@value #IN_TABLES_GAUGE} shows the
 * records the tables show received and not yet accounted for (in flight while the job runs, 0 after
 * a drain). It is not the exact balance {@code auditUnaccounted} ({@link AuditUnaccountedGauge}),
 * which the audit balance sets at every checkpoint and the alert reads (docs/operations.md, "The
 * job's metrics").
 *
 * <p>Runs once (parallelism 1, one key); it reads a few sums and row counts per check.
 */
public class AuditWatch extends KeyedProcessFunction<Integer, HourlyAudit, Void> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(AuditWatch.class);

  /** The gauge of the tables' difference, in flight while the job runs. */
  public static final String IN_TABLES_GAUGE = "auditUnaccountedInTables";

  /** Checks in a row that must see a mismatch before it is reported. */
  static final int CONSECUTIVE = 3;

  /** Where the check reads from, and how often. */
  public record Settings(
      JdbcSettings jdbc,
      String kafkaBootstrap,
      Properties kafkaClient,
      String rawTopic,
      String groupId,
      Duration interval,
      Duration inFlight)
      implements Serializable {}

  private final Settings settings;
  private transient ValueState<Long> nextCheck;
  private transient volatile long unaccounted;
  private transient Counter mismatches;
  private transient int inARow;

  public AuditWatch(Settings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext ctx) {
    nextCheck = getRuntimeContext().getState(new ValueStateDescriptor<>("next-check", Types.LONG));
    getRuntimeContext().getMetricGroup().gauge(IN_TABLES_GAUGE, () -> unaccounted);
    mismatches = getRuntimeContext().getMetricGroup().counter("auditMismatches");
  }

  @Override
  public void processElement(HourlyAudit row, Context ctx, Collector<Void> out) throws Exception {
    if (nextCheck.value() == null) {
      long at = ctx.timerService().currentProcessingTime() + settings.interval().toMillis();
      nextCheck.update(at);
      ctx.timerService().registerProcessingTimeTimer(at);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Void> out) throws Exception {
    // The next check is scheduled by the next audit row: an idle job is not checked again.
    nextCheck.clear();
    List<String> found;
    try {
      AuditReconciliation.Totals totals = read();
      unaccounted = totals.unaccounted();
      found = AuditReconciliation.whileRunning(totals);
    } catch (Exception e) {
      LOG.warn("Audit check skipped: {}", e.toString());
      return;
    }
    inARow = found.isEmpty() ? 0 : inARow + 1;
    if (inARow >= CONSECUTIVE) {
      mismatches.inc();
      LOG.error("Audit check failed: {}", String.join("; ", found));
    }
  }

  private AuditReconciliation.Totals read() throws Exception {
    long consumed = consumedRecords();
    try (Connection c = settings.jdbc().connect()) {
      return AuditReconciliation.read(
          c, consumed, "now() - interval '" + settings.inFlight().toSeconds() + " seconds'");
    }
  }

  /**
   * Offsets committed by the job (the input its completed checkpoints cover) less where each
   * partition begins: the raw records consumed. A transactional producer's markers take offsets
   * too; the check then sees more consumed than received (docs/reliability.md).
   */
  private long consumedRecords() throws Exception {
    Properties p = new Properties();
    p.putAll(settings.kafkaClient());
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrap());
    try (Admin admin = Admin.create(p)) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(settings.groupId()).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      committed.keySet().stream()
          .filter(tp -> tp.topic().equals(settings.rawTopic()))
          .forEach(tp -> earliest.put(tp, OffsetSpec.earliest()));
      long sum = 0;
      if (earliest.isEmpty()) {
        return 0;
      }
      var start = admin.listOffsets(earliest).all().get();
      for (TopicPartition tp : earliest.keySet()) {
        OffsetAndMetadata c = committed.get(tp);
        if (c != null) {
          sum += c.offset() - start.get(tp).offset();
        }
      }
      return sum;
    }
  }
}
