package org.cdrflow.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.settlement.SettlementDailyRow;
import org.cdrflow.settlement.SettlementStatement;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The monthly interconnect statement of one partner (docs/settlement.md, "Monthly statement"). */
@Command(
    name = "settlement-report",
    description =
        "Prints the monthly statement of one partner per product and direction (events, minutes,"
            + " amount, currency) and writes it as CSV.")
public class SettlementReportCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin PartnerMonthOptions period;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "CSV file (default settlement-<partner>-<month>.csv)")
  Path out;

  @Override
  public Integer call() throws Exception {
    CdrflowConfig base = common.config();
    StackFolder.requireStack(base, common.workDir);
    Path file = out != null ? out : period.defaultFile("settlement");
    if (Files.isDirectory(file)) {
      throw new UsageError("--out " + file + ": is a folder; expected a file name");
    }
    String where = StackFolder.usesEmbedded(base) ? " in " + common.workDir : "";
    try (RuntimeStack stack = RuntimeStack.openDatabase(base, common.workDir)) {
      CdrflowConfig.JdbcSettings jdbc = stack.config().jdbc();
      List<SettlementDailyRow> rows = new ArrayList<>();
      try (Connection c = jdbc.connect()) {
        requireKnownPartner(c, where);
        rows.addAll(settled(c));
      }
      SettlementStatement statement = SettlementStatement.of(period.partner, period.month, rows);
      System.out.print(statement.toTable());
      if (rows.isEmpty()) {
        System.out.println(
            "(looked" + (where.isEmpty() ? " in the configured database" : where) + ")");
      }
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, statement.toCsv(), StandardCharsets.UTF_8);
      System.out.println("Written to " + file);
      return 0;
    }
  }

  /** An unknown partner is a mistake, not a month without traffic: no statement is written. */
  private void requireKnownPartner(Connection c, String where) throws Exception {
    try (PreparedStatement s = c.prepareStatement("select 1 from partner where partner_id = ?")) {
      s.setString(1, period.partner);
      try (ResultSet r = s.executeQuery()) {
        if (r.next()) {
          return;
        }
      }
    }
    List<String> known = new ArrayList<>();
    try (PreparedStatement s =
            c.prepareStatement("select partner_id from partner order by partner_id limit 12");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        known.add(r.getString(1));
      }
    }
    throw new IllegalArgumentException(
        "--partner "
            + period.partner
            + ": no such partner"
            + where
            + (known.isEmpty()
                ? " (its partner table is empty: load the reference data first)"
                : " (partners: " + String.join(", ", known) + ")"));
  }

  private List<SettlementDailyRow> settled(Connection c) throws Exception {
    List<SettlementDailyRow> rows = new ArrayList<>();
    try (PreparedStatement s =
        c.prepareStatement(
            "select partner_id, direction, product, currency, day, events, seconds, amount"
                + " from settlement_daily where partner_id = ? and day >= ? and day < ?")) {
      s.setString(1, period.partner);
      s.setDate(2, Date.valueOf(period.month.atDay(1)));
      s.setDate(3, Date.valueOf(period.month.plusMonths(1).atDay(1)));
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rows.add(
              new SettlementDailyRow(
                  r.getString(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getDate(5).toLocalDate(),
                  r.getLong(6),
                  r.getLong(7),
                  r.getBigDecimal(8)));
        }
      }
    }
    return rows;
  }
}
