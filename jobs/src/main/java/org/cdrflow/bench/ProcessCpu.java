package org.cdrflow.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * CPU seconds spent by the three processes of a local run, read from Linux's {@code /proc}: this
 * JVM (Flink MiniCluster, the bench's own clients), the Kafka broker's JVM (a child process) and
 * PostgreSQL (the postmaster and its backends), plus the whole machine's busy time, so that the
 * load of other users of a shared box shows next to every figure (docs/benchmarks.md).
 *
 * <p>On a system without {@code /proc} every figure is 0.
 */
final class ProcessCpu {
  /** Linux reports process times in clock ticks of 1/100 s on every common platform. */
  private static final double TICKS_PER_SECOND = 100.0;

  private final long kafkaPid;
  private final long postmasterPid;

  private ProcessCpu(long kafkaPid, long postmasterPid) {
    this.kafkaPid = kafkaPid;
    this.postmasterPid = postmasterPid;
  }

  /**
   * Finds the broker (the child JVM of this process) and the postmaster (its pid file in the
   * embedded stack's directory).
   */
  static ProcessCpu of(Path stackDir) {
    long kafka =
        ProcessHandle.current()
            .children()
            .filter(h -> h.info().command().map(c -> c.endsWith("java")).orElse(false))
            .mapToLong(ProcessHandle::pid)
            .findFirst()
            .orElse(-1);
    long postmaster = -1;
    Path pidFile = stackDir.resolve("postgres").resolve("data").resolve("postmaster.pid");
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      if (!lines.isEmpty()) {
        postmaster = Long.parseLong(lines.get(0).trim());
      }
    } catch (IOException | NumberFormatException e) {
      // not an embedded stack, or not Linux: the PostgreSQL figure stays 0
    }
    return new ProcessCpu(kafka, postmaster);
  }

  /** CPU seconds used so far. */
  Sample sample() {
    return new Sample(
        System.nanoTime(),
        ownSeconds(ProcessHandle.current().pid()),
        treeSeconds(kafkaPid),
        treeSeconds(postmasterPid),
        machineBusySeconds());
  }

  /** Cumulative CPU seconds at one moment. */
  record Sample(long nanos, double jvm, double kafka, double postgres, double machine) {

    /** What was used between {@code earlier} and this sample. */
    Usage since(Sample earlier) {
      return new Usage(
          (nanos - earlier.nanos) / 1e9,
          jvm - earlier.jvm,
          kafka - earlier.kafka,
          postgres - earlier.postgres,
          machine - earlier.machine);
    }
  }

  /**
   * CPU seconds used in an interval of {@code wallSeconds}, per process, and by the whole machine
   * ({@code machine - jvm - kafka - postgres} is everyone else).
   */
  record Usage(double wallSeconds, double jvm, double kafka, double postgres, double machine) {
    double others() {
      return Math.max(0, machine - jvm - kafka - postgres);
    }

    /** Average cores busy in the interval. */
    double cores(double cpuSeconds) {
      return wallSeconds <= 0 ? 0 : cpuSeconds / wallSeconds;
    }
  }

  /** User + system time of one process (all its threads). */
  private static double ownSeconds(long pid) {
    long[] t = times(pid);
    return t == null ? 0 : (t[0] + t[1]) / TICKS_PER_SECOND;
  }

  /**
   * A process and every live descendant, including the children it has already reaped (their time
   * is in its cutime/cstime; the live ones are not, so nothing is counted twice).
   */
  private static double treeSeconds(long pid) {
    if (pid <= 0) {
      return 0;
    }
    Optional<ProcessHandle> root = ProcessHandle.of(pid);
    if (root.isEmpty()) {
      return 0;
    }
    long ticks = 0;
    long[] t = times(pid);
    if (t != null) {
      ticks += t[0] + t[1] + t[2] + t[3];
    }
    for (ProcessHandle child : root.get().descendants().toList()) {
      long[] c = times(child.pid());
      if (c != null) {
        ticks += c[0] + c[1] + c[2] + c[3];
      }
    }
    return ticks / TICKS_PER_SECOND;
  }

  /** utime, stime, cutime, cstime of {@code /proc/PID/stat}, or null. */
  private static long[] times(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name in parentheses may contain spaces: count fields after the last ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
      // f[0] is field 3 (state); utime is field 14 → f[11].
      return new long[] {
        Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])
      };
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Busy seconds of all cores together since boot (first line of {@code /proc/stat}). */
  private static double machineBusySeconds() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      // cpu user nice system idle iowait irq softirq steal ...
      long busy = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(f[i]);
        }
      }
      return busy / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
