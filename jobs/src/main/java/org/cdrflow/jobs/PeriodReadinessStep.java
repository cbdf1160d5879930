package org.cdrflow.jobs;

import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.pipeline.LastRatedEventTime;
import org.cdrflow.pipeline.PeriodReadinessOperator;
import org.cdrflow.rating.InvoiceLine;

/**
 * Wires the period readiness step behind the rater (docs/interfaces.md, "Period readiness"): the
 * rated lines are dropped in a chained operator, so only their watermarks, and at the end of input
 * the latest event time rated, reach the single readiness operator.
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
        .transform("Watermarks of rated lines", Types.LONG, new LastRatedEventTime<InvoiceLine>())
        .uid("period-readiness-watermarks")
        .transform(
            "Period readiness",
            Types.VOID,
            new PeriodReadinessOperator(
                config.jdbc(),
                config.duration(CdrflowConfig.PERIOD_LATENESS),
                settle,
                config.duration(CdrflowConfig.WATERMARK_OUT_OF_ORDERNESS)))
        .uid("period-readiness")
        .setParallelism(1)
        .setMaxParallelism(1);
  }
}
