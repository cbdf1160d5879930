package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratorSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A failure in the middle of the feed changes no final table: the job restarts from its last
 * checkpoint and ends with the same invoice lines, settlement and rejects, and the same audit
 * totals, as a run without failure.
 */
class RecoveryIT {
  private static final long RECORDS = 20_000;
  private static Path feed;
  private static Path reference;
  private static Path base;

  @BeforeAll
  static void generate() throws Exception {
    base = Files.createTempDirectory(Path.of("target"), "recovery-");
    feed = base.resolve("feed.jsonl");
    reference = base.resolve("reference");
    FeedGenerator.write(
        new GeneratorSettings(
            RECORDS,
            400,
            7L,
            GeneratorSettings.DEFAULT_START,
            GeneratorSettings.DEFAULT_DAYS,
            GeneratorSettings.DEFAULT_HOME_OPERATOR),
        feed,
        reference);
  }

  @Test
  void aFailureMidFeedEndsWithTheSameTablesAsAnUninterruptedRun() throws Exception {
    Path clean = replay("clean", null);
    Path failed = replay("failed", RECORDS / 5);

    for (String table :
        List.of("invoice_line", "settlement_call", "settlement_daily", "rejected_cdr")) {
      List<String> expected = ExportedTables.rows(clean, table);
      List<String> actual = ExportedTables.rows(failed, table);
      assertTrue(!expected.isEmpty() || table.equals("rejected_cdr"), table + " is empty");
      assertEquals(expected.size(), actual.size(), table + ": row count");
      for (int i = 0; i < expected.size(); i++) {
        assertEquals(expected.get(i), actual.get(i), table + " row " + i);
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
          ExportedTables.sum(clean, "mediation_audit", counter),
          ExportedTables.sum(failed, "mediation_audit", counter),
          "audit " + counter);
    }
    assertEquals(RECORDS, ExportedTables.sum(failed, "mediation_audit", "received"));
  }

  private static Path replay(String name, Long failAfter) throws Exception {
    Path work = base.resolve(name);
    Path export = base.resolve(name + "-export");
    String[] args = {
      "replay",
      "--reference",
      reference.toString(),
      "--input",
      feed.toString(),
      "--workdir",
      work.toString(),
      "--export",
      export.toString()
    };
    if (failAfter != null) {
      Path config = base.resolve(name + ".properties");
      // Checkpoints every 200 ms, so that one completes in the middle of the feed and the
      // failure after it restores from there rather than from the start.
      Files.writeString(
          config,
          "testing.fail-once-after-records=" + failAfter + "\nlocal.checkpoint-interval=PT0.2S\n");
      args = concat(args, "--config", config.toString());
    }
    assertEquals(0, Cdrflow.run(args), "replay " + name);
    return export;
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
