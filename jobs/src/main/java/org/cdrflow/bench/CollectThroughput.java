package org.cdrflow.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.cdrflow.collector.ber.ChargingFile;
import org.cdrflow.collector.ber.ChargingFileDecoder;
import org.cdrflow.generate.FeedGenerator;
import org.cdrflow.generate.GeneratorSettings;

/**
 * How many BER records one core decodes per CPU-second (docs/benchmarks.md, "Collection"): the feed
 * is written as TS 32.298 charging files by the same code as {@code generate --format ber}, the
 * files are read into memory, and the collector's {@link ChargingFileDecoder} decodes them on this
 * thread; the figure is records / this thread's CPU time, so other work on the machine does not
 * count against it. Decoding first warms the JIT, as a collector that runs for hours is warm.
 */
final class CollectThroughput {
  /** Decoding passes measured after the warm-up. */
  static final int PASSES = 3;

  /**
   * Records decoded before the measurement: the JIT needs a few hundred thousand records before the
   * rate is steady, longer when other work shares the cores (docs/benchmarks.md).
   */
  static final long WARM_UP_RECORDS = 1_500_000;

  private CollectThroughput() {}

  /** The figures of one measurement. */
  record Result(
      int files,
      long bytes,
      long records,
      long rejected,
      double cpuSeconds,
      double wallSeconds,
      double generateSeconds) {
    double recordsPerCpuSecond() {
      return records / cpuSeconds;
    }
  }

  static Result measure(GeneratorSettings feed, Path dir) throws Exception {
    Directories.delete(dir);
    Path files = dir.resolve("ber");
    Files.createDirectories(files);
    long g0 = System.nanoTime();
    FeedGenerator.write(feed, files, dir.resolve("reference"));
    double generateSeconds = (System.nanoTime() - g0) / 1e9;

    List<String> names = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    long bytes = 0;
    try (Stream<Path> s = Files.list(files)) {
      for (Path p : s.sorted().toList()) {
        names.add(p.getFileName().toString());
        byte[] b = Files.readAllBytes(p);
        contents.add(b);
        bytes += b.length;
      }
    }
    ChargingFileDecoder decoder = new ChargingFileDecoder();
    long warmed = 0;
    for (int i = 0; i < 2 || warmed < WARM_UP_RECORDS; i++) {
      long decoded = pass(decoder, names, contents)[0];
      if (decoded == 0) {
        break;
      }
      warmed += decoded;
    }

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long records = 0;
    long rejected = 0;
    long cpu0 = threads.getCurrentThreadCpuTime();
    long wall0 = System.nanoTime();
    for (int i = 0; i < PASSES; i++) {
      long[] r = pass(decoder, names, contents);
      records += r[0];
      rejected += r[1];
    }
    double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
    double wall = (System.nanoTime() - wall0) / 1e9;
    Directories.delete(dir);
    return new Result(
        names.size(),
        bytes,
        records / PASSES,
        rejected / PASSES,
        cpu / PASSES,
        wall / PASSES,
        generateSeconds);
  }

  /** Decodes every file once: records decoded, records rejected. */
  private static long[] pass(ChargingFileDecoder decoder, List<String> names, List<byte[]> bytes) {
    long records = 0;
    long rejected = 0;
    for (int i = 0; i < names.size(); i++) {
      ChargingFile f = decoder.decode(names.get(i), bytes.get(i), true);
      records += f.records().size();
      rejected += f.rejections().size();
    }
    return new long[] {records, rejected};
  }
}
