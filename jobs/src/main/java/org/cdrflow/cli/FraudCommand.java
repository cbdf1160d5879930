package org.cdrflow.cli;

import java.sql.Connection;
import java.util.concurrent.Callable;
import org.cdrflow.fraud.AlertDesk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The analyst's commands on abnormal-usage alerts (docs/fraud.md, "Working an alert"). */
@Command(
    name = "fraud",
    description = "Lists, shows, blocks and dismisses abnormal-usage alerts (table fraud_alert).",
    subcommands = {
      FraudCommand.ListAlerts.class,
      FraudCommand.ShowAlert.class,
      FraudCommand.BlockAlert.class,
      FraudCommand.DismissAlert.class
    })
public class FraudCommand {

  /** Who decides: the operating-system user that runs the command. */
  static String analyst() {
    return System.getProperty("user.name", "unknown");
  }

  abstract static class OnDesk implements Callable<Integer> {
    @Mixin CommonOptions common;

    abstract int on(AlertDesk desk) throws Exception;

    @Override
    public Integer call() throws Exception {
      try (RuntimeStack stack = RuntimeStack.openDatabase(common.config(), common.workDir);
          Connection c = stack.config().jdbc().connect()) {
        return on(new AlertDesk(c, System.out));
      }
    }
  }

  @Command(name = "list", description = "Lists alerts, newest first.")
  static class ListAlerts extends OnDesk {
    @Option(
        names = "--status",
        paramLabel = "STATUS",
        description = "only alerts with this status: OPEN, DISMISSED or BLOCKED")
    String status;

    @Override
    int on(AlertDesk desk) throws Exception {
      if (status != null && !AlertDesk.statuses().contains(status)) {
        throw new IllegalArgumentException("--status must be OPEN, DISMISSED or BLOCKED");
      }
      desk.list(status);
      return 0;
    }
  }

  @Command(name = "show", description = "Shows an alert's evidence and the calls behind it.")
  static class ShowAlert extends OnDesk {
    @Parameters(paramLabel = "ID", description = "alert_id")
    String id;

    @Override
    int on(AlertDesk desk) throws Exception {
      if (!desk.show(id)) {
        throw new IllegalArgumentException("no alert " + id);
      }
      return 0;
    }
  }

  @Command(
      name = "block",
      description =
          "Blocks the SIM of an OPEN alert's subscription now (sim_block) and marks the alert"
              + " BLOCKED; later usage is rated BLOCKED_SIM.")
  static class BlockAlert extends OnDesk {
    @Parameters(paramLabel = "ID", description = "alert_id")
    String id;

    @Override
    int on(AlertDesk desk) throws Exception {
      String at = desk.block(id, analyst());
      System.out.printf("Alert %s: SIM blocked at %s%n", id, at);
      return 0;
    }
  }

  @Command(name = "dismiss", description = "Dismisses an OPEN alert with a reason.")
  static class DismissAlert extends OnDesk {
    @Parameters(paramLabel = "ID", description = "alert_id")
    String id;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why")
    String reason;

    @Override
    int on(AlertDesk desk) throws Exception {
      desk.dismiss(id, analyst(), reason);
      System.out.printf("Alert %s dismissed%n", id);
      return 0;
    }
  }
}
