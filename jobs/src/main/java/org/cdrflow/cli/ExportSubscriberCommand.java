package org.cdrflow.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.numbers.NormalisedNumber;
import org.cdrflow.numbers.NumberNormaliser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "export-subscriber",
    description =
        "Writes everything held about one number (invoice lines, settlement rows, kept rejects)"
            + " as JSON, for an access or portability request (docs/privacy.md).")
public class ExportSubscriberCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(
      names = "--msisdn",
      required = true,
      paramLabel = "N",
      description = "the number, in any common form (+4791234567, 004791234567, 91234567)")
  String msisdn;

  @Option(
      names = "--from",
      paramLabel = "YYYY-MM-DD",
      description = "first event date (Europe/Oslo), inclusive")
  LocalDate from;

  @Option(
      names = "--to",
      paramLabel = "YYYY-MM-DD",
      description = "last event date (Europe/Oslo), inclusive")
  LocalDate to;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "write the JSON here, readable by its owner only (default: standard output)")
  Path out;

  @Override
  public Integer call() throws Exception {
    CdrflowConfig base = common.config();
    checkArguments();
    StackFolder.requireStack(base, common.workDir);
    // Standard output may carry the JSON: progress goes to standard error then.
    PrintStream progress = out == null ? System.err : System.out;
    try (RuntimeStack stack = RuntimeStack.openDatabase(base, common.workDir, progress)) {
      CdrflowConfig config = stack.config();
      SubscriberExport export = new SubscriberExport(config.jdbc());
      String number = export.normalise(msisdn);
      SubscriberExport.Summary summary;
      PrintStream report;
      if (out == null) {
        OutputStream stdout = new BufferedOutputStream(System.out);
        summary = export.write(number, from, to, stdout);
        stdout.flush();
        System.out.println();
        report = System.err;
      } else {
        try (OutputStream file = new BufferedOutputStream(openPrivate(out))) {
          summary = export.write(number, from, to, file);
        }
        report = System.out;
      }
      // The number itself is never printed: this output may end up in a log.
      report.printf(
          "Exported %d invoice lines, %d settlement rows and %d rejected records (%d account(s))%s%n",
          summary.invoiceLines(),
          summary.settlementCalls(),
          summary.rejectedRecords(),
          summary.accounts(),
          out == null ? "" : " to " + out);
      if (summary.invoiceLines() + summary.settlementCalls() + summary.rejectedRecords() == 0) {
        report.println(
            "Nothing is held about this number"
                + (StackFolder.usesEmbedded(base)
                    ? " in " + common.workDir
                    : " in the configured database")
                + (from != null || to != null ? " for the dates given" : ""));
      }
      if (summary.accounts() > 1) {
        report.println(
            "Note: the lines belong to more than one account. A number can be given to another"
                + " customer 3 months after closure: limit --from/--to to the requester's own"
                + " subscription.");
      }
      return 0;
    }
  }

  /** The number and dates, checked before anything starts; the number is never repeated. */
  private void checkArguments() {
    NormalisedNumber n = new NumberNormaliser().normalise(msisdn);
    if (n.isBad()) {
      throw new UsageError(
          "--msisdn: not a phone number ("
              + n.badReason().description()
              + "); give it as +4791234567, 004791234567 or 91234567");
    }
    if (from != null && to != null && from.isAfter(to)) {
      throw new UsageError("--from " + from + " is after --to " + to);
    }
    if (out != null && Files.isDirectory(out)) {
      throw new UsageError("--out " + out + ": is a folder; expected a file name");
    }
  }

  /**
   * The export holds personal data: the file is created readable and writable by its owner only.
   */
  private static OutputStream openPrivate(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.deleteIfExists(file);
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: the platform's defaults apply.
    }
    return Files.newOutputStream(
        file,
        StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.CREATE);
  }
}
