package org.cdrflow.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Sizes and clean-up of the bench's own directories, and the job's checkpoint folders. */
final class Directories {
  private static final Pattern CHECKPOINT = Pattern.compile("chk-(\\d+)");

  private Directories() {}

  /**
   * Bytes of every regular file under {@code dir} whose name ends with {@code suffix} (all when
   * empty). Files that disappear while counting (a checkpoint being subsumed) are skipped.
   */
  static long size(Path dir, String suffix) throws IOException {
    // Flink deletes subsumed checkpoints while we walk: a folder vanishing under the walk ends it
    // early, and the partial sum would pass for the size (it once read 579 KB for 60 MB). Walk
    // again until one walk completes.
    for (int attempt = 1; ; attempt++) {
      try {
        return walkedSize(dir, suffix);
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof NoSuchFileException) || attempt == 20) {
          throw e.getCause();
        }
      }
    }
  }

  private static long walkedSize(Path dir, String suffix) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    long total = 0;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().endsWith(suffix)) {
          try {
            if (Files.isRegularFile(f)) {
              total += Files.size(f);
            }
          } catch (NoSuchFileException e) {
            // a file of a subsumed checkpoint, deleted meanwhile: not part of the size
          }
        }
      }
    }
    return total;
  }

  /** The newest completed checkpoint ({@code chk-N} with its {@code _metadata}) under a root. */
  static Optional<Checkpoint> latestCheckpoint(Path checkpointsRoot) throws IOException {
    if (!Files.exists(checkpointsRoot)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.walk(checkpointsRoot, 2)) {
      return dirs.filter(Files::isDirectory)
          .map(d -> Map.entry(d, CHECKPOINT.matcher(d.getFileName().toString())))
          .filter(e -> e.getValue().matches())
          .filter(e -> Files.exists(e.getKey().resolve("_metadata")))
          .map(e -> new Checkpoint(e.getKey(), Long.parseLong(group(e.getValue()))))
          .max(Comparator.comparingLong(Checkpoint::id));
    } catch (UncheckedIOException e) {
      return Optional.empty();
    }
  }

  private static String group(Matcher m) {
    return m.group(1);
  }

  record Checkpoint(Path dir, long id) {}

  /** Deletes {@code dir} and everything in it, if it exists. */
  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
