package org.cdrflow.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratedFeedSummary;
import org.cdrflow.generate.GeneratorSettings;
import org.cdrflow.generate.PartnerStatementGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "generate",
    description =
        "Writes a reproducible synthetic signalling feed (same seed, same bytes) and the complete"
            + " reference data it rates against: realistic traffic with duplicates, malformed"
            + " records, unknown subscribers and long calls in partial records.")
public class GenerateCommand implements Callable<Integer> {
  @Option(
      names = "--records",
      paramLabel = "N",
      description = "records to write (partials, duplicates and malformed ones included)")
  Long records;

  @Option(names = "--subscribers", paramLabel = "M", description = "subscriptions to create")
  Integer subscribers;

  @Option(names = "--seed", required = true, paramLabel = "S", description = "random seed")
  long seed;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description =
          "feed file: Avro container for *.avro, Avro JSON lines otherwise; with --format ber a"
              + " directory of BER files; with --partner-statement the directory of the partner's"
              + " files")
  Path out;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "avro (by the name of FILE, default) or ber: 3GPP TS 32.298 BER files, one series per"
              + " network element (docs/formats.md)")
  String format = "avro";

  @Option(
      names = "--partner-statement",
      paramLabel = "P",
      description =
          "instead of a feed: partner P's view of a replayed feed (statement.csv,"
              + " partner-cdrs.csv) with planted differences and their ground truth (planted.csv),"
              + " made from --settlement-calls for --month (docs/reconciliation.md)")
  String partnerStatement;

  @Option(
      names = "--settlement-calls",
      paramLabel = "FILE",
      description = "settlement_call.csv of a replay's export (with --partner-statement)")
  Path settlementCalls;

  @Option(
      names = "--month",
      paramLabel = "YYYY-MM",
      description = "the month of the partner's statement (with --partner-statement)")
  java.time.YearMonth month;

  @Option(
      names = "--reference-out",
      paramLabel = "DIR",
      description = "where to write the reference CSVs (default: <directory of FILE>/reference)")
  Path referenceOut;

  @Option(
      names = "--start",
      paramLabel = "YYYY-MM-DD",
      description = "first day of the feed, Europe/Oslo (default: ${DEFAULT-VALUE})")
  LocalDate start = GeneratorSettings.DEFAULT_START;

  @Option(
      names = "--days",
      paramLabel = "D",
      description = "days the events are spread over (default: ${DEFAULT-VALUE})")
  int days = GeneratorSettings.DEFAULT_DAYS;

  @Option(
      names = "--fraud",
      description =
          "plant one case of every abnormal-usage kind and write the ground truth beside the feed"
              + " (fraud-truth.csv; docs/fraud.md)")
  boolean fraud;

  @Option(
      names = "--churn",
      paramLabel = "SHARE",
      description =
          "share of the subscriptions that leave in each month of the feed (valid_to set) and of"
              + " new ones that join with new accounts, e.g. 0.02; 0 (default) keeps the base fixed")
  double churn;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Java properties; home.operator-id names our operator in number_range.csv")
  Path configFile;

  @Override
  public Integer call() throws Exception {
    if (partnerStatement != null) {
      if (settlementCalls == null || month == null) {
        throw new IllegalArgumentException(
            "--partner-statement needs --settlement-calls FILE and --month YYYY-MM");
      }
      PartnerStatementGenerator.Written w =
          PartnerStatementGenerator.write(settlementCalls, partnerStatement, month, seed, out);
      System.out.println(
          "partner "
              + partnerStatement
              + " "
              + month
              + ": our calls "
              + w.ourCalls()
              + ", theirs "
              + w.theirCalls()
              + ", planted "
              + w.planted()
              + " -> "
              + out);
      return 0;
    }
    if (records == null || subscribers == null) {
      throw new IllegalArgumentException("--records and --subscribers are required");
    }
    if (!(churn >= 0 && churn <= 0.5)) {
      throw new UsageError("--churn " + churn + ": is a share of the subscriptions, 0 to 0.5");
    }
    CdrflowConfig config =
        configFile == null ? CdrflowConfig.defaults() : ConfigFiles.load(configFile);
    GeneratorSettings settings;
    try {
      settings =
          new GeneratorSettings(
                  records,
                  subscribers,
                  seed,
                  start,
                  days,
                  config.get(CdrflowConfig.HOME_OPERATOR_ID))
              .withChurn(churn);
    } catch (IllegalArgumentException e) {
      throw new UsageError(e.getMessage());
    }
    if (fraud && churn > 0) {
      throw new UsageError("--fraud and --churn cannot be combined");
    }
    if (Files.isDirectory(out)) {
      throw new UsageError("--out " + out + ": is a folder; expected a file name");
    }
    Path referenceDir =
        referenceOut != null ? referenceOut : out.toAbsolutePath().getParent().resolve("reference");
    if (settings.endInstant().isAfter(Instant.now())) {
      // Mediation rejects events more than an hour in the future (BAD_TIME), so such a feed is
      // only useful once its days have passed.
      System.err.println(
          "cdrflow: note: the feed's days end after now; events in the future are rejected"
              + " until their time has come");
    }
    if (format.equalsIgnoreCase("ber")) {
      java.nio.file.Files.createDirectories(out);
    } else if (!format.equalsIgnoreCase("avro")) {
      throw new UsageError("--format " + format + ": is avro or ber");
    }
    GeneratedFeedSummary summary = FeedGenerator.write(settings, out, referenceDir, fraud);
    System.out.println(summary.summaryLine() + " -> " + out + ", reference " + referenceDir);
    return 0;
  }
}
