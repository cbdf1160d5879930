package org.cdrflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cdrflow} command line (README, "Commands"). Exit codes: 0 done, 1 the command failed,
 * 2 the command line or an input named on it is wrong (nothing was started).
 */
@Command(
    name = "cdrflow",
    mixinStandardHelpOptions = true,
    version = "cdrflow 0.1.0",
    description = "CDR mediation, rating, settlement and anonymisation on Apache Flink.",
    subcommands = {
      DemoCommand.class,
      LoadReferenceCommand.class,
      ReplayCommand.class,
      ReprocessCommand.class,
      SettlementReportCommand.class,
      MigrateCommand.class,
      AnonymiseCommand.class,
      ExportSubscriberCommand.class,
      GenerateCommand.class,
      BenchCommand.class,
      ClusterCommand.class,
      FraudCommand.class,
      StatusCommand.class,
      ReconcileCommand.class,
      PeriodCommand.class,
      ExportPeriodCommand.class,
      CollectCommand.class,
      ExplainCommand.class,
      RerateCommand.class,
      MigrateStateCommand.class
    })
public class Cdrflow {
  public static void main(String[] args) {
    LogFile.configure(args);
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    return CommandLineConventions.apply(new CommandLine(new Cdrflow())).execute(args);
  }
}
