package org.cdrflow.anonymisation;

import java.time.LocalDate;
import java.time.ZonedDateTime;

/**
 * The outcome of one run, as recorded in {@code anonymisation_run}.
 *
 * @param splits how many splits the job did (0 for a dry run or when nothing was due)
 * @param abandonedRuns runs that an earlier, killed process had left RUNNING and that this run
 *     marked FAILED before it started
 */
public record AnonymisationReport(
    String runId,
    LocalDate asOf,
    ZonedDateTime cutoff,
    boolean dryRun,
    String status,
    int splits,
    int abandonedRuns,
    AnonymisationCounts counts) {}
