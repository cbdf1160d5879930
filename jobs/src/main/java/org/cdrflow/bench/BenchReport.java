package org.cdrflow.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every figure of one bench run, in order: what {@code bench-result.json} holds and what the table
 * prints. Values are numbers, strings, booleans, nested maps or lists.
 */
final class BenchReport {
  private final Map<String, Object> root = new LinkedHashMap<>();
  private final List<String[]> table = new ArrayList<>();

  /** The section {@code name}, created on first use. */
  @SuppressWarnings("unchecked")
  Map<String, Object> section(String name) {
    return (Map<String, Object>) root.computeIfAbsent(name, k -> new LinkedHashMap<>());
  }

  /** Every section and value so far (not a copy). */
  Map<String, Object> sections() {
    return root;
  }

  void put(String key, Object value) {
    root.put(key, value);
  }

  /** A row of the printed table: what, figure, target, met. */
  void row(String what, String figure, String target, String verdict) {
    table.add(new String[] {what, figure, target, verdict});
  }

  void printTable(PrintStream out) {
    int[] w = new int[4];
    String[] header = {"measure", "figure", "target", "met"};
    List<String[]> rows = new ArrayList<>();
    rows.add(header);
    rows.addAll(table);
    for (String[] r : rows) {
      for (int i = 0; i < 4; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      out.println(
          String.format(
                  Locale.ROOT,
                  "  %-" + w[0] + "s  %" + w[1] + "s  %-" + w[2] + "s  %s",
                  r[0],
                  r[1],
                  r[2],
                  r[3])
              .stripTrailing());
    }
  }

  void writeJson(Path file) throws IOException {
    StringBuilder sb = new StringBuilder();
    json(sb, root, "");
    sb.append('\n');
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  private static void json(StringBuilder sb, Object v, String indent) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append("{\n");
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        sb.append(indent).append("  ");
        string(sb, e.getKey().toString());
        sb.append(": ");
        json(sb, e.getValue(), indent + "  ");
        sb.append(++i < m.size() ? ",\n" : "\n");
      }
      sb.append(indent).append('}');
    } else if (v instanceof List<?> l) {
      sb.append('[');
      for (int i = 0; i < l.size(); i++) {
        json(sb, l.get(i), indent);
        if (i + 1 < l.size()) {
          sb.append(", ");
        }
      }
      sb.append(']');
    } else if (v instanceof Double d) {
      sb.append(
          d.isNaN() || d.isInfinite()
              ? "null"
              : String.format(Locale.ROOT, "%.3f", d.doubleValue()));
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else {
      string(sb, v.toString());
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  /** The machine: cores, memory, JVM, and the load right now. */
  static Map<String, Object> machine() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("memory_bytes", memTotal());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("arch", System.getProperty("os.arch"));
    m.put(
        "jvm",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")");
    m.put("jvm_max_heap_bytes", Runtime.getRuntime().maxMemory());
    m.put("jvm_arguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
    m.put("load_average_at_start", loadAverage());
    return m;
  }

  /** The 1-, 5- and 15-minute load averages, as {@code uptime} prints them. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return String.format(
          Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static long memTotal() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return -1;
  }
}
