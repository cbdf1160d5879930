package org.cdrflow.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cdrflow.anonymisation.AnonymisationCounts;
import org.cdrflow.anonymisation.AnonymisationCutoff;
import org.cdrflow.anonymisation.AnonymisationReport;
import org.cdrflow.anonymisation.AnonymisationRun;
import org.cdrflow.connectors.config.CdrflowConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "anonymise",
    description =
        "The monthly anonymisation (docs/anonymisation.md): anonymises the invoice lines older than"
            + " the cutoff whose invoice is paid, their settlement rows, and the payloads of old"
            + " rejects; records the run in anonymisation_run. Safe to run again or after a crash.")
public class AnonymiseCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(
      names = "--as-of",
      paramLabel = "YYYY-MM-DD",
      description =
          "the run's date; cutoff = 00:00 Europe/Oslo on the 1st of the month five months"
              + " earlier (default: today in Europe/Oslo)")
  LocalDate asOf;

  @Option(
      names = "--dry-run",
      description = "count what a run would do and record the counts; change nothing else")
  boolean dryRun;

  @Override
  public Integer call() throws Exception {
    Clock clock = Clock.systemUTC();
    LocalDate today = AnonymisationCutoff.today(clock);
    LocalDate date = asOf == null ? today : InputChecks.notAfter("--as-of", asOf, today);
    CdrflowConfig base = common.config();
    StackFolder.requireStack(base, common.workDir);
    try (RuntimeStack stack = RuntimeStack.openDatabase(base, common.workDir)) {
      CdrflowConfig config = stack.config();
      AnonymisationReport report =
          new AnonymisationRun(
                  config.jdbc(),
                  AnonymisationRun.Options.from(config),
                  clock,
                  msg -> System.out.println(msg))
              .run(date, dryRun);
      print(report, System.out);
      return 0;
    }
  }

  static void print(AnonymisationReport report, PrintStream out) {
    AnonymisationCounts n = report.counts();
    out.printf(
        Locale.ROOT,
        "Anonymisation %s%s as of %s: cutoff %s, %s%n",
        report.runId(),
        report.dryRun() ? " (dry run: nothing changed)" : "",
        report.asOf(),
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(report.cutoff()),
        report.status());
    String verb = report.dryRun() ? "to anonymise" : "anonymised";
    out.printf(Locale.ROOT, "  invoice lines %-14s %,12d%n", verb, n.linesAnonymised());
    out.printf(Locale.ROOT, "  settlement rows %-12s %,12d%n", verb, n.settlementAnonymised());
    out.printf(
        Locale.ROOT,
        "  reject payloads %-12s %,12d%n",
        report.dryRun() ? "to purge" : "purged",
        n.rejectsPurged());
    out.printf(Locale.ROOT, "  kept, invoice unpaid        %,12d%n", n.retainedUnpaid());
    out.printf(Locale.ROOT, "  kept, invoice disputed      %,12d%n", n.retainedDisputed());
    out.printf(Locale.ROOT, "  kept, no invoice yet        %,12d%n", n.retainedNoInvoice());
  }
}
