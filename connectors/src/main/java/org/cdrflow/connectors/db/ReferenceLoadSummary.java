package org.cdrflow.connectors.db;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a reference data load wrote: rows per table, in load order. Tables whose file was absent are
 * not listed.
 */
public record ReferenceLoadSummary(Map<String, Integer> rowsByTable) {

  public ReferenceLoadSummary {
    rowsByTable = Collections.unmodifiableMap(new LinkedHashMap<>(rowsByTable));
  }

  /** Rows loaded into {@code table}, 0 when its file was absent. */
  public int rows(String table) {
    return rowsByTable.getOrDefault(table, 0);
  }

  /** Rows loaded over all tables. */
  public long total() {
    return rowsByTable.values().stream().mapToLong(Integer::longValue).sum();
  }

  @Override
  public String toString() {
    return rowsByTable.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", ", "{", "}"));
  }
}
