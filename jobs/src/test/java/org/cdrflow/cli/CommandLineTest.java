package org.cdrflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Every command answers {@code -h}, {@code --help} and {@code cdrflow help CMD} with its usage on
 * standard output and exit 0, even when it has required options; a wrong command line is one line
 * on standard error and exit 2 (README, "Commands").
 */
class CommandLineTest {

  static Stream<String> commands() {
    return CommandLineConventions.apply(new CommandLine(new Cdrflow()))
        .getSubcommands()
        .keySet()
        .stream()
        .filter(c -> !c.equals("help"));
  }

  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) {
    CommandLine cli = CommandLineConventions.apply(new CommandLine(new Cdrflow()));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @ParameterizedTest
  @MethodSource("commands")
  void everyCommandPrintsItsUsageOnStandardOutputForEachWayOfAsking(String command) {
    for (List<String> args :
        List.of(List.of(command, "--help"), List.of(command, "-h"), List.of("help", command))) {
      Result r = run(args.toArray(String[]::new));
      assertEquals(0, r.exit(), args + ": " + r.err());
      assertTrue(
          r.out().startsWith("Usage: cdrflow " + command), args + " prints usage: " + r.out());
      assertEquals("", r.err(), args + " writes nothing to standard error");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "replay|Missing required options",
        "settlement-report --partner P --month 2026-13|'2026-13' is not a month; expected YYYY-MM",
        "anonymise --as-of 2026-13-45|'2026-13-45' is not a date; expected YYYY-MM-DD",
        "demo --records many|'many' is not a whole number",
        "replay --timeout 30m|'30m' is not a duration; expected ISO-8601",
        "demo --frobnicate|Unknown option: '--frobnicate'",
      })
  void aWrongCommandLineIsOneLineOnStandardErrorWithExitCodeTwo(String caseLine) {
    String[] parts = caseLine.split("\\|");
    Result r = run(parts[0].split(" "));

    assertEquals(2, r.exit(), r.err());
    String first = r.err().lines().findFirst().orElse("");
    assertTrue(first.startsWith("cdrflow " + parts[0].split(" ")[0] + ": "), first);
    assertTrue(first.contains(parts[1]), first);
    assertTrue(first.endsWith("--help)"), "says where the usage is: " + first);
    assertFalse(r.err().contains("java."), "no Java class names: " + r.err());
    assertEquals("", r.out());
  }
}
