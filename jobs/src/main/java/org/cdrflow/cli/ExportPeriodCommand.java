package org.cdrflow.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.cdrflow.connectors.export.TableExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Billing's files of one period (docs/interfaces.md, "cdrflow export-period"). */
@Command(
    name = "export-period",
    description =
        "Writes the invoice lines of a COMPLETE or INVOICED billing period as one CSV per account"
            + " (columns of billing_invoice_line_v1) with manifest.csv (lines, amount, SHA-256).")
public class ExportPeriodCommand implements Callable<Integer> {
  /** An account id becomes a file name only when it is safe as one. */
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setRecordSeparator('\n').get();

  @Mixin CommonOptions common;

  @Option(names = "--period", required = true, paramLabel = "YYYY-MM", description = "period")
  YearMonth period;

  @Option(names = "--account", paramLabel = "A", description = "only this account")
  String account;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "directory")
  Path out;

  private record Entry(
      String file, String account, long lines, BigDecimal amount, String currency, String sha256) {}

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(out);
    List<Entry> manifest = new ArrayList<>();
    try (RuntimeStack stack = RuntimeStack.openDatabase(common.config(), common.workDir);
        Connection c = stack.config().jdbc().connect()) {
      c.setAutoCommit(false);
      // One snapshot for the readiness check and every file.
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      String readiness;
      try (PreparedStatement s =
          c.prepareStatement("SELECT readiness FROM billing_period WHERE period = ?")) {
        s.setString(1, period.toString());
        try (ResultSet r = s.executeQuery()) {
          readiness = r.next() ? r.getString(1) : null;
        }
      }
      if (!"COMPLETE".equals(readiness) && !"INVOICED".equals(readiness)) {
        throw new IllegalStateException(
            "billing period "
                + period
                + " is "
                + (readiness == null ? "unknown" : readiness)
                + ": its lines are exported once it is COMPLETE");
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT * FROM billing_invoice_line_v1 WHERE billing_period = ?"
                  + (account == null ? "" : " AND account_id = ?")
                  + " ORDER BY account_id, event_start, line_id")) {
        s.setString(1, period.toString());
        if (account != null) {
          s.setString(2, account);
        }
        s.setFetchSize(10_000);
        try (ResultSet r = s.executeQuery()) {
          ResultSetMetaData md = r.getMetaData();
          int n = md.getColumnCount();
          int accountColumn = r.findColumn("account_id");
          int amountColumn = r.findColumn("amount");
          int currencyColumn = r.findColumn("currency");
          List<String> header = new ArrayList<>(n);
          for (int i = 1; i <= n; i++) {
            header.add(md.getColumnName(i));
          }
          AccountFile current = null;
          while (r.next()) {
            String acc = r.getString(accountColumn);
            if (current == null || !current.account.equals(acc)) {
              if (current != null) {
                manifest.add(current.close());
              }
              current = new AccountFile(out, acc, header);
            }
            List<String> row = new ArrayList<>(n);
            for (int i = 1; i <= n; i++) {
              row.add(TableExport.format(r, i, md.getColumnType(i), md.getColumnTypeName(i)));
            }
            current.add(row, r.getBigDecimal(amountColumn), r.getString(currencyColumn));
          }
          if (current != null) {
            manifest.add(current.close());
          }
        }
      }
      c.commit();
    }
    Path manifestFile = out.resolve("manifest.csv");
    try (Writer w = Files.newBufferedWriter(manifestFile, StandardCharsets.UTF_8);
        CSVPrinter p = new CSVPrinter(w, CSV)) {
      p.printRecord("file", "account_id", "lines", "amount", "currency", "sha256");
      for (Entry e : manifest) {
        p.printRecord(
            e.file(), e.account(), e.lines(), e.amount().toPlainString(), e.currency(), e.sha256());
      }
    }
    System.out.println(
        "Billing period " + period + ": " + manifest.size() + " account file(s) in " + out);
    return 0;
  }

  /** One account's file, hashed while it is written. */
  private static final class AccountFile {
    final String account;
    final String file;
    final MessageDigest digest;
    final OutputStream stream;
    final CSVPrinter printer;
    long lines;
    BigDecimal amount = BigDecimal.ZERO;
    String currency;

    AccountFile(Path dir, String account, List<String> header) throws Exception {
      if (account == null || !SAFE_NAME.matcher(account).matches()) {
        throw new IllegalStateException(
            "an account_id of period lines is not usable as a file name");
      }
      this.account = account;
      this.file = account + ".csv";
      digest = MessageDigest.getInstance("SHA-256");
      stream = new DigestOutputStream(Files.newOutputStream(dir.resolve(file)), digest);
      printer =
          new CSVPrinter(
              new java.io.BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8)),
              CSV);
      printer.printRecord(header);
    }

    void add(List<String> row, BigDecimal lineAmount, String lineCurrency) throws IOException {
      printer.printRecord(row);
      lines++;
      if (lineAmount != null) {
        amount = amount.add(lineAmount);
      }
      if (currency == null) {
        currency = lineCurrency;
      } else if (lineCurrency != null && !currency.equals(lineCurrency)) {
        currency = "MIXED";
      }
    }

    Entry close() throws IOException {
      printer.close();
      return new Entry(
          file,
          account,
          lines,
          amount,
          currency == null ? "" : currency,
          HexFormat.of().formatHex(digest.digest()));
    }
  }
}
