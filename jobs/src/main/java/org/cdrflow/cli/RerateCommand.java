package org.cdrflow.cli;

import java.nio.file.Path;
import java.time.YearMonth;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.rerating.RerateDiff;
import org.cdrflow.rerating.RerateRun;
import org.cdrflow.rerating.ShadowPublisher;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Shadow re-rating (docs/rerating.md): {@code rerate --period} rates a period again into the shadow
 * tables, {@code rerate diff RUN} shows what would change, {@code rerate publish RUN} applies it.
 */
@Command(
    name = "rerate",
    description =
        "Rates a usage period again with the reference data as it is now, into shadow tables"
            + " (then: rerate diff RUN, rerate publish RUN).",
    subcommands = {RerateCommand.Diff.class, RerateCommand.Publish.class})
public class RerateCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(
      names = "--period",
      paramLabel = "YYYY-MM",
      description = "the usage period to rate again (required unless diff or publish)")
  YearMonth period;

  static class Selection {
    @Option(names = "--account", paramLabel = "A", description = "only this account's lines")
    String account;

    @Option(
        names = "--subscription",
        paramLabel = "S",
        description = "only this subscription's lines")
    String subscription;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Selection selection;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description = "subscriptions rated at once (default 2)")
  int parallelism = 2;

  @Override
  public Integer call() throws Exception {
    if (period == null) {
      throw new UsageError(
          "rerate needs --period YYYY-MM (or: rerate diff RUN, rerate publish RUN)");
    }
    StackFolder.requireStack(common.config(), common.workDir);
    try (RuntimeStack stack = RuntimeStack.openDatabase(common.config(), common.workDir)) {
      CdrflowConfig.JdbcSettings jdbc = stack.config().jdbc();
      long started = System.nanoTime();
      RerateRun.Summary s =
          new RerateRun(jdbc, parallelism)
              .run(
                  period,
                  selection == null ? null : selection.account,
                  selection == null ? null : selection.subscription);
      System.out.println(
          "Re-rating run "
              + s.runId()
              + ": "
              + s.linesSelected()
              + " lines of "
              + period
              + " rated again in "
              + String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - started) / 1e9)
              + ", "
              + s.linesChanged()
              + " changed; total "
              + s.totalBefore()
              + " → "
              + s.totalAfter()
              + (s.skippedAnonymised() > 0
                  ? "; " + s.skippedAnonymised() + " anonymised lines not re-rated"
                  : ""));
      System.out.println("Next: cdrflow rerate diff " + s.runId());
      return 0;
    }
  }

  /** {@code rerate diff RUN [--out DIR]}. */
  @Command(
      name = "diff",
      description = "Prints (and with --out exports as CSV) what a re-rating run would change.")
  public static class Diff implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Parameters(paramLabel = "RUN", description = "the run id printed by rerate")
    UUID run;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description = "write accounts.csv, lines.csv and settlement.csv")
    Path out;

    @Override
    public Integer call() throws Exception {
      StackFolder.requireStack(common.config(), common.workDir);
      try (RuntimeStack stack = RuntimeStack.openDatabase(common.config(), common.workDir)) {
        RerateDiff.Diff d = RerateDiff.read(stack.config().jdbc(), run.toString());
        System.out.print(RerateDiff.toText(d));
        if (out != null) {
          RerateDiff.export(d, out);
          System.out.println("Exported to " + out);
        }
        return 0;
      }
    }
  }

  /** {@code rerate publish RUN}. */
  @Command(
      name = "publish",
      description =
          "Applies a re-rating run: lines of periods not invoiced are updated (flag RERATED),"
              + " invoiced ones get ADJUSTMENT lines in the first open period; settlement_call"
              + " rows are corrected in place and settlement_daily by the difference.")
  public static class Publish implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Parameters(paramLabel = "RUN", description = "the run id printed by rerate")
    UUID run;

    @Override
    public Integer call() throws Exception {
      StackFolder.requireStack(common.config(), common.workDir);
      try (RuntimeStack stack = RuntimeStack.openDatabase(common.config(), common.workDir)) {
        ShadowPublisher.Result r =
            new ShadowPublisher(stack.config().jdbc()).publish(run.toString());
        if (r.alreadyPublished()) {
          System.out.println("Re-rating run " + run + " is already published: nothing changed");
        } else {
          System.out.println(
              "Published re-rating run "
                  + run
                  + ": "
                  + r.updated()
                  + " lines updated (RERATED), "
                  + r.adjusted()
                  + " adjustment lines, "
                  + r.skipped()
                  + " skipped; "
                  + r.settlementUpdated()
                  + " settlement_call rows corrected (settlement_daily by the difference), "
                  + r.settlementSkipped()
                  + " skipped");
        }
        return 0;
      }
    }
  }
}
