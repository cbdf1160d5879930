package org.cdrflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.cdrflow.connectors.config.CdrflowConfig;

/**
 * Reads a {@code --config} file. A file that holds a password must not be readable by group or
 * others, as ssh insists for private keys: it is refused rather than used.
 */
final class ConfigFiles {
  private ConfigFiles() {}

  static CdrflowConfig load(Path file) throws IOException {
    CdrflowConfig config = CdrflowConfig.load(file);
    if (config.holdsSecret() && isReadableByOthers(file)) {
      throw new IllegalArgumentException(
          "configuration file "
              + file
              + " holds a password and is readable by group or others; run: chmod 600 "
              + file);
    }
    return config;
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
