package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The cluster jar is the job (docs/architecture.md, "Layout"): {@code cdrflow-jobs-*-job.jar}, what
 * the Helm chart's FlinkDeployment and {@code cdrflow cluster} run, holds the jobs and what they
 * bring beside Flink, and none of the command line, the benchmark, the feed generator, the embedded
 * stack or the database migrations. An IT only because it reads the packaged jar; it starts
 * nothing.
 */
class JobJarIT {

  /** Entries the cluster runs: the entry points and the connectors the job brings itself. */
  private static final List<String> REQUIRED =
      List.of(
          "org/cdrflow/jobs/StreamingJobMain.class",
          "org/cdrflow/anonymisation/AnonymisationJobMain.class",
          "org/cdrflow/collector/job/CollectorJob.class",
          "org/apache/flink/connector/kafka/source/KafkaSource.class",
          "org/postgresql/Driver.class");

  /** Entry prefixes of the tools, which run from the command line's own class path. */
  private static final List<String> TOOLS =
      List.of(
          "org/cdrflow/cli/",
          "org/cdrflow/bench/",
          "org/cdrflow/generate/",
          "org/cdrflow/connectors/local/",
          "org/cdrflow/connectors/db/DatabaseSchema",
          "db/migration/",
          "picocli/",
          "org/flywaydb/",
          "io/zonky/",
          "postgres-",
          // the broker's classes (kafka-clients brings kafka/kafka-version.properties)
          "kafka/server/",
          "kafka/log/",
          "scala/");

  @Test
  void theJobJarHoldsTheJobsAndNoneOfTheTools() throws Exception {
    Path jar = JobJar.locate();
    List<String> tools = new ArrayList<>();
    List<String> missing = new ArrayList<>(REQUIRED);
    String mainClass;
    try (JarFile file = new JarFile(jar.toFile())) {
      file.stream()
          .map(e -> e.getName())
          .forEach(
              name -> {
                missing.remove(name);
                if (TOOLS.stream().anyMatch(name::startsWith)) {
                  tools.add(name);
                }
              });
      mainClass = file.getManifest().getMainAttributes().getValue("Main-Class");
    }
    assertEquals(List.of(), missing, "entries the cluster needs from " + jar.getFileName());
    assertTrue(
        tools.isEmpty(),
        tools.size() + " entries of the tools in " + jar.getFileName() + ", e.g. " + first(tools));
    assertEquals("org.cdrflow.jobs.StreamingJobMain", mainClass, "the jar's Main-Class");
  }

  private static List<String> first(List<String> names) {
    return names.subList(0, Math.min(10, names.size()));
  }
}
