package org.cdrflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.Set;
import org.cdrflow.connectors.config.CdrflowConfig;

/**
 * Reads a {@code --config} file. A missing file, a key the configuration does not know (most likely
 * misspelt; the nearest known key is named) and a file that holds a password while readable by
 * group or others (as ssh insists for private keys) are refused before anything starts.
 */
final class ConfigFiles {
  private ConfigFiles() {}

  static CdrflowConfig load(Path file) throws IOException {
    InputChecks.existingFile("--config", file);
    CdrflowConfig config;
    try {
      config = CdrflowConfig.load(file);
    } catch (IllegalArgumentException e) {
      throw new UsageError(
          "--config " + file + ": not a Java properties file (" + e.getMessage() + ")");
    }
    Set<String> unknown = config.unknownKeys();
    if (!unknown.isEmpty()) {
      String key = unknown.iterator().next();
      throw new UsageError(
          "--config "
              + file
              + ": unknown key '"
              + key
              + "'; did you mean '"
              + nearestKnownKey(key)
              + "'? (keys: README, Configuration; Kafka client settings go under "
              + CdrflowConfig.KAFKA_CLIENT_PREFIX
              + ")");
    }
    if (config.holdsSecret() && isReadableByOthers(file)) {
      throw new UsageError(
          "--config "
              + file
              + ": holds a password and is readable by group or others; run: chmod 600 "
              + file);
    }
    return config;
  }

  /** The known key with the fewest single-character edits from {@code key}. */
  static String nearestKnownKey(String key) {
    return CdrflowConfig.KNOWN_KEYS.stream()
        .filter(k -> !k.startsWith("testing."))
        .min(Comparator.comparingInt((String k) -> editDistance(key, k)).thenComparing(k -> k))
        .orElseThrow();
  }

  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }

  private static boolean isReadableByOthers(Path file) throws IOException {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      return p.contains(PosixFilePermission.GROUP_READ)
          || p.contains(PosixFilePermission.OTHERS_READ);
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }
}
