package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shaded job jar that {@code package} of module jobs builds before the ITs run. */
final class JobJar {
  static final Path JOBS_TARGET = Path.of("..", "jobs", "target");

  private JobJar() {}

  /**
   * {@code jobs/target/cdrflow-jobs-*-job.jar}; fails the test, saying how to build it, if absent.
   */
  static Path locate() throws IOException {
    if (Files.isDirectory(JOBS_TARGET)) {
      try (Stream<Path> files = Files.list(JOBS_TARGET)) {
        List<Path> jars =
            files
                .filter(f -> f.getFileName().toString().matches("cdrflow-jobs-.*-job\\.jar"))
                .toList();
        if (jars.size() == 1) {
          return jars.get(0);
        }
      }
    }
    return fail(
        "no job jar cdrflow-jobs-*-job.jar (exactly one) in "
            + JOBS_TARGET.toAbsolutePath().normalize()
            + ": this test reads the shaded jar that `package` of module jobs builds; run"
            + " ./mvnw verify, or ./mvnw package -pl jobs -am before running it alone");
  }
}
