package org.cdrflow.it;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** Reads the CSV exports of {@code cdrflow replay} for comparisons, as billing would. */
final class ExportedTables {
  /** Columns that say when a row was written, not what it says: left out of comparisons. */
  // reference_version is the reference data's version when the line was rated: a load or a
  // period's readiness moves it at a moment of processing time (docs/rating.md, "Invoice line").
  // raised_at is when the job raised a fraud alert, in processing time (docs/fraud.md, "Alerts").
  static final Set<String> WRITE_TIMES =
      Set.of("created_at", "updated_at", "first_seen", "reference_version", "raised_at");

  private ExportedTables() {}

  /**
   * Where a line's record was read: the BER path puts the records on the topic in its own order.
   */
  static final Set<String> SOURCE_POSITION =
      Set.of("source_topic", "source_partition", "source_offset");

  /** The rows of {@code dir/table.csv} as "column=value" strings without the write times. */
  static List<String> rows(Path dir, String table) throws IOException {
    return rows(dir, table, Set.of());
  }

  /** As {@link #rows(Path, String)}, also without the columns {@code without}. */
  static List<String> rows(Path dir, String table, Set<String> without) throws IOException {
    try (Reader r = Files.newBufferedReader(dir.resolve(table + ".csv"));
        CSVParser p =
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
      List<String> header = p.getHeaderNames();
      List<String> rows = new ArrayList<>();
      for (CSVRecord rec : p) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < header.size(); i++) {
          if (!WRITE_TIMES.contains(header.get(i)) && !without.contains(header.get(i))) {
            sb.append(header.get(i)).append('=').append(rec.get(i)).append(';');
          }
        }
        rows.add(sb.toString());
      }
      return rows;
    }
  }

  /** The sum of one numeric column over all rows. */
  static long sum(Path dir, String table, String column) throws IOException {
    try (Reader r = Files.newBufferedReader(dir.resolve(table + ".csv"));
        CSVParser p =
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
      long total = 0;
      for (CSVRecord rec : p) {
        String v = rec.get(column);
        total += v.isEmpty() ? 0 : Long.parseLong(v);
      }
      return total;
    }
  }
}
