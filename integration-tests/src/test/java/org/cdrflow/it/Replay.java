package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cdrflow.cli.Cdrflow;

/** {@code cdrflow replay}, run in the test's JVM as the ITs run it, expected to succeed. */
final class Replay {
  private Replay() {}

  /**
   * Replays {@code feed} over {@code reference} on the embedded stack in {@code work}, with {@code
   * more} arguments after those (e.g. {@code --export DIR}); fails the test unless it exits 0.
   */
  static void run(Path reference, Path feed, Path work, String... more) {
    assertEquals(0, Cdrflow.run(args(reference, feed, work, more)), "replay exit code");
  }

  /**
   * The arguments of {@code cdrflow replay} for {@code feed} over {@code reference} in {@code
   * work}.
   */
  static String[] args(Path reference, Path feed, Path work, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "replay",
                "--reference",
                reference.toString(),
                "--input",
                feed.toString(),
                "--workdir",
                work.toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }
}
