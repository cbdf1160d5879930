package org.cdrflow.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The folders a command creates, removed again when the command fails, so that a failed command
 * leaves nothing behind (a stack folder costs 50 MB even when empty). Close it after the stack
 * (declare it first in try-with-resources); call {@link #keep()} when the command succeeded.
 */
final class CreatedFolders implements AutoCloseable {
  private final List<Path> created = new ArrayList<>();
  private boolean keep;

  private CreatedFolders() {}

  /**
   * Notes which of {@code folders} do not exist yet, each with its outermost missing parent (nulls
   * are skipped).
   */
  static CreatedFolders track(Path... folders) {
    CreatedFolders f = new CreatedFolders();
    for (Path p : folders) {
      if (p == null) {
        continue;
      }
      Path missing = null;
      for (Path q = p.toAbsolutePath().normalize();
          q != null && !Files.exists(q);
          q = q.getParent()) {
        missing = q;
      }
      if (missing != null) {
        f.created.add(missing);
      }
    }
    return f;
  }

  void keep() {
    keep = true;
  }

  @Override
  public void close() {
    if (keep) {
      return;
    }
    for (Path p : created) {
      delete(p);
    }
  }

  static void delete(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> all = Files.walk(folder)) {
      all.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      System.err.println("cdrflow: could not remove " + folder + ": " + e.getMessage());
    }
  }
}
