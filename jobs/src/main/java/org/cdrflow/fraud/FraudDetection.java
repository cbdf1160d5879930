package org.cdrflow.fraud;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.cdrflow.pipeline.StateKeySerializer;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.reference.ReferenceDataProvider;

/**
 * The detection stage of the streaming job (docs/architecture.md, docs/fraud.md): a side branch on
 * the rated lines, keyed by subscription. Rating does not wait for it and nothing it does flows
 * back.
 */
public final class FraudDetection {
  private FraudDetection() {}

  /** Adds the stage; a null sink drops that output. */
  public static SingleOutputStreamOperator<FraudAlert> attach(
      DataStream<InvoiceLine> lines,
      ReferenceDataProvider reference,
      Sink<FraudAlert> table,
      Sink<FraudAlert> topic) {
    SingleOutputStreamOperator<FraudAlert> alerts =
        lines
            .keyBy(l -> l.subscriptionId, StateKeySerializer.TYPE)
            .process(new FraudDetectionFunction(reference))
            .returns(Types.POJO(FraudAlert.class))
            .uid("detect-fraud")
            .name("Detect abnormal usage");
    if (table != null) {
      alerts.sinkTo(table).uid("sink-fraud-alert").name("fraud-alert");
    }
    if (topic != null) {
      alerts.sinkTo(topic).uid("sink-fraud-alerts-topic").name("fraud-alerts-topic");
    }
    return alerts;
  }
}
