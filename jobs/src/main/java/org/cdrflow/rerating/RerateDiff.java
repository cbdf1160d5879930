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

  /** The whole diff of a run. */
  public record Diff(RerateRun.Summary run, List<Account> accounts, List<Line> lines) {}

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
    return new Diff(run, accounts, lines);
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
    return b.toString();
  }

  /** Writes {@code accounts.csv} and {@code lines.csv} into {@code dir}. */
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
  }
}
