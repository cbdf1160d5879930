package org.cdrflow.anonymisation;

import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The bounded anonymisation job (docs/anonymisation.md): the planned splits are spread over the
 * parallel subtasks, each of which does its splits one transaction at a time. The topology is this
 * plain method; {@link AnonymisationRun} plans the splits, records the run and closes it.
 */
public final class AnonymisationJob {
  private AnonymisationJob() {}

  /**
   * Adds the job to {@code env} (which should run in BATCH mode): the splits are done by {@code
   * env.getParallelism()} subtasks, each with its own database connection. Returns what each split
   * did.
   */
  public static DataStream<SplitOutcome> build(
      StreamExecutionEnvironment env, List<Split> splits, SplitWork work) {
    return env.fromData(splits, TypeInformation.of(Split.class))
        .name("Planned splits")
        .uid("anonymisation-splits")
        .rebalance()
        .map(new SplitAnonymiser(work))
        // Explicit, or BATCH mode's adaptive scheduler would size it by the few bytes of splits
        // it reads: one subtask, one connection, no parallelism.
        .setParallelism(env.getParallelism())
        .returns(TypeInformation.of(SplitOutcome.class))
        .name("Anonymise one split per transaction")
        .uid("anonymise-split");
  }
}
