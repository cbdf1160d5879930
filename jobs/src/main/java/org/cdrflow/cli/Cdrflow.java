package org.cdrflow.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cdrflow} command line (README, "Commands"). */
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
      CollectCommand.class
    })
public class Cdrflow {
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Cdrflow());
    cli.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          // A message, not a stack trace: the causes that reach a user are configuration and
          // input problems, and their messages carry no subscriber data.
          cmd.getErr().println("cdrflow: " + ex.getMessage());
          return 1;
        });
    return cli.execute(args);
  }
}
