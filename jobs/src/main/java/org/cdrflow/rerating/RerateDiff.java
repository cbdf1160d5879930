package org.cdrflow.rerating;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;

/**
 * {@code cdrflow rerate diff RUN} (docs/rerating.md, "Reading a diff"): per account the lines that
 * changed, the old and new totals and the delta; per line the columns that changed. Reads only the
 * shadow tables, so billing can run it.
 */
public final class RerateDiff {

  /** One account's part of a run. */
  public record Account(String accountId, long lines, BigDecimal before, BigDecimal after) {
    public BigDecimal delta() {
      return after.subtract(before);
    }
  }

  /** One changed line. */
  public record Line(
      String lineId,
      String accountId,
      String billingPeriod,
      List<String> changed,
      String oldZone,
      String newZone,
      long oldChargeable,
      long newChargeable,
      BigDecimal oldAmount,
      BigDecimal newAmount,
      String outcome) {}

  /**
   * One partner's day of settlement that the run changes: the old and new amounts of its changed
   * {@code settlement_call} rows, per direction, product and currency (docs/rerating.md,
   * "Settlement"). Rows whose currency changed are a group of their own, {@code currency} then
   * reads {@code OLD>NEW} (before in the old currency, after in the new: never subtracted).
   */
  public record SettlementDay(
      String partnerId,
      String direction,
      String product,
      String currency,
      String day,
      long rows,
      BigDecimal before,
      BigDecimal after,
      long published) {
    /** After minus before; null when the currency changed (amounts of two currencies). */
    public BigDecimal delta() {
      return currency.indexOf('>') >= 0 ? null : after.subtract(before);
    }
  }

  /** The whole diff of a run. */
  public record Diff(
      RerateRun.Summary run,
      List<Account> accounts,
      List<Line> lines,
      List<SettlementDay> settlement) {}

  private RerateDiff() {}

  public static Diff read(JdbcSettings jdbc, String runId) throws SQLException {
    RerateRun.Summary run = RerateRun.summary(jdbc, runId);
    List<Account> accounts = new ArrayList<>();
    List<Line> lines = new ArrayList<>();
    try (Connection c = jdbc.connect()) {
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT account_id, count(*), sum(old_amount), sum(amount) FROM rerate_line"
                  + " WHERE run_id = ?::uuid GROUP BY account_id ORDER BY account_id")) {
        s.setString(1, runId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            accounts.add(
                new Account(r.getString(1), r.getLong(2), r.getBigDecimal(3), r.getBigDecimal(4)));
          }
        }
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT line_id, account_id, billing_period, changed, old_rating_zone, rating_zone,"
                  + " old_chargeable_units, chargeable_units, old_amount, amount, outcome"
                  + " FROM rerate_line WHERE run_id = ?::uuid ORDER BY account_id, line_id")) {
        s.setString(1, runId);
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            lines.add(
                new Line(
                    r.getString(1),
                    r.getString(2),
                    r.getString(3),
                    Arrays.asList((String[]) r.getArray(4).getArray()),
                    r.getString(5),
                    r.getString(6),
                    r.getLong(7),
                    r.getLong(8),
                    r.getBigDecimal(9),
                    r.getBigDecimal(10),
                    r.getString(11)));
          }
        }
      }
    }
    return new Diff(run, accounts, lines, settlement(jdbc, runId));
  }

  private static List<SettlementDay> settlement(JdbcSettings jdbc, String runId)
      throws SQLException {
    List<SettlementDay> days = new ArrayList<>();
    try (Connection c = jdbc.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT partner_id, direction, product,"
                    + " CASE WHEN old_currency = currency THEN currency"
                    + " ELSE old_currency || '>' || currency END, day, count(*), sum(old_amount),"
                    + " sum(amount), count(*) FILTER (WHERE outcome = 'UPDATED')"
                    + " FROM rerate_settlement WHERE run_id = ?::uuid"
                    + " GROUP BY partner_id, direction, product, old_currency, currency, day"
                    + " ORDER BY partner_id, day, direction, product, currency")) {
      s.setString(1, runId);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          days.add(
              new SettlementDay(
                  r.getString(1),
                  r.getString(2),
                  r.getString(3),
                  r.getString(4),
                  r.getObject(5, java.time.LocalDate.class).toString(),
                  r.getLong(6),
                  r.getBigDecimal(7),
                  r.getBigDecimal(8),
                  r.getLong(9)));
        }
      }
    }
    return days;
  }

  /** The diff as text for a terminal. */
  public static String toText(Diff d) {
    StringBuilder b = new StringBuilder();
    RerateRun.Summary run = d.run();
    b.append("Re-rating run ")
        .append(run.runId())
        .append(" (reference version ")
        .append(run.referenceVersion())
        .append("): ")
        .append(run.linesSelected())
        .append(" lines rated again, ")
        .append(run.linesChanged())
        .append(" changed, ")
        .append(run.skippedAnonymised())
        .append(" anonymised lines not re-rated; total ")
        .append(run.totalBefore())
        .append(" → ")
        .append(run.totalAfter())
        .append(" (delta ")
        .append(run.totalAfter().subtract(run.totalBefore()))
        .append(")\n");
    b.append(
        String.format(
            "%-14s %7s %12s %12s %10s%n", "account", "lines", "before", "after", "delta"));
    for (Account a : d.accounts()) {
      b.append(
          String.format(
              "%-14s %7d %12s %12s %10s%n",
              a.accountId(), a.lines(), a.before(), a.after(), a.delta()));
    }
    for (Line l : d.lines()) {
      b.append("  ")
          .append(l.lineId())
          .append(' ')
          .append(l.billingPeriod())
          .append(": ")
          .append(String.join(", ", l.changed()))
          .append("; amount ")
          .append(l.oldAmount())
          .append(" → ")
          .append(l.newAmount());
      if (!l.oldZone().equals(l.newZone())) {
        b.append("; zone ").append(l.oldZone()).append(" → ").append(l.newZone());
      }
      if (l.outcome() != null) {
        b.append(" [").append(l.outcome()).append(']');
      }
      b.append('\n');
    }
    if (!d.settlement().isEmpty()) {
      b.append("Settlement (settlement_call rows priced again, per partner and day):\n");
      b.append(
          String.format(
              "%-16s %-10s %-4s %-18s %-7s %5s %14s %14s %14s%n",
              "partner", "day", "dir", "product", "cur", "rows", "before", "after", "delta"));
      for (SettlementDay x : d.settlement()) {
        b.append(
            String.format(
                "%-16s %-10s %-4s %-18s %-7s %5d %14s %14s %14s%s%n",
                x.partnerId(),
                x.day(),
                x.direction(),
                x.product(),
                x.currency(),
                x.rows(),
                x.before(),
                x.after(),
                x.delta() == null ? "-" : x.delta(),
                x.published() > 0 ? " [" + x.published() + " UPDATED]" : ""));
      }
    }
    return b.toString();
  }

  /** Writes {@code accounts.csv}, {@code lines.csv} and {@code settlement.csv} into {@code dir}. */
  public static void export(Diff d, Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder a =
        new StringBuilder("account_id,lines_changed,total_before,total_after,delta\n");
    for (Account x : d.accounts()) {
      a.append(x.accountId())
          .append(',')
          .append(x.lines())
          .append(',')
          .append(x.before())
          .append(',')
          .append(x.after())
          .append(',')
          .append(x.delta())
          .append('\n');
    }
    Files.writeString(dir.resolve("accounts.csv"), a, StandardCharsets.UTF_8);
    StringBuilder l =
        new StringBuilder(
            "line_id,account_id,billing_period,changed_columns,old_rating_zone,rating_zone,"
                + "old_chargeable_units,chargeable_units,old_amount,amount,delta,outcome\n");
    for (Line x : d.lines()) {
      l.append(x.lineId())
          .append(',')
          .append(x.accountId())
          .append(',')
          .append(x.billingPeriod())
          .append(",\"")
          .append(String.join(" ", x.changed()))
          .append("\",")
          .append(x.oldZone())
          .append(',')
          .append(x.newZone())
          .append(',')
          .append(x.oldChargeable())
          .append(',')
          .append(x.newChargeable())
          .append(',')
          .append(x.oldAmount())
          .append(',')
          .append(x.newAmount())
          .append(',')
          .append(x.newAmount().subtract(x.oldAmount()))
          .append(',')
          .append(x.outcome() == null ? "" : x.outcome())
          .append('\n');
    }
    Files.writeString(dir.resolve("lines.csv"), l, StandardCharsets.UTF_8);
    StringBuilder t =
        new StringBuilder(
            "partner_id,day,direction,product,currency,rows_changed,amount_before,amount_after,"
                + "delta,rows_updated\n");
    for (SettlementDay x : d.settlement()) {
      t.append(x.partnerId())
          .append(',')
          .append(x.day())
          .append(',')
          .append(x.direction())
          .append(',')
          .append(x.product())
          .append(',')
          .append(x.currency())
          .append(',')
          .append(x.rows())
          .append(',')
          .append(x.before())
          .append(',')
          .append(x.after())
          .append(',')
          .append(x.delta() == null ? "" : x.delta())
          .append(',')
          .append(x.published())
          .append('\n');
    }
    Files.writeString(dir.resolve("settlement.csv"), t, StandardCharsets.UTF_8);
  }
}
