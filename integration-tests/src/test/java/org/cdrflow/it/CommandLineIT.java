package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.cdrflow.it.CdrflowProcess.Result;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/cdrflow} as a newcomer meets it, each case a process of its own: help that works, and
 * wrong input refused with one line and exit 2 before anything starts, leaving no folder behind.
 * None of these starts a stack, so each takes a second or two.
 */
class CommandLineIT {
  private static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  private static final long TIMEOUT_S = 60;

  private Path cwd;

  @BeforeEach
  void emptyWorkingFolder() throws Exception {
    Path base = Files.createTempDirectory(Path.of("target"), "command-line-").toAbsolutePath();
    cwd = Files.createDirectories(base.resolve("cwd"));
  }

  private Result cdrflow(String... args) throws Exception {
    return CdrflowProcess.run(cwd, TIMEOUT_S, args);
  }

  /** Refused with one line on stderr, exit 2, and the working folder left as it was. */
  private Result assertRefused(String firstLineStart, String... args) throws Exception {
    List<String> before = CdrflowProcess.entries(cwd);
    Result r = cdrflow(args);
    assertEquals(2, r.exit(), r.toString());
    assertTrue(r.firstErr().startsWith(firstLineStart), "first line: " + r);
    assertFalse(r.firstErr().contains("java."), "no Java class names: " + r.firstErr());
    assertEquals(before, CdrflowProcess.entries(cwd), "nothing created: " + r);
    return r;
  }

  @Test
  void helpIsOnStandardOutputWithExitZeroEvenWithRequiredOptions() throws Exception {
    for (String[] args :
        new String[][] {
          {"replay", "--help"}, {"demo", "-h"}, {"help", "bench"}, {"cluster", "--help"}, {"--help"}
        }) {
      Result r = cdrflow(args);
      assertEquals(0, r.exit(), r.toString());
      assertTrue(r.firstOut().startsWith("Usage: cdrflow"), r.toString());
      assertEquals(List.of(), r.err(), "nothing on stderr");
    }
  }

  @Test
  void aMissingInputIsFoundBeforeTheStackStarts() throws Exception {
    assertRefused(
        "cdrflow replay: --input feed.jsonl: no such file",
        "replay",
        "--reference",
        EXAMPLES.resolve("reference").toString(),
        "--input",
        "feed.jsonl",
        "--workdir",
        "work");
  }

  @Test
  void garbageTextAsInputIsRefusedQuotingItsFirstLine() throws Exception {
    Path garbage = cwd.resolveSibling("notes.txt");
    Files.writeString(garbage, "shopping list\neggs\nmilk\n", StandardCharsets.UTF_8);

    Result r =
        assertRefused(
            "cdrflow replay: --input " + garbage + ": not a CDR feed; line 1 is 'shopping list'",
            "replay",
            "--reference",
            EXAMPLES.resolve("reference").toString(),
            "--input",
            garbage.toString(),
            "--workdir",
            "work");
    assertTrue(r.firstErr().contains("expected Avro JSON lines"), r.firstErr());
  }

  @Test
  void aMissingConfigFileAndAnUnknownKeyAreRefused() throws Exception {
    assertRefused(
        "cdrflow anonymise: --config none.properties: no such file",
        "anonymise",
        "--dry-run",
        "--config",
        "none.properties");

    Path config = cwd.resolveSibling("typo.properties");
    Files.writeString(config, "dedup.windw=P1D\n");
    assertRefused(
        "cdrflow settlement-report: --config "
            + config
            + ": unknown key 'dedup.windw'; did you mean 'dedup.window'?",
        "settlement-report",
        "--partner",
        "PTN-OPA",
        "--month",
        "2026-10",
        "--config",
        config.toString());
  }

  @Test
  void badDatesNumbersAndFutureDatesAreRefusedInWords() throws Exception {
    assertRefused(
        "cdrflow anonymise: Invalid value for option '--as-of': '2026-13-45' is not a date;"
            + " expected YYYY-MM-DD",
        "anonymise",
        "--as-of",
        "2026-13-45");
    LocalDate tomorrow = LocalDate.now(ZoneId.of("Europe/Oslo")).plusDays(2);
    assertRefused(
        "cdrflow anonymise: --as-of " + tomorrow + ": is in the future",
        "anonymise",
        "--as-of",
        tomorrow.toString());
    assertRefused(
        "cdrflow export-subscriber: --msisdn: not a phone number",
        "export-subscriber",
        "--msisdn",
        "abc");
    assertRefused("cdrflow replay: Missing required options", "replay");
  }

  @Test
  void aQuestionToAFolderWithoutAStackSaysSoAndCreatesNothing() throws Exception {
    assertRefused(
        "cdrflow settlement-report: --workdir cdrflow-work: no such folder",
        "settlement-report",
        "--partner",
        "PTN-OPA",
        "--month",
        "2026-10");

    // A folder laid out as the demo leaves it: the stack is one level down.
    Files.createDirectories(cwd.resolve("cdrflow-demo/stack/postgres/data"));
    Result r =
        assertRefused(
            "cdrflow export-subscriber: --workdir cdrflow-demo: holds no cdrflow stack; the stack"
                + " in it is cdrflow-demo/stack: use --workdir cdrflow-demo/stack",
            "export-subscriber",
            "--msisdn",
            "+4791234567",
            "--workdir",
            "cdrflow-demo");
    assertEquals(1, r.err().size(), r.toString());
    assertRefused(
        "cdrflow settlement-report: --workdir cdrflow-work: no such folder; the demo's data is in"
            + " cdrflow-demo/stack: use --workdir cdrflow-demo/stack",
        "settlement-report",
        "--partner",
        "PTN-OPA",
        "--month",
        "2026-10");
    assertRefused(
        "cdrflow replay: --workdir cdrflow-demo: holds no cdrflow stack, and a new one is only"
            + " started in a new or empty folder",
        "replay",
        "--reference",
        EXAMPLES.resolve("reference").toString(),
        "--input",
        EXAMPLES.resolve("smoke/feed.jsonl").toString(),
        "--workdir",
        "cdrflow-demo");
  }
}
