package org.cdrflow.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local run resumes from the newest complete checkpoint or savepoint of its state directory,
 * whichever kind it is (docs/reliability.md, "Crash anywhere, run it again").
 */
class RestorePointsTest {
  @TempDir Path state;

  private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

  @Test
  void aFirstRunHasNothingToResumeFrom() throws Exception {
    assertTrue(RestorePoints.newest(state).isEmpty());
    Files.createDirectories(state.resolve("checkpoints/job-a/chk-1"));
    assertTrue(RestorePoints.newest(state).isEmpty(), "a checkpoint without metadata");
  }

  @Test
  void aCheckpointOfAKilledRunNewerThanTheLastSavepointWins() throws Exception {
    write(state.resolve("savepoints/savepoint-1"), 1, T);
    write(state.resolve("checkpoints/job-b/chk-3"), 3, T.plusSeconds(60));
    write(state.resolve("checkpoints/job-b/chk-2"), 2, T.plusSeconds(30));

    RestorePoints.RestorePoint newest = RestorePoints.newest(state).orElseThrow();
    assertEquals(state.resolve("checkpoints/job-b/chk-3"), newest.directory());
    assertEquals(3, newest.checkpointNumber());
  }

  @Test
  void aSavepointNewerThanEveryCheckpointWins() throws Exception {
    write(state.resolve("checkpoints/job-a/chk-7"), 7, T);
    write(state.resolve("savepoints/savepoint-2"), 8, T.plusSeconds(5));

    RestorePoints.RestorePoint newest = RestorePoints.newest(state).orElseThrow();
    assertTrue(newest.isSavepoint());
    assertEquals(state.resolve("savepoints/savepoint-2"), newest.directory());
  }

  @Test
  void metadataCutShortByTheKillIsPassedOver() throws Exception {
    write(state.resolve("checkpoints/job-a/chk-4"), 4, T);
    Path torn = state.resolve("checkpoints/job-a/chk-5");
    Files.createDirectories(torn);
    Files.write(torn.resolve("_metadata"), new byte[] {0x4a, 0x0e});
    Files.setLastModifiedTime(torn.resolve("_metadata"), FileTime.from(T.plusSeconds(1)));

    assertEquals(
        List.of(torn, state.resolve("checkpoints/job-a/chk-4")),
        RestorePoints.all(state).stream().map(RestorePoints.RestorePoint::directory).toList());
    assertEquals(
        state.resolve("checkpoints/job-a/chk-4"),
        RestorePoints.newest(state).orElseThrow().directory());
  }

  private static void write(Path dir, long id, Instant at) throws IOException {
    Files.createDirectories(dir);
    Path metadata = dir.resolve("_metadata");
    try (OutputStream out = Files.newOutputStream(metadata)) {
      Checkpoints.storeCheckpointMetadata(new CheckpointMetadata(id, List.of(), List.of()), out);
    }
    Files.setLastModifiedTime(metadata, FileTime.from(at));
  }
}
