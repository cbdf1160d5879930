package org.cdrflow.jobs;

import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.jdbc.CopyUpsertSink;
import org.cdrflow.connectors.jdbc.UpsertSink;
import org.cdrflow.fraud.FraudAlertOutputs;
import org.cdrflow.pipeline.AuditWatch;
import org.cdrflow.pipeline.KafkaOutputs;
import org.cdrflow.pipeline.OutputTables;
import org.cdrflow.pipeline.StateLineage;

/** The production outputs of the streaming job: PostgreSQL tables and Kafka topics. */
public final class JobOutputs {
  private JobOutputs() {}

  public static MediationJob.Outputs from(CdrflowConfig config) {
    CdrflowConfig.JdbcSettings jdbc = config.jdbc();
    int batch = config.integer(CdrflowConfig.SINK_BATCH_SIZE);
    long interval = config.duration(CdrflowConfig.SINK_BATCH_INTERVAL).toMillis();
    String bootstrap = config.require(CdrflowConfig.KAFKA_BOOTSTRAP);
    // Lines and settlement rows are written once per rated call: their batches go by COPY
    // through a staging table. The aggregates rewrite a key repeatedly and the rejects and audit
    // are few: one upsert statement per row (docs/architecture.md, "Exactly-once effect").
    boolean fraud = Boolean.parseBoolean(config.get(CdrflowConfig.FRAUD_DETECTION_ENABLED));
    return new MediationJob.Outputs(
        CopyUpsertSink.create(
            OutputTables.INVOICE_LINE_TABLE, OutputTables.INVOICE_LINE_ROW, jdbc, batch, interval),
        CopyUpsertSink.create(
            OutputTables.SETTLEMENT_CALL_TABLE,
            OutputTables.SETTLEMENT_CALL_ROW,
            jdbc,
            batch,
            interval),
        UpsertSink.create(
            OutputTables.SETTLEMENT_DAILY_UPSERT,
            OutputTables.SETTLEMENT_DAILY,
            jdbc,
            batch,
            interval),
        UpsertSink.create(
            OutputTables.REJECTED_CDR_UPSERT, OutputTables.REJECTED_CDR, jdbc, batch, interval),
        KafkaOutputs.rejects(
            bootstrap, config.get(CdrflowConfig.TOPIC_REJECTED), config.kafkaClientProperties()),
        KafkaOutputs.notifications(
            bootstrap,
            config.get(CdrflowConfig.TOPIC_NOTIFICATIONS),
            config.kafkaClientProperties()),
        UpsertSink.create(
            OutputTables.MEDIATION_AUDIT_UPSERT,
            OutputTables.MEDIATION_AUDIT,
            jdbc,
            batch,
            interval),
        // Without detection neither alert output exists, and the job leaves the stage out.
        fraud
            ? UpsertSink.create(
                FraudAlertOutputs.TABLE_INSERT, FraudAlertOutputs.TABLE_ROW, jdbc, batch, interval)
            : null,
        fraud
            ? FraudAlertOutputs.topic(
                bootstrap,
                config.get(CdrflowConfig.TOPIC_FRAUD_ALERTS),
                config.kafkaClientProperties())
            : null);
  }

  public static MediationJob.Settings settings(CdrflowConfig config) {
    return new MediationJob.Settings(
        config.require(CdrflowConfig.HOME_OPERATOR_ID),
        config.duration(CdrflowConfig.WATERMARK_OUT_OF_ORDERNESS),
        config.duration(CdrflowConfig.WATERMARK_IDLENESS),
        config.duration(CdrflowConfig.PARTIAL_TIMEOUT),
        config.duration(CdrflowConfig.DEDUP_WINDOW),
        1_000L,
        new StateLineage(config.jdbc(), Boolean.parseBoolean(config.get(StateLineage.REBUILD_KEY))),
        new AuditWatch.Settings(
            config.jdbc(),
            config.require(CdrflowConfig.KAFKA_BOOTSTRAP),
            config.kafkaClientProperties(),
            config.get(CdrflowConfig.TOPIC_RAW),
            config.get(CdrflowConfig.KAFKA_GROUP_ID),
            config.duration(CdrflowConfig.AUDIT_CHECK_INTERVAL),
            config.duration(CdrflowConfig.AUDIT_CHECK_IN_FLIGHT)),
        config.get(CdrflowConfig.STATE_END_CHECK_INTERVAL) == null
            ? null
            : config.duration(CdrflowConfig.STATE_END_CHECK_INTERVAL),
        config.integer(CdrflowConfig.FRAUD_CACHED_SUBSCRIPTIONS));
  }
}
