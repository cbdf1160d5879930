package org.cdrflow.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code cdrflow bench --baseline JAR_DIR} (docs/benchmarks.md, "Side by side with a baseline"):
 * the bench of another build of cdrflow, run as its own process before this build's bench, on the
 * same generated feed (same records, subscriptions, seed and start) and the same phases, so that
 * both figures and their ratios land in one {@code bench-result.json}.
 *
 * <p>The baseline's bench measures itself exactly as this one does (its JVM, its broker, its
 * PostgreSQL, from {@code /proc}); this process waits meanwhile and counts among "others".
 */
final class BaselineBench {
  /**
   * Figures compared with the baseline: a path into the result (section, key, sub-key…). The first
   * two are the issue's: CPU per 1,000 raw records of the end-to-end phase, all processes and the
   * job's JVM.
   */
  static final List<List<String>> COMPARED =
      List.of(
          List.of("end_to_end", "cpu_ms_per_1000_records", "total"),
          List.of("end_to_end", "cpu_ms_per_1000_records", "jvm_flink_and_clients"),
          List.of("end_to_end", "cpu_ms_per_1000_records", "kafka_broker"),
          List.of("end_to_end", "cpu_ms_per_1000_records", "postgresql"),
          List.of("end_to_end", "records_per_second"),
          List.of("consume_ceiling", "records_per_second"),
          List.of("ingest_ceiling", "rows_per_second"),
          List.of("rocksdb", "records_per_second"),
          List.of("rocksdb", "checkpoint_bytes_per_active_subscription"),
          List.of("anonymisation", "rows_per_second"),
          List.of("latency", "p99_ms"),
          List.of("reconcile", "partner_calls_per_second"));

  private static final Pattern PHASE_NAME = Pattern.compile("[A-Z][A-Z_]+[A-Z]");

  private final Path jarDir;
  private final Path configFile;

  /**
   * @param jarDir the baseline: a checkout with its jar built ({@code jobs/target/cdrflow-jobs.jar}
   *     and {@code jobs/target/lib}), or a folder holding {@code cdrflow-jobs.jar} and {@code lib}
   * @param configFile the job's configuration file given to this bench, or null
   */
  BaselineBench(Path jarDir, Path configFile) {
    this.jarDir = jarDir.toAbsolutePath().normalize();
    this.configFile = configFile == null ? null : configFile.toAbsolutePath();
  }

  /** The baseline's classpath: its command line jar and its libraries. */
  String classpath() {
    for (Path dir : new Path[] {jarDir.resolve("jobs").resolve("target"), jarDir}) {
      Path jar = dir.resolve("cdrflow-jobs.jar");
      if (Files.isRegularFile(jar) && Files.isDirectory(dir.resolve("lib"))) {
        return jar + java.io.File.pathSeparator + dir.resolve("lib") + java.io.File.separator + "*";
      }
    }
    throw new IllegalArgumentException(
        "no built cdrflow in "
            + jarDir
            + ": expected jobs/target/cdrflow-jobs.jar and jobs/target/lib (build it with"
            + " ./mvnw -B package -DskipTests in that checkout), or cdrflow-jobs.jar and lib/");
  }

  /**
   * Runs the baseline's bench into {@code workDir}/{@code out}, and returns its result, whole, with
   * the phases it ran.
   */
  Map<String, Object> run(BenchRun.Settings settings, Path workDir, Path out, PrintStream log)
      throws IOException, InterruptedException {
    Set<String> known = phasesOf(help());
    List<String> phases = new ArrayList<>();
    for (BenchRun.Phase p : settings.phases()) {
      if (known.contains(p.name())) {
        phases.add(p.name());
      }
    }
    Files.createDirectories(out);
    List<String> args = new ArrayList<>();
    args.add("bench");
    args.addAll(List.of("--records", Long.toString(settings.records())));
    args.addAll(List.of("--subscribers", Integer.toString(settings.subscribers())));
    args.addAll(List.of("--seed", Long.toString(settings.seed())));
    args.addAll(List.of("--start", settings.start().toString()));
    args.addAll(List.of("--timeout", settings.timeout().toString()));
    args.addAll(List.of("--workdir", workDir.toString(), "--out", out.toString()));
    if (!phases.isEmpty()) {
      args.addAll(List.of("--phases", String.join(",", phases)));
    }
    if (settings.latencyRate() > 0) {
      args.addAll(List.of("--latency-rate", Long.toString(settings.latencyRate())));
    }
    if (configFile != null) {
      args.addAll(List.of("--config", configFile.toString()));
    }
    log.printf(Locale.ROOT, "== Baseline: the bench of %s (phases %s)%n", jarDir, phases);
    log.flush();
    Process p = new ProcessBuilder(command(args)).redirectErrorStream(true).start();
    try (InputStream in = p.getInputStream()) {
      in.transferTo(log);
    } finally {
      if (p.isAlive()) {
        p.destroy();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
    int exit = p.waitFor();
    log.flush();
    if (exit != 0) {
      throw new IllegalStateException(
          "the baseline's bench exited with " + exit + " (its output is above)");
    }
    Map<String, Object> result =
        new ObjectMapper()
            .readValue(out.resolve("bench-result.json").toFile(), new TypeReference<>() {});
    Map<String, Object> section = new LinkedHashMap<>();
    section.put("jar_dir", jarDir.toString());
    section.put("result_file", out.resolve("bench-result.json").toString());
    section.put("phases", phases);
    section.put("result", result);
    log.printf(Locale.ROOT, "== Baseline done; now this build%n");
    log.flush();
    return section;
  }

  /** The baseline's usage of {@code bench}, which lists the phases it knows. */
  private String help() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(command(List.of("bench", "--help"))).redirectErrorStream(true).start();
    String text;
    try (InputStream in = p.getInputStream()) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // An older build without --help prints the usage for the unknown option and exits with 2.
    p.waitFor();
    if (!text.contains("--phases")) {
      throw new IllegalStateException("the baseline's bench --help printed no usage:\n" + text);
    }
    return text;
  }

  /** The phase names listed in the help text of {@code --phases}. */
  static Set<String> phasesOf(String help) {
    String flat = help.replaceAll("\\s+", " ");
    int at = flat.lastIndexOf("--phases");
    Set<String> names = new LinkedHashSet<>();
    if (at < 0) {
      return names;
    }
    int from = flat.indexOf(':', at);
    int to = flat.indexOf("(default", from < 0 ? at : from);
    if (from < 0 || to < 0) {
      return names;
    }
    Matcher m = PHASE_NAME.matcher(flat.substring(from, to));
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  /**
   * {@code java} of this runtime with this JVM's heap and GC settings, the baseline's log
   * configuration, its classpath and {@code args}: as its {@code bin/cdrflow} starts it.
   */
  private List<String> command(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-Xmx") || a.startsWith("-Xms") || a.startsWith("-XX:")) {
        cmd.add(a);
      }
    }
    Path log4j = jarDir.resolve("bin").resolve("log4j2-cli.properties");
    if (Files.isRegularFile(log4j)) {
      cmd.add("-Dlog4j.configurationFile=" + log4j);
    }
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add("org.cdrflow.cli.Cdrflow");
    cmd.addAll(args);
    return cmd;
  }

  /**
   * For every compared figure found in both results: the baseline's, this build's and this build's
   * over the baseline's, keyed by the figure's path ({@code end_to_end.cpu_ms_per_1000_records
   * .total}).
   */
  static Map<String, Object> compare(Map<String, Object> ours, Map<String, Object> baseline) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (List<String> path : COMPARED) {
      Double mine = number(ours, path);
      Double theirs = number(baseline, path);
      if (mine == null || theirs == null) {
        continue;
      }
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("baseline", theirs);
      f.put("this_build", mine);
      f.put("ratio", theirs == 0 ? Double.NaN : mine / theirs);
      out.put(String.join(".", path), f);
    }
    return out;
  }

  /** This build's over the baseline's figure at {@code path}, or null. */
  static Double ratio(Map<String, Object> comparison, List<String> path) {
    Object f = comparison.get(String.join(".", path));
    return f instanceof Map<?, ?> m ? (Double) m.get("ratio") : null;
  }

  static Double number(Map<String, Object> root, List<String> path) {
    Object v = root;
    for (String key : path) {
      if (!(v instanceof Map<?, ?> m)) {
        return null;
      }
      v = m.get(key);
    }
    return v instanceof Number n ? n.doubleValue() : null;
  }

  /** SHA-256 of a file, to show both runs read the same feed; null if it is missing. */
  static String sha256(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      try (InputStream in = Files.newInputStream(file)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          d.update(buffer, 0, n);
        }
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
