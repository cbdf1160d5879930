package org.cdrflow.cli;

import java.nio.file.Path;
import java.time.YearMonth;
import picocli.CommandLine.Option;

/**
 * {@code --partner} and {@code --month} of the commands about one partner's month ({@code
 * settlement-report}, {@code reconcile}; docs/settlement.md, "Monthly statement").
 */
public class PartnerMonthOptions {
  @Option(names = "--partner", required = true, paramLabel = "P", description = "partner_id")
  String partner;

  @Option(
      names = "--month",
      required = true,
      paramLabel = "YYYY-MM",
      description = "calendar month (Europe/Oslo days)")
  YearMonth month;

  /** {@code <kind>-<partner>-<month>.csv} in the working folder: the default of {@code --out}. */
  Path defaultFile(String kind) {
    return Path.of(kind + "-" + partner + "-" + month + ".csv");
  }
}
