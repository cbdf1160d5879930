package org.cdrflow.anonymisation;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the anonymisation job on a Flink cluster (application mode): {@code --config FILE}
 * (or the environment variable {@code CDRFLOW_CONFIG}), {@code --as-of YYYY-MM-DD} (default: today
 * in Europe/Oslo) and {@code --dry-run}. The command line's {@code cdrflow anonymise} does the same
 * on a local MiniCluster.
 */
public final class AnonymisationJobMain {
  private static final Logger LOG = LoggerFactory.getLogger(AnonymisationJobMain.class);

  private AnonymisationJobMain() {}

  public static void main(String[] args) throws Exception {
    String file = System.getenv("CDRFLOW_CONFIG");
    LocalDate asOf = null;
    boolean dryRun = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--config" -> file = args[++i];
        case "--as-of" -> asOf = LocalDate.parse(args[++i]);
        case "--dry-run" -> dryRun = true;
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    CdrflowConfig config =
        file == null ? CdrflowConfig.defaults() : CdrflowConfig.load(Path.of(file));
    Clock clock = Clock.systemUTC();
    AnonymisationReport report =
        new AnonymisationRun(config.jdbc(), AnonymisationRun.Options.from(config), clock, LOG::info)
            .run(asOf == null ? AnonymisationCutoff.today(clock) : asOf, dryRun);
    LOG.info("Anonymisation run {}: {} {}", report.runId(), report.status(), report.counts());
  }
}
