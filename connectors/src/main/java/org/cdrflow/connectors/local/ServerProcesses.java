package org.cdrflow.connectors.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Pid files, log tails and exits of the stack's server processes. */
final class ServerProcesses {

  private static final Logger LOG = LoggerFactory.getLogger(ServerProcesses.class);

  private ServerProcesses() {}

  /** The pid on the first line of a pid file (PostgreSQL's postmaster.pid has more lines). */
  static Optional<Long> readPid(Path pidFile) {
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Waits until {@code process} has exited; false if it still runs after {@code timeout}. */
  static boolean awaitExit(ProcessHandle process, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!hasExited(process)) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  static boolean hasExited(ProcessHandle process) {
    if (!process.isAlive()) {
      return true;
    }
    // A daemon such as the postmaster has init as its parent; once it has exited it stays a
    // zombie until init reaps it, which some container inits do only every second or so. A
    // zombie holds no port, file or lock any more.
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      int afterName = stat.lastIndexOf(')') + 2;
      return afterName < stat.length() && stat.charAt(afterName) == 'Z';
    } catch (IOException | RuntimeException e) {
      return false; // not Linux, or gone in the meantime (then isAlive says so next round)
    }
  }

  /** The last {@code lines} lines of a log file, for error messages. */
  static String tail(Path file, int lines) {
    try {
      if (!Files.exists(file)) {
        return "(" + file + " does not exist)";
      }
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(could not read " + file + ": " + e + ")";
    }
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.debug("could not delete {}", file, e);
    }
  }
}
