package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code bin/cdrflow} as a child process, killed with SIGKILL together with everything it
 * started (its JVM, the broker's JVM, PostgreSQL and its backends) once its output shows a line, as
 * a power cut would (docs/reliability.md, "Crash anywhere, run it again"; CrashAnywhereIT does the
 * same at seeded points of every phase).
 */
final class KilledCommand {
  private static final Path SCRIPT = Path.of("..", "bin", "cdrflow").toAbsolutePath().normalize();

  private KilledCommand() {}

  /**
   * Runs {@code cdrflow args} with its embedded stack in {@code workDir}, waits for an output line
   * containing {@code marker}, then {@code delayMillis}, and kills the whole process tree. Returns
   * the output up to the kill.
   */
  static List<String> killAfter(List<String> args, Path workDir, String marker, long delayMillis)
      throws Exception {
    Path tmp = Files.createDirectories(workDir.resolveSibling(workDir.getFileName() + "-tmp"));
    Process p = start(args, tmp);
    List<String> out = pump(p);
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (out.stream().noneMatch(l -> l.contains(marker))) {
        assertTrue(p.isAlive(), "cdrflow ended before \"" + marker + "\": " + out);
        assertTrue(System.nanoTime() < deadline, "no \"" + marker + "\" in " + out);
        Thread.sleep(20);
      }
      Thread.sleep(delayMillis);
      assertTrue(p.isAlive(), "cdrflow ended before the kill: " + out);
    } finally {
      killTree(p.toHandle(), workDir);
    }
    return out;
  }

  /**
   * Starts {@code bin/cdrflow args} as a short-lived JVM with its temporary files in {@code tmp},
   * standard error into standard output.
   */
  static Process start(List<String> args, Path tmp) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(SCRIPT.toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment()
        .put(
            "CDRFLOW_JAVA_OPTS",
            "-Xmx1g " + CdrflowProcess.SHORT_LIVED_JVM + " -Djava.io.tmpdir=" + tmp);
    return pb.start();
  }

  private static final Map<Process, Thread> PUMPS = new ConcurrentHashMap<>();

  /** The process's output lines as they come, read by a thread of their own. */
  static List<String> pump(Process p) {
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                  lines.add(l);
                }
              } catch (IOException e) {
                // the process was killed
              }
            });
    t.setDaemon(true);
    t.start();
    PUMPS.put(p, t);
    return lines;
  }

  /** Waits until the ended process's last output line is in the list {@link #pump} returned. */
  static void awaitOutput(Process p) throws InterruptedException {
    Thread t = PUMPS.remove(p);
    if (t != null) {
      t.join(10_000);
    }
  }

  /**
   * SIGKILL to the command's JVM and every descendant (the broker's JVM among them, found through
   * /proc by ProcessHandle), and to PostgreSQL, which pg_ctl started detached: its postmaster is
   * named in the data directory's postmaster.pid, and its backends are its children.
   */
  static void killTree(ProcessHandle root, Path workDir) throws Exception {
    Set<ProcessHandle> victims = new LinkedHashSet<>();
    victims.add(root);
    root.descendants().forEach(victims::add);
    postmaster(workDir)
        .ifPresent(
            pm -> {
              victims.add(pm);
              pm.descendants().forEach(victims::add);
            });
    for (ProcessHandle h : victims) {
      h.destroyForcibly();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (ProcessHandle h : victims) {
      while (h.isAlive()) {
        assertTrue(System.nanoTime() < deadline, "pid " + h.pid() + " survived SIGKILL");
        Thread.sleep(20);
      }
    }
  }

  private static Optional<ProcessHandle> postmaster(Path workDir) {
    Path pidFile = workDir.resolve("postgres").resolve("data").resolve("postmaster.pid");
    try {
      String first = Files.readAllLines(pidFile, StandardCharsets.US_ASCII).get(0).trim();
      return ProcessHandle.of(Long.parseLong(first))
          .filter(h -> h.info().command().map(c -> c.contains("postgres")).orElse(false));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
