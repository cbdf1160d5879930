package org.cdrflow.jobs;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.runtime.checkpoint.Checkpoints;

/**
 * The completed checkpoints and savepoints a local job left in its state directory, newest first
 * (docs/reliability.md, "Crash anywhere, run it again"). A checkpoint or savepoint is complete once
 * Flink wrote its {@code _metadata}, which it does only after every operator's state and every
 * sink's flush of it: {@code savepoints/<name>/_metadata} and {@code checkpoints/<job
 * id>/chk-N/_metadata}. A job killed outright (SIGKILL, power cut) leaves its newest retained
 * checkpoint there; a job that stopped with a savepoint leaves that savepoint.
 */
public final class RestorePoints {
  private static final String METADATA = "_metadata";

  private RestorePoints() {}

  /** One complete checkpoint or savepoint: its directory and when its metadata was written. */
  public record RestorePoint(Path directory, FileTime written) {
    /** The checkpoint's number N for {@code chk-N}, or -1 for a savepoint. */
    public long checkpointNumber() {
      String name = directory.getFileName().toString();
      return name.startsWith("chk-") ? Long.parseLong(name.substring(4)) : -1;
    }

    public boolean isSavepoint() {
      return checkpointNumber() < 0;
    }
  }

  /**
   * The newest restore point in {@code stateDir} whose metadata can be read, or empty when there is
   * none (a first run). A metadata file cut short by the kill is passed over for the next newest.
   */
  public static Optional<RestorePoint> newest(Path stateDir) throws IOException {
    for (RestorePoint p : all(stateDir)) {
      if (readable(p.directory().resolve(METADATA))) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Every restore point with a metadata file in {@code stateDir}, newest first. */
  public static List<RestorePoint> all(Path stateDir) throws IOException {
    List<Path> candidates = new ArrayList<>();
    candidates.addAll(children(stateDir.resolve("savepoints")));
    for (Path job : children(stateDir.resolve("checkpoints"))) {
      for (Path chk : children(job)) {
        if (chk.getFileName().toString().matches("chk-\\d+")) {
          candidates.add(chk);
        }
      }
    }
    List<RestorePoint> points = new ArrayList<>();
    for (Path dir : candidates) {
      Path metadata = dir.resolve(METADATA);
      if (Files.isRegularFile(metadata)) {
        try {
          points.add(new RestorePoint(dir, Files.getLastModifiedTime(metadata)));
        } catch (IOException e) {
          // deleted meanwhile (a checkpoint subsumed by a newer one): not a candidate
        }
      }
    }
    points.sort(
        Comparator.comparing(RestorePoint::written)
            .thenComparing(RestorePoint::checkpointNumber)
            .reversed());
    return points;
  }

  private static List<Path> children(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).toList();
    }
  }

  private static boolean readable(Path metadata) {
    try (InputStream in = Files.newInputStream(metadata);
        DataInputStream data = new DataInputStream(in)) {
      Checkpoints.loadCheckpointMetadata(
          data, RestorePoints.class.getClassLoader(), metadata.getParent().toString());
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
