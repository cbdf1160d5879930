package org.cdrflow.jobs;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.pipeline.PeriodReadinessOperator;
import org.cdrflow.rating.InvoiceLine;

/**
 * Wires the period readiness step behind the rater (docs/interfaces.md, "Period readiness"): the
 * rated lines are dropped in a chained filter, so only their watermarks reach the single readiness
 * operator.
 */
public final class PeriodReadinessStep {
  private PeriodReadinessStep() {}

  public static void attach(DataStream<InvoiceLine> lines, CdrflowConfig config) {
    Duration settle =
        config
            .duration(CdrflowConfig.REFERENCE_REFRESH)
            .plus(config.duration(CdrflowConfig.SINK_BATCH_INTERVAL))
            .plusSeconds(1);
    lines
        .filter(line -> false)
        .uid("period-readiness-watermarks")
        .name("Watermarks of rated lines")
        .transform(
            "Period readiness",
            Types.VOID,
            new PeriodReadinessOperator<InvoiceLine>(
                config.jdbc(), config.duration(CdrflowConfig.PERIOD_LATENESS), settle))
        .uid("period-readiness")
        .setParallelism(1)
        .setMaxParallelism(1);
  }
}
