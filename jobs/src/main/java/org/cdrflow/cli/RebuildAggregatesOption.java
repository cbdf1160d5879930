package org.cdrflow.cli;

import java.util.Map;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.pipeline.StateLineage;
import picocli.CommandLine.Option;

/**
 * {@code --rebuild-aggregates} of the commands that start the streaming job (docs/operations.md, "A
 * start without state").
 */
public class RebuildAggregatesOption {
  @Option(
      names = StateLineage.REBUILD_OPTION,
      description =
          "when the job starts without state over aggregates written by a state it does not"
              + " descend from: recompute settlement_daily from settlement_call, keep"
              + " mediation_audit as written, and go on from there in a new state lineage"
              + " (instead of refusing)")
  boolean rebuild;

  /** {@code config} with {@value StateLineage#REBUILD_KEY} set when the option is given. */
  public CdrflowConfig apply(CdrflowConfig config) {
    return rebuild ? config.with(Map.of(StateLineage.REBUILD_KEY, "true")) : config;
  }
}
