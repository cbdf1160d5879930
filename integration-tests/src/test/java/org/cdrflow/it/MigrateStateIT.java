package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.junit.jupiter.api.Test;

/**
 * An upgrade from release 52201b6 (docs/operations.md, "Upgrade"): that release's savepoint, taken
 * after the first half of a feed (fixture: src/test/resources/state-52201b6, README there), is
 * rewritten by {@code cdrflow migrate-state} (and the result once more, which changes nothing);
 * this build resumes from it with the second half, over the tables that release wrote, and ends
 * with the tables of a run of this build over both halves.
 */
class MigrateStateIT {
  private static final String FIXTURE = "/state-52201b6/";

  /** The key of each table's rows, as in the export (README, "Export format"). */
  private static final Map<String, List<String>> KEYS =
      Map.of(
          "invoice_line", List.of("line_id"),
          "settlement_call", List.of("settlement_id"),
          "rejected_cdr", List.of("reject_id"));

  /** Columns that say when or by which state a row was written, not what it says. */
  private static final Set<String> NOT_COMPARED =
      Set.of(
          "created_at",
          "updated_at",
          "first_seen",
          "lineage_id",
          // The inputs a line carries since release 52201b6 (docs/rating.md, "Invoice line"): the
          // lines the old release wrote before the upgrade have none.
          "reference_version",
          "plan_id",
          "rate_valid_from",
          "unit_price",
          "connect_fee",
          "fair_use_surcharge",
          "allowance_before",
          "allowance_after",
          "visited_zone",
          "raw_records",
          "source_topic",
          "source_partition",
          "source_offset",
          "corrects_line_id",
          "rerate_run_id",
          "interconnect_rate_valid_from");

  @Test
  void aSavepointOfRelease52201b6MigratedResumesToTheTablesOfAnUninterruptedRun() throws Exception {
    Path base = Files.createTempDirectory(Path.of("target"), "migrate-state-");
    Path fixture = unpack(base.resolve("fixture"));
    Path reference = fixture.resolve("reference");
    Path firstHalf = fixture.resolve("feed-a.jsonl");
    Path secondHalf = fixture.resolve("feed-b.jsonl");

    // This build over both halves, stopped and resumed in between as the old release was.
    Path clean = base.resolve("clean");
    assertEquals(0, replay(reference, firstHalf, clean, null), "clean first half");
    Path cleanExport = base.resolve("clean-export");
    assertEquals(0, replay(reference, secondHalf, clean, cleanExport), "clean second half");

    // The upgrade: the old release's tables, its savepoint migrated, then the second half.
    Path upgraded = base.resolve("upgraded");
    try (EmbeddedStack stack = EmbeddedStack.builder(upgraded).databaseOnly().start()) {
      org.cdrflow.connectors.db.DatabaseSchema.migrate(
          stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
      try (Connection c =
          DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword())) {
        for (String table : LOADED) {
          load(c, table, fixture.resolve("export-a").resolve(table + ".csv"));
        }
      }
    }
    // Migrated twice: into this build's layout (hashed call keys, one ledger per subscription),
    // then that result again, which must change nothing (docs/operations.md, "Upgrade").
    Path migratedOnce = base.resolve("migrated-once");
    assertEquals(
        0,
        Cdrflow.run(
            "migrate-state",
            "--savepoint",
            fixture.resolve("savepoint").toString(),
            "--out",
            migratedOnce.toString()),
        "migrate-state");
    Path migrated = upgraded.resolve("job-state").resolve("savepoints").resolve("migrated");
    assertEquals(
        0,
        Cdrflow.run(
            "migrate-state", "--savepoint", migratedOnce.toString(), "--out", migrated.toString()),
        "migrate-state of a migrated savepoint");
    // The first half goes onto the topic again (the old release's offsets point past it); the
    // job resumes at those offsets and reads none of it.
    assertEquals(0, replay(reference, firstHalf, upgraded, null), "upgraded, first half");
    Path upgradedExport = base.resolve("upgraded-export");
    assertEquals(
        0, replay(reference, secondHalf, upgraded, upgradedExport), "upgraded, second half");

    for (String table : TABLES) {
      Map<String, Map<String, String>> expected = rows(cleanExport, table);
      Map<String, Map<String, String>> actual = rows(upgradedExport, table);
      assertTrue(!expected.isEmpty() || table.equals("rejected_cdr"), table + " is empty");
      if (table.equals("rejected_cdr")) {
        // reject_id is derived differently since 52201b6 (docs/architecture.md, "Exactly-once
        // effect"): the old release's rejects keep the ids it gave them. One row per rejected
        // record either way.
        assertEquals(expected.size(), actual.size(), table + ": rows");
        continue;
      }
      assertEquals(expected.keySet(), actual.keySet(), table + ": rows");
      for (String key : expected.keySet()) {
        assertEquals(expected.get(key), actual.get(key), table + " row " + key);
      }
    }
    for (String counter :
        List.of(
            "received",
            "rated",
            "rejected",
            "duplicates",
            "unanswered",
            "pending_partials",
            "lines_written",
            "settlement_rows_written")) {
      assertEquals(
          ExportedTables.sum(cleanExport, "mediation_audit", counter),
          ExportedTables.sum(upgradedExport, "mediation_audit", counter),
          "audit " + counter);
    }
  }

  private static final List<String> TABLES =
      List.of("invoice_line", "settlement_call", "settlement_daily", "rejected_cdr");

  /** What the old release's first half wrote, loaded under the upgraded job. */
  private static final List<String> LOADED =
      List.of(
          "invoice_line", "settlement_call", "settlement_daily", "rejected_cdr", "mediation_audit");

  private static int replay(Path reference, Path feed, Path work, Path export) {
    String[] more = export == null ? new String[0] : new String[] {"--export", export.toString()};
    return Cdrflow.run(Replay.args(reference, feed, work, more));
  }

  /**
   * The fixture out of the test resources (files named {@code .gz} unzipped), the feed cut in its
   * two halves.
   */
  private static Path unpack(Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String name : fixtureFiles()) {
      boolean zipped = name.endsWith(".gz");
      Path to = dir.resolve(zipped ? name.substring(0, name.length() - 3) : name);
      Files.createDirectories(to.getParent());
      try (InputStream resource = MigrateStateIT.class.getResourceAsStream(FIXTURE + name);
          InputStream in = zipped ? new GZIPInputStream(resource) : resource) {
        Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
      }
    }
    List<String> feed = Files.readAllLines(dir.resolve("feed.jsonl"), StandardCharsets.UTF_8);
    int half = Integer.parseInt(Files.readString(dir.resolve("first-half-records")).trim());
    Files.write(dir.resolve("feed-a.jsonl"), feed.subList(0, half), StandardCharsets.UTF_8);
    Files.write(
        dir.resolve("feed-b.jsonl"), feed.subList(half, feed.size()), StandardCharsets.UTF_8);
    return dir;
  }

  /** Every file of the fixture, from its index (resources are not a folder inside a jar). */
  private static List<String> fixtureFiles() throws IOException {
    try (InputStream in = MigrateStateIT.class.getResourceAsStream(FIXTURE + "files.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank())
          .toList();
    }
  }

  /**
   * Loads an export of the old release into this build's table: the columns both have, the export's
   * text turned back into the column's type (README, "Export format").
   */
  private static void load(Connection c, String table, Path csv) throws Exception {
    Map<String, String> types = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select a.attname, format_type(a.atttypid, a.atttypmod) from pg_attribute a"
                    + " where a.attrelid = '"
                    + table
                    + "'::regclass and a.attnum > 0 and not a.attisdropped")) {
      while (r.next()) {
        types.put(r.getString(1), r.getString(2));
      }
    }
    try (Reader reader = Files.newBufferedReader(csv);
        CSVParser p =
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader);
        var insert = prepare(c, table, p.getHeaderNames(), types)) {
      List<String> header = p.getHeaderNames();
      for (CSVRecord rec : p) {
        int i = 1;
        for (String column : header) {
          if (types.containsKey(column)) {
            String v = rec.get(column);
            insert.setString(i++, v.isEmpty() ? null : v);
          }
        }
        insert.addBatch();
      }
      insert.executeBatch();
    }
  }

  private static java.sql.PreparedStatement prepare(
      Connection c, String table, List<String> header, Map<String, String> types) throws Exception {
    List<String> columns = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (String column : header) {
      String type = types.get(column);
      if (type == null) {
        continue;
      }
      columns.add(column);
      if (type.equals("bytea")) {
        values.add("decode(?, 'base64')");
      } else if (type.endsWith("[]")) {
        values.add("string_to_array(?, '|')::" + type);
      } else {
        values.add("?::" + type);
      }
    }
    return c.prepareStatement(
        "insert into "
            + table
            + " ("
            + String.join(", ", columns)
            + ") values ("
            + String.join(", ", values)
            + ")");
  }

  /** The rows of an export by their key, each as its compared columns. */
  private static Map<String, Map<String, String>> rows(Path dir, String table) throws IOException {
    Map<String, Map<String, String>> rows = new TreeMap<>();
    try (Reader r = Files.newBufferedReader(dir.resolve(table + ".csv"));
        CSVParser p =
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
      List<String> header = p.getHeaderNames();
      List<String> key = KEYS.get(table);
      for (CSVRecord rec : p) {
        Map<String, String> row = new TreeMap<>();
        for (String column : header) {
          if (!NOT_COMPARED.contains(column)) {
            row.put(column, rec.get(column));
          }
        }
        String k =
            key == null
                ? String.join("|", row.values())
                : String.join("|", key.stream().map(rec::get).toList());
        rows.put(k, row);
      }
    }
    return rows;
  }
}
