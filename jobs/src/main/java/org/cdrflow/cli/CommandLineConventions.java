package org.cdrflow.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * What every command of {@code cdrflow} shares (README, "Commands"): {@code -h/--help} and {@code
 * cdrflow help CMD} with the usage on standard output and exit 0; errors as one line on standard
 * error that names what is wrong and how to fix it, never a Java class name; exit codes 0 (done), 1
 * (the command failed) and 2 (the command line or an input it names is wrong; nothing was started).
 */
final class CommandLineConventions {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  private CommandLineConventions() {}

  static CommandLine apply(CommandLine cli) {
    if (!cli.getSubcommands().containsKey("help")) {
      cli.addSubcommand("help", new CommandLine.HelpCommand());
    }
    addHelpOptions(cli);
    cli.registerConverter(
        LocalDate.class, text -> parse(text, LocalDate::parse, "a date; expected YYYY-MM-DD"));
    cli.registerConverter(
        YearMonth.class, text -> parse(text, YearMonth::parse, "a month; expected YYYY-MM"));
    cli.registerConverter(
        Duration.class,
        text -> parse(text, Duration::parse, "a duration; expected ISO-8601 such as PT30M"));
    ITypeConverter<Long> wholeNumber =
        text -> parse(text, Long::parseLong, "a whole number; expected digits such as 20000");
    ITypeConverter<Integer> smallNumber =
        text -> parse(text, Integer::parseInt, "a whole number; expected digits such as 300");
    cli.registerConverter(Long.class, wholeNumber);
    cli.registerConverter(long.class, wholeNumber);
    cli.registerConverter(Integer.class, smallNumber);
    cli.registerConverter(int.class, smallNumber);
    cli.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine cmd = ex.getCommandLine();
          PrintWriter err = cmd.getErr();
          String name = cmd.getCommandSpec().qualifiedName();
          err.println(name + ": " + ex.getMessage() + " (see: " + name + " --help)");
          CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
          err.flush();
          return EXIT_USAGE;
        });
    cli.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          PrintWriter err = cmd.getErr();
          if (ex instanceof UsageError) {
            err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
            err.flush();
            return EXIT_USAGE;
          }
          // A message, not a stack trace: the causes that reach a user are configuration and
          // input problems, and their messages carry no subscriber data. The trace is in the log.
          LogFile.recordFailure(ex);
          err.println("cdrflow: " + message(ex) + LogFile.detailsHint());
          err.flush();
          return EXIT_FAILED;
        });
    return cli;
  }

  /** Adds {@code -h/--help} (and {@code -V/--version}) to every command that lacks them. */
  private static void addHelpOptions(CommandLine cli) {
    CommandSpec spec = cli.getCommandSpec();
    boolean hasHelp = spec.options().stream().anyMatch(OptionSpec::usageHelp);
    if (!hasHelp) {
      spec.mixinStandardHelpOptions(true);
    }
    for (CommandLine sub : cli.getSubcommands().values()) {
      addHelpOptions(sub);
    }
  }

  private interface Parser<T> {
    T parse(String text);
  }

  private static <T> T parse(String text, Parser<T> parser, String expected) {
    try {
      return parser.parse(text.trim());
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new TypeConversionException("'" + text + "' is not " + expected);
    }
  }

  private static String message(Throwable ex) {
    String m = ex.getMessage();
    if (m == null || m.isBlank()) {
      Throwable cause = ex.getCause();
      return cause != null ? message(cause) : "failed (" + ex.getClass().getSimpleName() + ")";
    }
    return m;
  }
}
