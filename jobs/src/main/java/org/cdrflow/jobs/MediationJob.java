package org.cdrflow.jobs;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.fraud.FraudAlert;
import org.cdrflow.fraud.FraudDetection;
import org.cdrflow.fraud.FraudDetectionFunction;
import org.cdrflow.fraud.FraudDetectionOperator;
import org.cdrflow.pipeline.AuditBalance;
import org.cdrflow.pipeline.AuditCombiner;
import org.cdrflow.pipeline.AuditEvent;
import org.cdrflow.pipeline.AuditWatch;
import org.cdrflow.pipeline.CallAssembler;
import org.cdrflow.pipeline.CallKeyHash;
import org.cdrflow.pipeline.DailySettlementAggregator;
import org.cdrflow.pipeline.EventTimeRater;
import org.cdrflow.pipeline.HourlyAudit;
import org.cdrflow.pipeline.HourlyAuditAggregator;
import org.cdrflow.pipeline.MediatedCallSerializer;
import org.cdrflow.pipeline.MediationFunction;
import org.cdrflow.pipeline.Outcomes;
import org.cdrflow.pipeline.Rejection;
import org.cdrflow.pipeline.SettlementFunction;
import org.cdrflow.pipeline.StateKeySerializer;
import org.cdrflow.pipeline.StateLineage;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.rating.UsageNotice;
import org.cdrflow.reference.ReferenceDataProvider;
import org.cdrflow.settlement.DailySettlement;
import org.cdrflow.settlement.SettlementCall;
import org.cdrflow.settlement.SettlementDailyRow;

/**
 * The streaming job: raw CDRs in; invoice lines, settlement, rejects, notifications and the audit
 * out (docs/architecture.md has the picture). The topology is this plain method; {@code main} and
 * the commands only wire configuration, sources and sinks to it. Every operator has a stable uid so
 * savepoints survive upgrades.
 */
public final class MediationJob {
  private MediationJob() {}

  /** Tunables of the topology (defaults in the README's configuration table). */
  public record Settings(
      String homeOperatorId,
      Duration outOfOrderness,
      Duration idleness,
      Duration partialTimeout,
      Duration dedupWindow,
      long aggregateFlushMs,
      StateLineage lineage,
      AuditWatch.Settings auditCheck,
      Duration endCheckInterval,
      int fraudCachedSubscriptions)
      implements Serializable {
    /**
     * {@code endCheckInterval} ({@code state.end-check-interval}) replaces the built-in end checks
     * (a day for subscriptions, an hour for settlement days and audit hours); null keeps them.
     */
    private long endCheckMs(long builtIn) {
      return endCheckInterval == null ? builtIn : endCheckInterval.toMillis();
    }

    /**
     * Without a lineage ({@code lineage} null: aggregate rows are written without one), the audit's
     * check against the tables, or a changed end check, and detection's cache at its default size.
     */
    public Settings(
        String homeOperatorId,
        Duration outOfOrderness,
        Duration idleness,
        Duration partialTimeout,
        Duration dedupWindow,
        long aggregateFlushMs) {
      this(
          homeOperatorId,
          outOfOrderness,
          idleness,
          partialTimeout,
          dedupWindow,
          aggregateFlushMs,
          null,
          null,
          null,
          FraudDetectionOperator.CACHED_SUBSCRIPTIONS);
    }
  }

  /**
   * Where each output goes; a null sink drops that output (e.g. no topic in a test). With both
   * alert outputs null the detection stage is left out ({@code fraud.detection.enabled}).
   */
  public record Outputs(
      Sink<InvoiceLine> invoiceLines,
      Sink<SettlementCall> settlementCalls,
      Sink<SettlementDailyRow> settlementDaily,
      Sink<Rejection> rejectedTable,
      Sink<Rejection> rejectedTopic,
      Sink<UsageNotice> notifications,
      Sink<HourlyAudit> audit,
      Sink<FraudAlert> fraudAlertTable,
      Sink<FraudAlert> fraudAlertTopic) {}

  /** Builds the topology; returns the rated lines (their watermark is the job's event time). */
  public static SingleOutputStreamOperator<InvoiceLine> build(
      StreamExecutionEnvironment env,
      Source<IncomingCdr, ?, ?> source,
      ReferenceDataProvider reference,
      Settings settings,
      Outputs outputs) {
    // Chained operators hand records on without a defensive copy: every function emits an object
    // it no longer changes, and what it keeps in heap state came from a shuffle or is its own.
    env.getConfig().enableObjectReuse();
    long maxFutureMs = Duration.ofHours(1).toMillis();
    WatermarkStrategy<IncomingCdr> watermarks =
        WatermarkStrategy.<IncomingCdr>forBoundedOutOfOrderness(settings.outOfOrderness())
            .withTimestampAssigner(
                (r, kafkaTs) ->
                    // A record that will be rejected must not move event time: a hostile or broken
                    // timestamp would otherwise make every later record late.
                    r.decoded() && r.eventTime() <= System.currentTimeMillis() + maxFutureMs
                        ? r.eventTime()
                        : Long.MIN_VALUE)
            .withIdleness(settings.idleness());

    DataStream<IncomingCdr> raw =
        env.fromSource(source, watermarks, "Raw CDRs").uid("source-raw-cdrs");

    SingleOutputStreamOperator<MediatedCall> mediated =
        raw.process(new MediationFunction(reference, settings.homeOperatorId()))
            .returns(MediatedCallSerializer.TYPE)
            .uid("mediate")
            .name("Decode, validate, normalise, enrich");

    SingleOutputStreamOperator<MediatedCall> calls =
        mediated
            .keyBy(CallKeyHash::of, Types.LONG)
            .process(new CallAssembler(settings.partialTimeout(), settings.dedupWindow()))
            .returns(MediatedCallSerializer.TYPE)
            .uid("assemble-calls")
            .name("Drop duplicates, join partials");

    SingleOutputStreamOperator<InvoiceLine> lines =
        calls
            .keyBy(c -> c.subscriptionId, StateKeySerializer.TYPE)
            .process(
                new EventTimeRater(reference, settings.endCheckMs(EventTimeRater.END_CHECK_MS)))
            .uid("rate")
            .name("Rate in event-time order");

    // Abnormal-usage detection: a side branch on the rated lines (docs/fraud.md).
    if (outputs.fraudAlertTable() != null || outputs.fraudAlertTopic() != null) {
      FraudDetection.attach(
          lines,
          new FraudDetectionFunction(reference),
          settings.fraudCachedSubscriptions(),
          reference,
          outputs.fraudAlertTable(),
          outputs.fraudAlertTopic());
    }

    // Settlement reads the assembled calls beside the rater: a call is settled whatever its retail
    // outcome, without waiting for the watermark (docs/settlement.md).
    SingleOutputStreamOperator<SettlementCall> settled =
        calls
            .process(new SettlementFunction())
            .returns(Types.POJO(SettlementCall.class))
            .uid("settle-calls")
            .name("Settle interconnect traffic");
    SingleOutputStreamOperator<SettlementDailyRow> daily =
        settled
            .keyBy(DailySettlement::keyOf, StateKeySerializer.TYPE)
            .process(
                new DailySettlementAggregator(
                    settings.aggregateFlushMs(),
                    reference,
                    settings.lineage(),
                    settings.endCheckMs(DailySettlementAggregator.END_CHECK_MS)))
            .uid("settlement-daily")
            .name("Sum settlement per partner and day");

    DataStream<Rejection> rejects =
        mediated
            .getSideOutput(Outcomes.REJECTS)
            .union(calls.getSideOutput(Outcomes.REJECTS), lines.getSideOutput(Outcomes.REJECTS));

    DataStream<AuditEvent> audit =
        combined(mediated.getSideOutput(Outcomes.AUDIT), "mediate")
            .union(
                combined(calls.getSideOutput(Outcomes.AUDIT), "assemble-calls"),
                combined(lines.getSideOutput(Outcomes.AUDIT), "rate"),
                combined(settled.getSideOutput(Outcomes.AUDIT), "settle"));
    // The audit equation as a metric, held calls included (docs/operations.md, "The job's
    // metrics").
    audit
        .union(combined(lines.getSideOutput(Outcomes.HELD), "held"))
        .transform("Audit balance", Types.VOID, new AuditBalance())
        .uid("audit-balance")
        .setParallelism(1)
        .setMaxParallelism(1);
    SingleOutputStreamOperator<HourlyAudit> hourly =
        audit
            .keyBy(e -> e.hour)
            .process(
                new HourlyAuditAggregator(
                    settings.aggregateFlushMs(),
                    settings.lineage(),
                    settings.endCheckMs(HourlyAuditAggregator.END_CHECK_MS)))
            .uid("audit-hourly")
            .name("Sum audit per hour");

    if (settings.auditCheck() != null) {
      hourly
          .keyBy(a -> 0, Types.INT)
          .process(new AuditWatch(settings.auditCheck()))
          .returns(Types.VOID)
          .uid("audit-check")
          .name("Check the audit against the tables")
          .setParallelism(1)
          .sinkTo(new DiscardingSink<>())
          .uid("sink-audit-check")
          .setParallelism(1);
    }
    sink(lines, outputs.invoiceLines(), "invoice-line");
    sink(settled, outputs.settlementCalls(), "settlement-call");
    sink(daily, outputs.settlementDaily(), "settlement-daily");
    sink(rejects, outputs.rejectedTable(), "rejected-cdr");
    sink(rejects, outputs.rejectedTopic(), "rejected-topic");
    sink(lines.getSideOutput(EventTimeRater.NOTICES), outputs.notifications(), "notifications");
    sink(hourly, outputs.audit(), "mediation-audit");
    return lines;
  }

  private static DataStream<AuditEvent> combined(DataStream<AuditEvent> events, String stage) {
    return events
        .transform("Pre-sum audit of " + stage, Types.POJO(AuditEvent.class), new AuditCombiner())
        .uid("audit-combine-" + stage);
  }

  private static <T> void sink(DataStream<T> stream, Sink<T> sink, String name) {
    if (sink != null) {
      stream.sinkTo(sink).uid("sink-" + name).name(name);
    }
  }
}
