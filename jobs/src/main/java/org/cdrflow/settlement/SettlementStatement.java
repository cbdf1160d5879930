package org.cdrflow.settlement;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The monthly interconnect statement of one partner ({@code cdrflow settlement-report --partner P
 * --month YYYY-MM}): per direction, product and currency the events, seconds, minutes and amount of
 * the month's {@code settlement_daily} rows, and per currency what we invoice (IN), what we pay
 * (OUT) and the net. The command reads the rows; this class only adds them up and renders them.
 *
 * <p>Amounts stay at 6 decimals, the exact sum of the detail rows: rounding to øre (or cents)
 * happens once, on the invoice total, in finance's own system. Minutes are shown for reading
 * (seconds / 60, 2 decimals, half-up); the amount is never recomputed from them.
 */
public final class SettlementStatement {

  /** Decimals of the minutes column. */
  public static final int MINUTES_SCALE = 2;

  private static final String[] CSV_HEADER = {
    "partner_id",
    "month",
    "direction",
    "product",
    "currency",
    "events",
    "seconds",
    "minutes",
    "amount"
  };

  private static final Comparator<Line> LINE_ORDER =
      Comparator.comparing(Line::direction)
          .thenComparing(Line::product)
          .thenComparing(Line::currency);

  private final String partnerId;
  private final YearMonth month;
  private final List<Line> lines;
  private final List<Total> totals;

  /** One product and direction in one currency over the month. */
  public record Line(
      SettlementDirection direction,
      SettlementProduct product,
      String currency,
      long events,
      long seconds,
      BigDecimal amount) {

    /** Seconds / 60, 2 decimals, half-up; for reading only. */
    public BigDecimal minutes() {
      return BigDecimal.valueOf(seconds)
          .divide(BigDecimal.valueOf(60), MINUTES_SCALE, RoundingMode.HALF_UP);
    }
  }

  /**
   * Per currency: what we invoice the partner (IN), what it invoices us (OUT), and the net (IN −
   * OUT; positive = the partner owes us). Currencies are never added together.
   */
  public record Total(String currency, BigDecimal in, BigDecimal out) {
    public BigDecimal net() {
      return in.subtract(out);
    }
  }

  private SettlementStatement(
      String partnerId, YearMonth month, List<Line> lines, List<Total> totals) {
    this.partnerId = partnerId;
    this.month = month;
    this.lines = List.copyOf(lines);
    this.totals = List.copyOf(totals);
  }

  /**
   * The statement of {@code partnerId} for {@code month} from that partner's {@code
   * settlement_daily} rows of the month.
   *
   * @throws IllegalArgumentException if a row is of another partner or month, or a key (direction,
   *     product, currency, day) appears twice: adding such rows would put money on the wrong
   *     statement or count it twice
   */
  public static SettlementStatement of(
      String partnerId, YearMonth month, Collection<SettlementDailyRow> rows) {
    Objects.requireNonNull(partnerId, "partnerId");
    Objects.requireNonNull(month, "month");
    Set<String> seen = new HashSet<>();
    Map<String, Line> byLine = new TreeMap<>();
    for (SettlementDailyRow row : rows) {
      if (!partnerId.equals(row.partnerId)) {
        throw new IllegalArgumentException(
            "row of partner " + row.partnerId + " on the statement of " + partnerId);
      }
      if (row.day == null || !YearMonth.from(row.localDay()).equals(month)) {
        throw new IllegalArgumentException(
            "row of day " + row.day + " on the statement of " + month);
      }
      if (row.amount == null || row.currency == null) {
        throw new IllegalArgumentException("row of day " + row.day + " has no amount or currency");
      }
      String dayKey = row.direction + '|' + row.product + '|' + row.currency + '|' + row.day;
      if (!seen.add(dayKey)) {
        throw new IllegalArgumentException("settlement_daily row given twice: " + dayKey);
      }
      SettlementDirection direction = SettlementDirection.valueOf(row.direction);
      SettlementProduct product = SettlementProduct.valueOf(row.product);
      byLine.merge(
          direction + "|" + product + "|" + row.currency,
          new Line(direction, product, row.currency, row.events, row.seconds, row.amount),
          (a, b) ->
              new Line(
                  a.direction(),
                  a.product(),
                  a.currency(),
                  Math.addExact(a.events(), b.events()),
                  Math.addExact(a.seconds(), b.seconds()),
                  a.amount().add(b.amount())));
    }
    List<Line> lines = new ArrayList<>(byLine.values());
    lines.sort(LINE_ORDER);

    Map<String, BigDecimal[]> inOut = new TreeMap<>();
    for (Line line : lines) {
      BigDecimal[] sums =
          inOut.computeIfAbsent(line.currency(), c -> new BigDecimal[] {zero(), zero()});
      int i = line.direction() == SettlementDirection.IN ? 0 : 1;
      sums[i] = sums[i].add(line.amount());
    }
    List<Total> totals = new ArrayList<>();
    inOut.forEach((currency, sums) -> totals.add(new Total(currency, sums[0], sums[1])));
    return new SettlementStatement(partnerId, month, lines, totals);
  }

  public String partnerId() {
    return partnerId;
  }

  public YearMonth month() {
    return month;
  }

  /** Ordered by direction (IN, OUT), product, currency. */
  public List<Line> lines() {
    return lines;
  }

  /** One per currency, ordered by currency. */
  public List<Total> totals() {
    return totals;
  }

  /** A plain-text table for a terminal or an e-mail. */
  public String toTable() {
    StringBuilder out = new StringBuilder();
    out.append("Interconnect settlement statement\n");
    out.append("Partner: ").append(partnerId).append('\n');
    out.append("Month:   ").append(month).append(" (days in Europe/Oslo)\n\n");
    if (lines.isEmpty()) {
      out.append("No settled traffic with this partner in this month.\n");
      return out.toString();
    }
    List<String[]> table = new ArrayList<>();
    table.add(new String[] {"Direction", "Product", "Currency", "Events", "Minutes", "Amount"});
    for (Line line : lines) {
      table.add(
          new String[] {
            line.direction().name(),
            line.product().name(),
            line.currency(),
            Long.toString(line.events()),
            line.minutes().toPlainString(),
            line.amount().toPlainString()
          });
    }
    appendAligned(out, table, 3);
    out.append('\n');
    List<String[]> sums = new ArrayList<>();
    sums.add(new String[] {"Currency", "We invoice (IN)", "We pay (OUT)", "Net (IN - OUT)"});
    for (Total total : totals) {
      sums.add(
          new String[] {
            total.currency(),
            total.in().toPlainString(),
            total.out().toPlainString(),
            total.net().toPlainString()
          });
    }
    appendAligned(out, sums, 1);
    return out.toString();
  }

  /** RFC 4180 CSV with a header row, one line per {@link Line}; no totals (they are derived). */
  public String toCsv() {
    StringBuilder out = new StringBuilder();
    appendCsv(out, CSV_HEADER);
    for (Line line : lines) {
      appendCsv(
          out,
          new String[] {
            partnerId,
            month.toString(),
            line.direction().name(),
            line.product().name(),
            line.currency(),
            Long.toString(line.events()),
            Long.toString(line.seconds()),
            line.minutes().toPlainString(),
            line.amount().toPlainString()
          });
    }
    return out.toString();
  }

  private static BigDecimal zero() {
    return BigDecimal.ZERO.setScale(WholesaleAmount.SCALE);
  }

  /** Columns from {@code firstNumeric} on are right-aligned, the others left-aligned. */
  private static void appendAligned(StringBuilder out, List<String[]> rows, int firstNumeric) {
    int[] widths = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        if (c > 0) {
          line.append("  ");
        }
        String pad = " ".repeat(widths[c] - row[c].length());
        line.append(c >= firstNumeric ? pad + row[c] : row[c] + pad);
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
  }

  private static void appendCsv(StringBuilder out, String[] fields) {
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      String f = fields[i];
      if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0) {
        out.append('"').append(f.replace("\"", "\"\"")).append('"');
      } else {
        out.append(f);
      }
    }
    out.append('\n');
  }
}
