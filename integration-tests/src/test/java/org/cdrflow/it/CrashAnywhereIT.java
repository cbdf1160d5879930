package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.cli.RuntimeStack;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.export.TableExport;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratorSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Crash anywhere, run the same command again (docs/reliability.md): the real {@code bin/cdrflow
 * replay} and {@code bin/cdrflow reprocess}, each a child process, are killed with SIGKILL together
 * with everything they started (the command's JVM, the broker's JVM, PostgreSQL and its backends),
 * as a power cut or the OOM killer would, at seeded random points: while feeding, while the job
 * processes and during the drain, three times in a row. The same command run again on the same
 * workdir ends with every exported table equal, row by row, to a run that was never killed (only
 * the columns that say when a row was written differ), and the audit equation exact.
 */
class CrashAnywhereIT {
  private static final long RECORDS = 3_000;
  private static final long SEED = Long.getLong("crash.seed", 15L);

  /** Columns that say when a row was written (or reprocessed), not what it says. */
  private static final Set<String> WRITE_TIMES =
      Set.of("created_at", "updated_at", "first_seen", "reprocessed_at", "reference_version");

  private static Path base;
  private static Path feed;
  private static Path reference;
  private static Path referenceWithHoles;
  private static Path paced;

  @BeforeAll
  static void generate() throws Exception {
    base = Files.createTempDirectory(Path.of("target"), "crash-").toAbsolutePath();
    feed = base.resolve("feed.jsonl");
    reference = base.resolve("reference");
    FeedGenerator.write(
        new GeneratorSettings(
            RECORDS,
            120,
            SEED,
            GeneratorSettings.DEFAULT_START,
            GeneratorSettings.DEFAULT_DAYS,
            GeneratorSettings.DEFAULT_HOME_OPERATOR),
        feed,
        reference);
    referenceWithHoles = withoutSomeSubscriptions(base.resolve("reference-with-holes"));
    // Two seconds of feeding, so that a kill soon after the first record lands mid-feed.
    paced = base.resolve("paced.properties");
    Files.writeString(paced, "testing.feed-records-per-second=1500\n");
  }

  @Test
  void replayAndReprocessKilledAnywhereEndWithTheTablesOfACleanRun() throws Exception {
    // The run that is never killed, the reference for the tables: the same commands in this JVM
    // (no process of its own to start, and no feed pace to wait for), since nothing kills it.
    Path clean = base.resolve("clean");
    List<String> unpaced = new ArrayList<>(replay(clean));
    unpaced.subList(0, 3).clear();
    unpaced.add(0, "replay");
    assertEquals(0, Cdrflow.run(unpaced.toArray(String[]::new)), "the clean replay");
    fixReferenceData(clean);
    assertEquals(0, Cdrflow.run(reprocess(clean).toArray(String[]::new)), "the clean reprocess");
    export(clean, "reprocessed");
    long reprocessed = sum(clean.resolve("reprocessed"), "mediation_audit", "reprocessed");
    assertTrue(reprocessed > 0, "the clean run reprocessed rejects");

    Random random = new Random(SEED);
    Path killed = base.resolve("killed");
    // Three kills in a row: while feeding (the feed has begun once its ledger exists), while the
    // job processes, during the drain or the export; then the same command runs to its end.
    List<String> kills = new ArrayList<>();
    kills.add(killAt(killed, replay(killed), null, random, 800).where());
    Killed processing = killAt(killed, replay(killed), "job ", random, 4000);
    kills.add(processing.where());
    long onTopic = alreadyOnTopic(processing.output());
    assertTrue(
        onTopic > 0 && onTopic < RECORDS,
        "the first kill came mid-feed: " + onTopic + " records were on the topic");
    // Up to 4 s after the drain began: during the drain, or during the export after it.
    kills.add(killAt(killed, replay(killed), "draining", random, 4000).where());
    assertEquals(0, run(killed, replay(killed)).exit());
    assertTablesEqual(clean.resolve("replayed"), killed.resolve("replayed"), kills.toString());

    fixReferenceData(killed);
    String phase = random.nextBoolean() ? "job " : "draining";
    kills.add(killAt(killed, reprocess(killed), phase, random, 3000).where());
    assertEquals(0, run(killed, reprocess(killed)).exit());
    export(killed, "reprocessed");
    assertTablesEqual(
        clean.resolve("reprocessed"), killed.resolve("reprocessed"), kills.toString());
  }

  /** Loads the complete reference data, as BSS would fix it, on the workdir's stack. */
  private static void fixReferenceData(Path work) throws Exception {
    try (RuntimeStack stack = RuntimeStack.open(CdrflowConfig.defaults(), work.resolve("work"))) {
      CdrflowConfig.JdbcSettings jdbc = stack.config().jdbc();
      new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(reference);
    }
  }

  /** Exports every output table of the workdir's database into {@code work/name}. */
  private static void export(Path work, String name) throws Exception {
    try (RuntimeStack stack = RuntimeStack.open(CdrflowConfig.defaults(), work.resolve("work"));
        Connection c = stack.config().jdbc().connect()) {
      TableExport.exportAll(c, work.resolve(name));
    }
  }

  // ---- the commands

  private static List<String> replay(Path work) {
    return List.of(
        "replay",
        "--config",
        paced.toString(),
        "--reference",
        referenceWithHoles.toString(),
        "--input",
        feed.toString(),
        "--workdir",
        work.resolve("work").toString(),
        "--export",
        work.resolve("replayed").toString());
  }

  private static List<String> reprocess(Path work) {
    return List.of(
        "reprocess",
        "--reason",
        "UNKNOWN_SUBSCRIBER",
        "--workdir",
        work.resolve("work").toString());
  }

  // ---- running and killing

  private record Ended(int exit, List<String> output) {}

  private record Killed(String where, List<String> output) {}

  /** How many records the run's feed found on the topic from an earlier run (its "Fed" line). */
  private static long alreadyOnTopic(List<String> output) {
    java.util.regex.Pattern onTopic =
        java.util.regex.Pattern.compile("\\((\\d+) were on the topic from an earlier run\\)");
    for (String line : output) {
      if (line.startsWith("Fed ")) {
        java.util.regex.Matcher m = onTopic.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
      }
    }
    throw new AssertionError("no Fed line in " + output);
  }

  private static Ended run(Path work, List<String> args) throws Exception {
    Process p = start(work, args);
    List<String> out = pump(p);
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      KilledCommand.killTree(p.toHandle(), work.resolve("work"));
      throw new AssertionError("cdrflow " + args.get(0) + " did not end: " + out);
    }
    awaitOutput(p);
    if (p.exitValue() != 0) {
      System.err.println(String.join("\n", out));
    }
    return new Ended(p.exitValue(), out);
  }

  /**
   * Starts the command, waits for the output line containing {@code marker} (or, for a null marker,
   * for the feed's ledger to appear), waits a seeded random time of up to {@code maxDelayMillis},
   * and kills the whole process tree. Returns where it was killed, for the assertion messages.
   */
  private static Killed killAt(
      Path work, List<String> args, String marker, Random random, int maxDelayMillis)
      throws Exception {
    int delay = random.nextInt(maxDelayMillis + 1);
    Process p = start(work, args);
    List<String> out = pump(p);
    boolean alive;
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (!reached(work, out, marker)) {
        if (!p.isAlive()) {
          return new Killed(args.get(0) + ": ended before " + marker, out);
        }
        assertTrue(System.nanoTime() < deadline, "no " + marker + " in " + out);
        Thread.sleep(20);
      }
      Thread.sleep(delay);
      alive = p.isAlive();
    } finally {
      KilledCommand.killTree(p.toHandle(), work.resolve("work"));
    }
    String where =
        args.get(0) + " killed " + delay + " ms after " + (marker == null ? "feed start" : marker);
    System.out.println(where + (alive ? "" : " (it had ended)") + "; output: " + out);
    return new Killed(where, out);
  }

  private static boolean reached(Path work, List<String> out, String marker) throws Exception {
    if (marker == null) {
      return rawRecords(work.resolve("work")) > 0;
    }
    return out.stream().anyMatch(l -> l.contains(marker));
  }

  /** Records on the raw topic of the workdir's running broker; 0 while it is not up. */
  private static long rawRecords(Path workDir) throws Exception {
    Path config = workDir.resolve("kafka").resolve("server.properties");
    if (!Files.exists(config)) {
      return 0;
    }
    java.util.Properties p = new java.util.Properties();
    try (Reader r = Files.newBufferedReader(config)) {
      p.load(r);
    }
    String listeners = p.getProperty("advertised.listeners", "");
    if (!listeners.startsWith("PLAINTEXT://")) {
      return 0;
    }
    java.util.Properties client = new java.util.Properties();
    client.put("bootstrap.servers", listeners.substring("PLAINTEXT://".length()));
    client.put("request.timeout.ms", "2000");
    client.put("default.api.timeout.ms", "2000");
    try (Admin admin = Admin.create(client)) {
      TopicPartition raw = new TopicPartition("cdr.raw", 0);
      return admin
          .listOffsets(java.util.Map.of(raw, OffsetSpec.latest()))
          .partitionResult(raw)
          .get(3, TimeUnit.SECONDS)
          .offset();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return 0; // the broker or the topic is not there yet
    }
  }

  private static Process start(Path work, List<String> args) throws IOException {
    Files.createDirectories(work);
    return KilledCommand.start(args, Files.createDirectories(work.resolve("tmp")));
  }

  private static List<String> pump(Process p) {
    return KilledCommand.pump(p);
  }

  private static void awaitOutput(Process p) throws InterruptedException {
    KilledCommand.awaitOutput(p);
  }

  // ---- comparing

  private static void assertTablesEqual(Path expectedDir, Path actualDir, String kills)
      throws IOException {
    try (Stream<Path> files = Files.list(expectedDir)) {
      for (Path f : files.sorted().toList()) {
        String table = f.getFileName().toString().replace(".csv", "");
        List<String> expected = rows(expectedDir, table);
        List<String> actual = rows(actualDir, table);
        assertEquals(expected.size(), actual.size(), table + ": row count after " + kills);
        for (int i = 0; i < expected.size(); i++) {
          assertEquals(expected.get(i), actual.get(i), table + " row " + i + " after " + kills);
        }
      }
    }
    assertFalse(rows(actualDir, "invoice_line").isEmpty(), "invoice_line is empty");
    for (String counter :
        List.of(
            "received",
            "rated",
            "rejected",
            "duplicates",
            "unanswered",
            "pending_partials",
            "lines_written",
            "settlement_rows_written",
            "reprocessed")) {
      assertEquals(
          sum(expectedDir, "mediation_audit", counter),
          sum(actualDir, "mediation_audit", counter),
          "audit " + counter + " after " + kills);
    }
    long received = sum(actualDir, "mediation_audit", "received");
    assertEquals(RECORDS + sum(actualDir, "mediation_audit", "reprocessed"), received, "received");
    assertEquals(
        received,
        sum(actualDir, "mediation_audit", "rated")
            + sum(actualDir, "mediation_audit", "rejected")
            + sum(actualDir, "mediation_audit", "duplicates")
            + sum(actualDir, "mediation_audit", "unanswered")
            + sum(actualDir, "mediation_audit", "pending_partials"),
        "received = rated + rejected + duplicates + unanswered + pending");
  }

  /** The rows as "column=value;" strings without write times ("set" for a reprocessed_at). */
  private static List<String> rows(Path dir, String table) throws IOException {
    try (Reader r = Files.newBufferedReader(dir.resolve(table + ".csv"));
        CSVParser p =
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
      List<String> header = p.getHeaderNames();
      List<String> rows = new ArrayList<>();
      for (CSVRecord rec : p) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < header.size(); i++) {
          String column = header.get(i);
          String value = rec.get(i);
          if (column.equals("reprocessed_at")) {
            sb.append(column).append('=').append(value.isEmpty() ? "" : "set").append(';');
          } else if (!WRITE_TIMES.contains(column)) {
            sb.append(column).append('=').append(value).append(';');
          }
        }
        rows.add(sb.toString());
      }
      return rows;
    }
  }

  private static long sum(Path dir, String table, String column) throws IOException {
    return ExportedTables.sum(dir, table, column);
  }

  /**
   * The generated reference without three subscriptions: their records are rejected until fixed.
   */
  private static Path withoutSomeSubscriptions(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(reference)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    Path subscriptions = dir.resolve("subscription.csv");
    List<String> lines = Files.readAllLines(subscriptions, StandardCharsets.UTF_8);
    List<String> kept = new ArrayList<>(lines.subList(0, 1));
    for (int i = 1; i < lines.size(); i++) {
      if (i < 4 || i > 6) {
        kept.add(lines.get(i));
      }
    }
    Files.write(subscriptions, kept, StandardCharsets.UTF_8);
    return dir;
  }
}
