package org.cdrflow.connectors.export;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Exports output tables as CSV the way billing and finance compare them (README, "Export format"):
 * a header row, rows sorted by the table's key, NULL as an empty field, timestamps ISO-8601 in UTC,
 * dates YYYY-MM-DD, amounts as plain decimals, arrays (flags) joined with '|' in sorted order,
 * binary payloads in base64.
 */
public final class TableExport {
  /** Every output table with the key its export is sorted by. */
  public static final Map<String, String> OUTPUT_TABLES = outputTables();

  private TableExport() {}

  private static Map<String, String> outputTables() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("invoice_line", "line_id");
    m.put("settlement_call", "settlement_id");
    m.put("settlement_daily", "partner_id, direction, product, currency, day");
    m.put("rejected_cdr", "reject_id");
    m.put("mediation_audit", "hour");
    m.put("anonymisation_run", "run_id");
    return m;
  }

  /** Writes {@code <table>.csv} for every output table into {@code dir}; returns rows per table. */
  public static Map<String, Integer> exportAll(Connection c, Path dir)
      throws SQLException, IOException {
    Files.createDirectories(dir);
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Map.Entry<String, String> t : OUTPUT_TABLES.entrySet()) {
      counts.put(t.getKey(), export(c, t.getKey(), t.getValue(), dir.resolve(t.getKey() + ".csv")));
    }
    return counts;
  }

  public static int export(Connection c, String table, String orderBy, Path file)
      throws SQLException, IOException {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select * from " + table + " order by " + orderBy);
        Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter csv =
            new CSVPrinter(w, CSVFormat.RFC4180.builder().setRecordSeparator('\n').get())) {
      ResultSetMetaData md = r.getMetaData();
      int n = md.getColumnCount();
      List<String> header = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        header.add(md.getColumnName(i));
      }
      csv.printRecord(header);
      int rows = 0;
      List<String> row = new ArrayList<>(n);
      while (r.next()) {
        row.clear();
        for (int i = 1; i <= n; i++) {
          row.add(format(r, i, md.getColumnType(i), md.getColumnTypeName(i)));
        }
        csv.printRecord(row);
        rows++;
      }
      return rows;
    }
  }

  /** One value as the export writes it (README, "Export format"). */
  public static String format(ResultSet r, int i, int sqlType, String typeName)
      throws SQLException {
    switch (sqlType) {
      case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> {
        Timestamp t = r.getTimestamp(i);
        return t == null ? "" : t.toInstant().toString();
      }
      case Types.DATE -> {
        String d = r.getString(i);
        return d == null ? "" : d;
      }
      case Types.NUMERIC, Types.DECIMAL -> {
        BigDecimal b = r.getBigDecimal(i);
        return b == null ? "" : b.toPlainString();
      }
      case Types.ARRAY -> {
        Array a = r.getArray(i);
        if (a == null) {
          return "";
        }
        Object[] items = (Object[]) a.getArray();
        String[] s = Arrays.stream(items).map(String::valueOf).sorted().toArray(String[]::new);
        return String.join("|", s);
      }
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> {
        byte[] b = r.getBytes(i);
        return b == null ? "" : Base64.getEncoder().encodeToString(b);
      }
      default -> {
        String s = r.getString(i);
        return s == null ? "" : s;
      }
    }
  }
}
