package org.cdrflow.anonymisation;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;

/**
 * What every subtask of the anonymisation job needs to do a split: where the database is, which run
 * the changes belong to, and its cutoff.
 *
 * @param failAfterCommits a fault for tests of resumption: a subtask fails right after committing
 *     this many splits, as if the process had been killed there; 0 = never
 */
public record SplitWork(JdbcSettings jdbc, String runId, Instant cutoff, int failAfterCommits)
    implements Serializable {
  public SplitWork {
    Objects.requireNonNull(jdbc, "jdbc");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(cutoff, "cutoff");
  }
}
