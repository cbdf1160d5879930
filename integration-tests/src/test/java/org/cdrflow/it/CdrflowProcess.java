package org.cdrflow.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/cdrflow} as a user does: a process of its own in a working folder, with its exit
 * code, standard output and standard error.
 */
final class CdrflowProcess {
  static final Path SCRIPT = Path.of("..", "bin", "cdrflow").toAbsolutePath().normalize();

  /**
   * JVM options for a command that lives seconds over a small feed: the client compiler only and
   * the serial collector. A 3,000-record replay used 28 % less CPU with them (72 s against 52 s for
   * the command, its broker and PostgreSQL), which on two shared cores is minutes of CI.
   */
  static final String SHORT_LIVED_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private CdrflowProcess() {}

  record Result(int exit, List<String> out, List<String> err) {
    String firstOut() {
      return out.isEmpty() ? "" : out.get(0);
    }

    String firstErr() {
      return err.isEmpty() ? "" : err.get(0);
    }

    String allOut() {
      return String.join("\n", out);
    }

    @Override
    public String toString() {
      return "exit "
          + exit
          + "\n--- stdout\n"
          + allOut()
          + "\n--- stderr\n"
          + String.join("\n", err);
    }
  }

  /** Runs {@code bin/cdrflow args} in {@code cwd}; the log files go to {@code cwd/../logs}. */
  static Result run(Path cwd, long timeoutSeconds, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(SCRIPT.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(Path.of("target"), "cdrflow-out", ".txt");
    Path err = Files.createTempFile(Path.of("target"), "cdrflow-err", ".txt");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .directory(cwd.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(nullFile()));
      pb.environment()
          .put("CDRFLOW_LOG_DIR", cwd.toAbsolutePath().resolveSibling("logs").toString());
      pb.environment().put("CDRFLOW_JAVA_OPTS", "-Xmx1g " + SHORT_LIVED_JVM);
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
        throw new AssertionError(
            "cdrflow " + String.join(" ", args) + " did not end within " + timeoutSeconds + " s");
      }
      return new Result(
          p.exitValue(),
          Files.readAllLines(out, StandardCharsets.UTF_8),
          Files.readAllLines(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static java.io.File nullFile() {
    return new java.io.File("/dev/null");
  }

  static List<String> entries(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
