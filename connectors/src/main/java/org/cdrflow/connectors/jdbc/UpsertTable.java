package org.cdrflow.connectors.jdbc;

import java.io.Serializable;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An output table as {@link CopyUpsertSink} writes it: the columns it fills, in the order a {@link
 * CopyRowEncoder} writes them, the key columns (the leading ones, which the upsert conflicts on),
 * further assignments made when a row is written again ({@code updated_at = now()}), and the
 * condition a stored row must meet to be overwritten ({@code invoice_line.anonymised_at is null}).
 * Every statement of the sink is derived from this one description.
 *
 * @param alsoSet SQL assignments added to the {@code DO UPDATE SET} list after {@code col =
 *     excluded.col} for every non-key column
 * @param onlyWhere SQL condition of {@code DO UPDATE … WHERE}, or null to overwrite always
 */
public record UpsertTable(
    String name, List<String> columns, int keyColumns, List<String> alsoSet, String onlyWhere)
    implements Serializable {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

  public UpsertTable {
    columns = List.copyOf(columns);
    alsoSet = List.copyOf(alsoSet);
    if (!IDENTIFIER.matcher(name).matches() || name.length() > 40) {
      throw new IllegalArgumentException("not a plain table name: " + name);
    }
    for (String c : columns) {
      if (!IDENTIFIER.matcher(c).matches()) {
        throw new IllegalArgumentException("not a plain column name: " + c);
      }
    }
    if (keyColumns < 1 || keyColumns > columns.size()) {
      throw new IllegalArgumentException("the key must be 1 to " + columns.size() + " columns");
    }
  }

  /**
   * The session's staging table. Temporary tables live in a schema of their own per session, so
   * every connection (one per sink subtask) has its own.
   */
  String stagingTable() {
    return "cdrflow_staging_" + name;
  }

  /**
   * Creates the staging table: the written columns with the table's types, no constraints or
   * defaults (the target table checks and fills those), emptied at every commit. Temporary tables
   * are not written to the WAL.
   */
  String createStagingSql() {
    return "create temporary table "
        + stagingTable()
        + " on commit delete rows as select "
        + columnList()
        + " from "
        + name
        + " with no data";
  }

  String copySql() {
    return copySql(false);
  }

  /** The COPY into the staging table, in PostgreSQL's binary format or its text format. */
  String copySql(boolean binary) {
    return "copy "
        + stagingTable()
        + " ("
        + columnList()
        + ") from stdin"
        + (binary ? " with (format binary)" : "");
  }

  /**
   * The upsert of everything staged: the same statement as a multi-row {@code INSERT … VALUES … ON
   * CONFLICT}, reading the staging table instead of parameters. The staging table never holds a key
   * twice (the writer keeps the last row per key), which a single {@code ON CONFLICT DO UPDATE}
   * requires.
   */
  String upsertFromStagingSql() {
    StringBuilder sql =
        new StringBuilder("insert into ")
            .append(name)
            .append(" (")
            .append(columnList())
            .append(") select ")
            .append(columnList())
            .append(" from ")
            .append(stagingTable())
            .append(" on conflict (")
            .append(String.join(", ", columns.subList(0, keyColumns)))
            .append(") do ");
    List<String> set = new java.util.ArrayList<>();
    for (String c : columns.subList(keyColumns, columns.size())) {
      set.add(c + " = excluded." + c);
    }
    set.addAll(alsoSet);
    if (set.isEmpty()) {
      return sql.append("nothing").toString();
    }
    sql.append("update set ").append(String.join(", ", set));
    if (onlyWhere != null) {
      sql.append(" where ").append(onlyWhere);
    }
    return sql.toString();
  }

  private String columnList() {
    return String.join(", ", columns);
  }
}
