package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/** A CSV file with a header row, every row as column → value (empty = NULL). */
record CsvTable(List<String> header, List<Map<String, String>> rows) {
  static CsvTable read(Path csv) throws IOException {
    assertTrue(Files.exists(csv), csv + " exists");
    try (Reader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8);
        CSVParser p =
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
      List<Map<String, String>> rows = new ArrayList<>();
      for (CSVRecord rec : p) {
        rows.add(new LinkedHashMap<>(rec.toMap()));
      }
      return new CsvTable(new ArrayList<>(p.getHeaderNames()), rows);
    }
  }
}
