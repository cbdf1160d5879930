package org.cdrflow.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/**
 * The commands a demo ends with: each works as printed on the demo's data once the demo has ended
 * (its stack is in {@code <workdir>/stack}), or, with {@code --keep}, on the stack it leaves
 * running. Partner, month and number are taken from what the demo produced, so each command answers
 * with data.
 */
final class DemoNextCommands {
  /** Where the printed commands write their files, inside the demo's folder. */
  static final String OUT = "out";

  private final Path workDir;
  private final Path stackDir;
  private final String partner;
  private final String month;
  private final String msisdn;

  private DemoNextCommands(
      Path workDir, Path stackDir, String partner, String month, String msisdn) {
    this.workDir = workDir;
    this.stackDir = stackDir;
    this.partner = partner;
    this.month = month;
    this.msisdn = msisdn;
  }

  static DemoNextCommands find(Connection c, Path workDir, Path stackDir) throws Exception {
    String[] settled =
        DemoCommand.first(
            c,
            "select partner_id, to_char(day, 'YYYY-MM') from settlement_daily"
                + " group by partner_id, to_char(day, 'YYYY-MM')"
                + " order by sum(events) desc, 1, 2 limit 1");
    String[] number =
        DemoCommand.first(
            c,
            "select s.msisdn from invoice_line l join subscription s"
                + " on s.subscription_id = l.subscription_id where l.amount > 0"
                + " group by l.subscription_id, s.msisdn"
                + " order by count(*) desc, l.subscription_id limit 1");
    return new DemoNextCommands(
        workDir,
        stackDir,
        settled == null ? null : settled[0],
        settled == null ? null : settled[1],
        number == null ? null : number[0]);
  }

  /** The commands with {@code --workdir} naming the demo's (stopped) stack. */
  List<String> commands() {
    return commandsWith("--workdir " + stackDir);
  }

  private List<String> commandsWith(String where) {
    List<String> commands = new ArrayList<>();
    if (partner != null) {
      commands.add(
          "bin/cdrflow settlement-report "
              + where
              + " --partner "
              + partner
              + " --month "
              + month
              + " --out "
              + workDir.resolve(OUT).resolve("settlement-" + partner + "-" + month + ".csv"));
    }
    if (msisdn != null) {
      commands.add(
          "bin/cdrflow export-subscriber "
              + where
              + " --msisdn "
              + msisdn
              + " --out "
              + workDir.resolve(OUT).resolve("subscriber.json"));
    }
    commands.add("bin/cdrflow anonymise " + where + " --dry-run");
    return commands;
  }

  void print(PrintStream out) {
    out.println("== Next: try these on the demo's data (its stack is in " + stackDir + ")");
    commands().forEach(c -> out.println("  " + c));
  }

  void printWhileRunning(PrintStream out, Path runningStack) {
    out.println("While it runs, other commands use it through its configuration:");
    commandsWith("--config " + runningStack).forEach(c -> out.println("  " + c));
  }
}
