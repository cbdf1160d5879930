package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratorSettings;
import org.junit.jupiter.api.Test;

/**
 * The network's own format end to end: a generated feed written as TS 32.298 BER files, collected
 * ({@code cdrflow collect --once}) onto the raw topic and replayed, gives the same tables as the
 * same feed in Avro (up to the milliseconds BER does not carry); a file delivered twice is
 * collected once; a cut-off file is held until an operator releases it.
 */
class BerCollectionIT {
  private static final int RECORDS = 3_000;

  @Test
  void aBerFeedCollectedAndReplayedGivesTheTablesOfTheAvroFeed() throws Exception {
    Path base = Files.createTempDirectory(Path.of("target"), "ber-collection-");
    // One day, not the default thirty: the generator writes a BER file per network element and ten
    // minutes of calls, so a month of 3,000 records is thousands of tiny files, each collected on
    // its own, which proves no more than the few hundred of a day.
    GeneratorSettings settings = GeneratorSettings.of(RECORDS, 200, 20261207L).withDays(1);
    Path avro = base.resolve("feed.avro");
    FeedGenerator.write(settings, avro, base.resolve("reference"));
    Path ber = Files.createDirectories(base.resolve("ber"));
    FeedGenerator.write(settings, ber, base.resolve("reference-ber"));

    run(
        "replay",
        "--reference",
        base.resolve("reference").toString(),
        "--input",
        avro.toString(),
        "--workdir",
        base.resolve("work-avro").toString(),
        "--export",
        base.resolve("export-avro").toString());
    Path work = base.resolve("work-ber");
    run("collect", "--dir", ber.toString(), "--once", "--workdir", work.toString());
    run(
        "replay",
        "--reference",
        base.resolve("reference-ber").toString(),
        "--workdir",
        work.toString(),
        "--export",
        base.resolve("export-ber").toString());

    for (String table : List.of("invoice_line", "settlement_call", "settlement_daily")) {
      assertEquals(
          rows(base.resolve("export-avro"), table), rows(base.resolve("export-ber"), table), table);
    }
    long received;
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      received = scalar(c, "select sum(received) from mediation_audit");
      assertEquals(RECORDS, received, "every record reached mediation");
      assertEquals(
          "COLLECTED",
          scalarText(c, "select string_agg(distinct status, ',') from collected_file"));
      // The audit equation over files: records in files = records on the topic + rejected.
      assertEquals(RECORDS, scalar(c, "select sum(records) from collected_file"));
      assertEquals(0, scalar(c, "select sum(records_rejected) from collected_file"));
      assertEquals(
          received + scalar(c, "select sum(records_rejected) from collected_file"),
          scalar(c, "select sum(records) from collected_file"));
    }

    // A second delivery of a file, and a file cut off in the middle of a record.
    List<Path> files;
    try (Stream<Path> s = Files.list(ber)) {
      files = s.sorted().toList();
    }
    long filesBefore = files.size();
    Path biggest =
        files.stream().max((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).get();
    Files.copy(biggest, ber.resolve("copy-of-" + biggest.getFileName()));
    byte[] whole = Files.readAllBytes(biggest);
    Path cut = ber.resolve("MSC-CUT-1_-_20260101T0000Z.ber");
    Files.write(cut, Arrays.copyOf(whole, whole.length - 5));
    run("collect", "--dir", ber.toString(), "--once", "--workdir", work.toString());
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      assertEquals(filesBefore + 1, scalar(c, "select count(*) from collected_file"));
      assertEquals(
          "INCOMPLETE",
          scalarText(
              c, "select status from collected_file where name = '" + cut.getFileName() + "'"));
    }
    run(
        "collect",
        "--dir",
        ber.toString(),
        "--release",
        cut.getFileName().toString(),
        "--workdir",
        work.toString());
    try (EmbeddedStack stack = EmbeddedStack.builder(work).databaseOnly().start();
        Connection c = connect(stack)) {
      assertEquals(
          "RELEASED",
          scalarText(
              c, "select status from collected_file where name = '" + cut.getFileName() + "'"));
      assertEquals(
          1,
          scalar(
              c,
              "select records_rejected from collected_file where name = '"
                  + cut.getFileName()
                  + "'"));
      assertEquals(
          1,
          scalar(
              c,
              "select count(*) from rejected_cdr where reason = 'UNDECODABLE' and detail like"
                  + " 'file "
                  + cut.getFileName()
                  + " record %'"));
    }
  }

  private static void run(String... args) {
    assertEquals(0, Cdrflow.run(args), String.join(" ", args));
  }

  /**
   * Rows without write times and where each record was read (the collector puts them on the topic
   * in its own order), timestamps to the second (BER carries no milliseconds).
   */
  private static List<String> rows(Path dir, String table) throws Exception {
    List<String> rows = new ArrayList<>();
    for (String r : ExportedTables.rows(dir, table, ExportedTables.SOURCE_POSITION)) {
      rows.add(r.replaceAll("(\\d{2}:\\d{2}:\\d{2})\\.\\d+", "$1"));
    }
    rows.sort(null);
    return rows;
  }

  private static Connection connect(EmbeddedStack stack) throws Exception {
    return java.sql.DriverManager.getConnection(
        stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }

  private static long scalar(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static String scalarText(Connection c, String sql) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getString(1);
    }
  }
}
