package org.cdrflow.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.concurrent.Callable;
import org.cdrflow.reconciliation.PartnerFiles;
import org.cdrflow.reconciliation.Reconciliation;
import org.cdrflow.reconciliation.ReconciliationReport;
import org.cdrflow.reconciliation.Tolerances;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Compares a partner's monthly claims with our settlement (docs/reconciliation.md). */
@Command(
    name = "reconcile",
    description =
        "Compares a partner's monthly statement (and per-call records) with our settlement,"
            + " stores the result in reconciliation_run / reconciliation_item, prints a summary"
            + " per class and product and writes every unmatched or differing call as CSV.")
public class ReconcileCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin PartnerMonthOptions period;

  @Option(
      names = "--statement",
      required = true,
      paramLabel = "FILE",
      description = "the partner's statement: direction,product,day,events,minutes,amount,currency")
  Path statement;

  @Option(
      names = "--partner-cdrs",
      paramLabel = "FILE",
      description =
          "the partner's calls:"
              + " call_id,a_number,b_number,start,duration_s,direction,product,amount")
  Path partnerCdrs;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "dispute CSV (default reconciliation-<partner>-<month>.csv)")
  Path out;

  @Override
  public Integer call() throws Exception {
    // Both files are read and validated whole before the database is touched.
    PartnerFiles.Statement st = PartnerFiles.readStatement(statement, period.month);
    PartnerFiles.Calls calls =
        partnerCdrs == null ? null : PartnerFiles.readCalls(partnerCdrs, period.month);
    try (RuntimeStack stack = RuntimeStack.openDatabase(common.config(), common.workDir)) {
      Tolerances tol = Tolerances.of(stack.config());
      Reconciliation.Result r;
      try (Connection c = stack.config().jdbc().connect()) {
        r = Reconciliation.run(c, period.partner, period.month, st, calls, tol);
      }
      System.out.print(ReconciliationReport.summary(period.partner, period.month.toString(), r));
      Path file = out != null ? out : period.defaultFile("reconciliation");
      ReconciliationReport.writeDisputeCsv(file, r);
      System.out.println("Dispute CSV written to " + file);
      return 0;
    }
  }
}
