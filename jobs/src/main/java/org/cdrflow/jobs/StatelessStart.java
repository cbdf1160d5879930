package org.cdrflow.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.pipeline.StateLineage;

/**
 * The check a command makes before it starts the streaming job without state: over aggregate rows
 * of a lineage that took a checkpoint it refuses with one line that names the newest checkpoint or
 * savepoint found under the state directory (docs/operations.md, "A start without state"). The job
 * makes the same check itself ({@link StateLineage#claim()}); this one only gives the better
 * message before anything starts.
 */
public final class StatelessStart {
  private StatelessStart() {}

  /**
   * @throws IllegalStateException with the one-line refusal
   */
  public static void check(CdrflowConfig config, Path stateDir) throws Exception {
    boolean rebuild = Boolean.parseBoolean(config.get(StateLineage.REBUILD_KEY));
    StateLineage.Decision d;
    try (Connection c = config.jdbc().connect()) {
      d = StateLineage.decide(c, rebuild);
    }
    if (d.action() == StateLineage.Action.REFUSE) {
      throw new IllegalStateException(
          StateLineage.refusal(d, newestRetainedState(stateDir).map(Path::toString).orElse(null)));
    }
  }

  /**
   * The newest completed checkpoint ({@code chk-N} with a {@code _metadata}) or savepoint under
   * {@code dir}, by the time its metadata was written.
   */
  public static Optional<Path> newestRetainedState(Path dir) throws IOException {
    if (dir == null || !Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(dir, 4)) {
      return files
          .filter(f -> f.getFileName().toString().equals("_metadata"))
          .max(Comparator.comparing(StatelessStart::modified))
          .map(Path::getParent);
    }
  }

  private static FileTime modified(Path f) {
    try {
      return Files.getLastModifiedTime(f);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
