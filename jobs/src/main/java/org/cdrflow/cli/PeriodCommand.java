package org.cdrflow.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.YearMonth;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** Billing's side of period readiness (docs/interfaces.md, "Period readiness"). */
@Command(
    name = "period",
    description = "Billing periods: readiness of their lines.",
    subcommands = {PeriodCommand.Close.class})
public class PeriodCommand {

  /** {@code period close YYYY-MM}: COMPLETE → INVOICED. */
  @Command(
      name = "close",
      description =
          "Marks a COMPLETE billing period INVOICED (invoices were cut); refuses a period whose"
              + " lines may still change.")
  public static class Close implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Parameters(paramLabel = "YYYY-MM", description = "the billing period")
    YearMonth period;

    @Override
    public Integer call() throws Exception {
      try (RuntimeStack stack = RuntimeStack.openDatabase(common.config(), common.workDir);
          Connection c = stack.config().jdbc().connect()) {
        c.setAutoCommit(false);
        String readiness;
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT readiness FROM billing_period WHERE period = ? FOR UPDATE")) {
          s.setString(1, period.toString());
          try (ResultSet r = s.executeQuery()) {
            readiness = r.next() ? r.getString(1) : null;
          }
        }
        if (readiness == null || readiness.equals("OPEN")) {
          c.rollback();
          throw new IllegalStateException(
              "billing period "
                  + period
                  + " is "
                  + (readiness == null ? "unknown" : "OPEN")
                  + ": its lines are not complete yet (docs/interfaces.md, \"Period readiness\")");
        }
        if (readiness.equals("INVOICED")) {
          c.rollback();
          System.out.println("Billing period " + period + " is already INVOICED");
          return 0;
        }
        try (PreparedStatement s =
            c.prepareStatement(
                "UPDATE billing_period SET readiness = 'INVOICED' WHERE period = ?")) {
          s.setString(1, period.toString());
          s.executeUpdate();
        }
        c.commit();
        System.out.println("Billing period " + period + " is INVOICED");
        return 0;
      }
    }
  }
}
