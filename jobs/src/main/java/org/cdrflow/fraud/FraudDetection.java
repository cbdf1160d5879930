package org.cdrflow.fraud;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.cdrflow.pipeline.StateKeySerializer;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.reference.ReferenceDataProvider;

/**
 * The detection stage of the streaming job (docs/architecture.md, docs/fraud.md): a side branch on
 * the rated lines, keyed by subscription like the rater it is chained to. Rating does not wait for
 * it and nothing it does flows back.
 */
public final class FraudDetection {
  private FraudDetection() {}

  /** Adds the stage; a null sink drops that output. */
  public static DataStream<FraudAlert> attach(
      DataStream<InvoiceLine> lines,
      ReferenceDataProvider reference,
      Sink<FraudAlert> table,
      Sink<FraudAlert> topic) {
    return attach(
        lines,
        new FraudDetectionFunction(reference),
        FraudDetectionOperator.CACHED_SUBSCRIPTIONS,
        reference,
        table,
        topic);
  }

  /**
   * Adds the stage with the detection function given (the bench clocks a subclass of it) and {@code
   * cachedSubscriptions} kept on the heap per subtask ({@code
   * fraud.detection.cached-subscriptions}); {@code lines} must be partitioned by subscription
   * already.
   */
  public static DataStream<FraudAlert> attach(
      DataStream<InvoiceLine> lines,
      FraudDetectionFunction detection,
      int cachedSubscriptions,
      ReferenceDataProvider reference,
      Sink<FraudAlert> table,
      Sink<FraudAlert> topic) {
    // The rater is keyed by the same subscription id, at the same parallelism and max parallelism:
    // every line is already in the subtask that owns its key, so detection is chained to the rater
    // instead of crossing a shuffle (each line serialized, sent and read back). Its keyed state,
    // timers and uid are those of a keyBy, so savepoints carry over either way
    // (docs/benchmarks.md, "Fifth round").
    SingleOutputStreamOperator<FraudAlert> alerts =
        DataStreamUtils.reinterpretAsKeyedStream(
                lines, (InvoiceLine l) -> l.subscriptionId, StateKeySerializer.TYPE)
            .transform(
                "Detect abnormal usage",
                Types.POJO(FraudAlert.class),
                new FraudDetectionOperator(detection, cachedSubscriptions))
            .uid("detect-fraud")
            .name("Detect abnormal usage");
    // New subscriptions' USAGE_SPIKE is judged against their plan's average day, which needs the
    // days of all the plan's subscriptions: a small operator keyed by plan, fed one record per
    // subscription-day (docs/fraud.md, "USAGE_SPIKE and new subscriptions"). A new uid: a
    // savepoint of a job without it restores, the operator starting empty.
    DataStream<FraudAlert> planAlerts =
        alerts
            .getSideOutput(FraudDetectionFunction.SUBSCRIPTION_DAYS)
            .keyBy((SubscriptionDayUsage u) -> u.planId, StateKeySerializer.TYPE)
            .process(new PlanSpikeJudge(reference))
            .returns(Types.POJO(FraudAlert.class))
            .uid("judge-plan-spikes")
            .name("Judge new subscriptions by their plan");
    DataStream<FraudAlert> all = alerts.union(planAlerts);
    if (table != null) {
      all.sinkTo(table).uid("sink-fraud-alert").name("fraud-alert");
    }
    if (topic != null) {
      all.sinkTo(topic).uid("sink-fraud-alerts-topic").name("fraud-alerts-topic");
    }
    return all;
  }
}
