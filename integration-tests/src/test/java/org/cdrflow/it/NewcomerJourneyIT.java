package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.cdrflow.it.CdrflowProcess.Result;
import org.junit.jupiter.api.Test;

/**
 * A newcomer's first hour with {@code bin/cdrflow}, as processes on the real embedded stack: the
 * demo (in the open billing period, ending with next commands that work on its data, nothing stale
 * left), a second demo that starts clean, an empty feed, an all-or-nothing reference load and a
 * failed command that leaves no folder behind. One test, so the stacks are started as few times as
 * the story needs.
 */
class NewcomerJourneyIT {
  private static final long TIMEOUT_S = 600;
  private static final int RECORDS = 1500;

  @Test
  void aNewcomersFirstHour() throws Exception {
    Path base = Files.createTempDirectory(Path.of("target"), "newcomer-").toAbsolutePath();
    Path cwd = Files.createDirectories(base.resolve("cwd"));
    YearMonth thisMonth = YearMonth.from(LocalDate.now(ZoneId.of("Europe/Oslo")).minusDays(1));

    // The demo: lines in the open period, the next commands printed, nothing stale left.
    Result demo = demo(cwd);
    String out = demo.allOut();
    assertFalse(out.contains("LATE"), "no line is billed late:\n" + out);
    assertTrue(out.contains(thisMonth.toString()), "lines in " + thisMonth + ":\n" + out);
    assertTrue(out.contains("the itemised lines of subscription "), out);
    assertEquals(
        1,
        demo.out().stream().filter(l -> l.contains("library messages go to")).count(),
        "the log file is named once:\n" + out);
    assertEquals(List.of(), noise(demo.err()), "no library noise on the console");
    assertFalse(Files.exists(cwd.resolve("cdrflow-demo/running-stack.properties")));
    assertEquals(RECORDS, receivedInAudit(demo), out);

    List<String> next = new ArrayList<>();
    for (String l : demo.out()) {
      if (l.startsWith("  bin/cdrflow ")) {
        next.add(l.strip());
      }
    }
    assertEquals(3, next.size(), "settlement report, subscriber export, anonymisation:\n" + out);
    for (String command : next) {
      Result r = CdrflowProcess.run(cwd, TIMEOUT_S, args(command));
      assertEquals(0, r.exit(), command + "\n" + r);
      assertFalse(r.allOut().contains("No settled traffic"), command + "\n" + r);
      assertFalse(r.allOut().contains("Nothing is held"), command + "\n" + r);
    }
    assertTrue(
        Files.list(cwd.resolve("cdrflow-demo/out")).count() == 2, "the report and the export");

    // A second demo starts clean, and says so.
    Result again = demo(cwd);
    assertTrue(again.allOut().contains("Removing the previous demo's data"), again.toString());
    assertEquals(RECORDS, receivedInAudit(again), again.allOut());

    // An empty feed is a feed of zero records.
    Path stack = cwd.resolve("cdrflow-demo/stack");
    Path empty = Files.writeString(base.resolve("empty.jsonl"), "");
    Path export = base.resolve("export");
    Result replay =
        CdrflowProcess.run(
            cwd,
            TIMEOUT_S,
            "replay",
            "--reference",
            cwd.resolve("cdrflow-demo/feed/reference").toString(),
            "--input",
            empty.toString(),
            "--workdir",
            stack.toString(),
            "--export",
            export.toString());
    assertEquals(0, replay.exit(), replay.toString());
    assertTrue(replay.allOut().contains("holds no records"), replay.toString());
    assertEquals(RECORDS, receivedInExport(export), "audit unchanged");
    assertTrue(Files.exists(export.resolve("invoice_line.csv")));

    // load-reference is all or nothing: a good partner file is not loaded when rate.csv is bad.
    Path bad = Files.createDirectories(base.resolve("bad-reference"));
    Path examples = Path.of("..", "examples", "reference");
    List<String> partners =
        new ArrayList<>(
            Files.readAllLines(examples.resolve("partner.csv"), StandardCharsets.UTF_8));
    partners.add("PTN-NEWCOMER,Newcomer Telecom,");
    Files.write(bad.resolve("partner.csv"), partners);
    List<String> rates = new ArrayList<>(Files.readAllLines(examples.resolve("rate.csv")));
    String[] cells = rates.get(3).split(",", -1);
    cells[5] = "sixty";
    rates.set(3, String.join(",", cells));
    Files.write(bad.resolve("rate.csv"), rates);
    Result load =
        CdrflowProcess.run(
            cwd, TIMEOUT_S, "load-reference", bad.toString(), "--workdir", stack.toString());
    assertEquals(1, load.exit(), load.toString());
    assertTrue(load.firstErr().contains("rate.csv"), load.toString());
    assertTrue(load.firstErr().contains("nothing of " + bad + " was loaded"), load.toString());
    Result report =
        CdrflowProcess.run(
            cwd,
            TIMEOUT_S,
            "settlement-report",
            "--partner",
            "PTN-NEWCOMER",
            "--month",
            thisMonth.toString(),
            "--workdir",
            stack.toString());
    assertEquals(1, report.exit(), "the partner file was not loaded either: " + report);
    assertTrue(
        report.firstErr().contains("--partner PTN-NEWCOMER: no such partner"), report.toString());
    assertFalse(
        Files.exists(cwd.resolve("settlement-PTN-NEWCOMER-" + thisMonth + ".csv")),
        "no statement written for an unknown partner");

    // A failed command removes the folder it created.
    Result failed =
        CdrflowProcess.run(
            cwd, TIMEOUT_S, "load-reference", bad.toString(), "--workdir", "fresh/work");
    assertEquals(1, failed.exit(), failed.toString());
    assertFalse(Files.exists(cwd.resolve("fresh")), "nothing left: " + failed);
  }

  private static Result demo(Path cwd) throws Exception {
    Result r =
        CdrflowProcess.run(
            cwd,
            TIMEOUT_S,
            "demo",
            "--records",
            String.valueOf(RECORDS),
            "--subscribers",
            "40",
            "--rate",
            "0");
    assertEquals(0, r.exit(), r.toString());
    assertTrue(r.firstOut().startsWith("== "), r.toString());
    return r;
  }

  private static String[] args(String printed) {
    String[] words = printed.split(" ");
    assertEquals("bin/cdrflow", words[0], printed);
    String[] args = new String[words.length - 1];
    System.arraycopy(words, 1, args, 0, args.length);
    return args;
  }

  /** Log lines (time, level, logger) that reached the console. */
  private static List<String> noise(List<String> err) {
    return err.stream()
        .filter(l -> l.matches("^\\d\\d:\\d\\d:\\d\\d.*(WARN|INFO|ERROR).*"))
        .toList();
  }

  /** The "received" figure of the demo's audit table (the row after its header). */
  private static long receivedInAudit(Result demo) {
    List<String> lines = demo.out();
    for (int i = 0; i < lines.size() - 1; i++) {
      if (lines.get(i).strip().startsWith("received")) {
        return Long.parseLong(lines.get(i + 1).strip().split("\\s+")[0]);
      }
    }
    throw new AssertionError("no audit table:\n" + demo.allOut());
  }

  private static long receivedInExport(Path export) throws Exception {
    List<String> lines = Files.readAllLines(export.resolve("mediation_audit.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    int col = header.indexOf("received");
    long sum = 0;
    for (String l : lines.subList(1, lines.size())) {
      sum += Long.parseLong(l.split(",", -1)[col]);
    }
    return sum;
  }
}
