package org.cdrflow.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * Where the command line's library messages go: the console shows only the command's own progress
 * and its result; Flink, Kafka and PostgreSQL messages go to one log file per command, overwritten
 * by the next run of that command, whose path the command prints once (docs/operations.md, "The
 * command line"). {@code bin/log4j2-cli.properties} reads the path from the system property {@value
 * #PROPERTY}.
 */
final class LogFile {
  static final String PROPERTY = "cdrflow.log.file";

  private static boolean announced;

  private LogFile() {}

  /**
   * Chooses the file before the logging framework starts: {@code $CDRFLOW_LOG_DIR} or {@code
   * <tmpdir>/cdrflow-<user>}, then {@code <command>.log}.
   */
  static void configure(String[] args) {
    if (System.getProperty(PROPERTY) != null) {
      return;
    }
    String dir = System.getenv("CDRFLOW_LOG_DIR");
    Path folder =
        dir != null && !dir.isBlank()
            ? Path.of(dir)
            : Path.of(System.getProperty("java.io.tmpdir"), "cdrflow-" + user());
    String command = "cdrflow";
    for (String a : args) {
      if (!a.startsWith("-")) {
        command = a.replaceAll("[^A-Za-z0-9-]", "");
        break;
      }
    }
    System.setProperty(PROPERTY, folder.resolve(command + ".log").toAbsolutePath().toString());
  }

  private static String user() {
    return System.getProperty("user.name", "user").toLowerCase(Locale.ROOT).replaceAll("\\W", "");
  }

  /** The log file, or null when logging is not the command line's (tests, a cluster JVM). */
  static Path path() {
    String p = System.getProperty(PROPERTY);
    return p == null ? null : Path.of(p);
  }

  /** Prints the log file's path, once per run. */
  static synchronized void announce(PrintStream out) {
    Path p = path();
    if (p == null || announced) {
      return;
    }
    announced = true;
    out.println("   (library messages go to " + p + ")");
  }

  /** The stack trace goes to the log; the console shows one line. */
  static void recordFailure(Throwable ex) {
    if (path() != null) {
      LoggerFactory.getLogger(Cdrflow.class).error("the command failed", ex);
    }
  }

  /** A pointer to the log for a failure message, when there is a log with details. */
  static String detailsHint() {
    Path p = path();
    return p != null && Files.isRegularFile(p) ? " (details in " + p + ")" : "";
  }
}
