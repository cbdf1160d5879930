package org.cdrflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code cdrflow bench --baseline} takes from the baseline's bench and how it compares. */
class BaselineBenchTest {

  /** The usage an older bench prints (it knows no --help, and fewer phases). */
  private static final String OLD_USAGE =
      """
      Unknown option: '--help'
      Usage: cdrflow bench [--jfr] [--config=FILE] [--latency-rate=PER_SECOND]
                           [--phases=PHASE[,PHASE...]]...
            --phases=PHASE[,PHASE...]
                                 only these, comma-separated: CONSUME, END_TO_END,
                                   INGEST, ROCKSDB, ANONYMISE, LATENCY (default: all)
            --records=N          records in the feed (default: 2000000)
      """;

  @Test
  void thePhasesTheBaselineKnowsComeFromItsUsage() {
    assertEquals(
        Set.of("CONSUME", "END_TO_END", "INGEST", "ROCKSDB", "ANONYMISE", "LATENCY"),
        BaselineBench.phasesOf(OLD_USAGE));
    assertTrue(BaselineBench.phasesOf("Usage: cdrflow bench [--records=N]").isEmpty());
  }

  @Test
  void eachFigureFoundInBothIsComparedAsThisBuildOverTheBaseline() {
    Map<String, Object> baseline =
        Map.of(
            "end_to_end",
            Map.of(
                "records_per_second",
                20_000.0,
                "cpu_ms_per_1000_records",
                Map.of("total", 80.0, "jvm_flink_and_clients", 40)));
    Map<String, Object> ours =
        Map.of(
            "end_to_end",
            Map.of(
                "records_per_second",
                30_000.0,
                "cpu_ms_per_1000_records",
                Map.of("total", 40.0, "jvm_flink_and_clients", 14.0)),
            "latency",
            Map.of("p99_ms", 400.0));

    Map<String, Object> versus = BaselineBench.compare(ours, baseline);

    assertEquals(
        0.5,
        BaselineBench.ratio(versus, List.of("end_to_end", "cpu_ms_per_1000_records", "total")));
    assertEquals(
        0.35,
        BaselineBench.ratio(
            versus, List.of("end_to_end", "cpu_ms_per_1000_records", "jvm_flink_and_clients")),
        1e-9);
    assertEquals(1.5, BaselineBench.ratio(versus, List.of("end_to_end", "records_per_second")));
    assertEquals(
        Map.of("baseline", 80.0, "this_build", 40.0, "ratio", 0.5),
        versus.get("end_to_end.cpu_ms_per_1000_records.total"));
    assertFalse(versus.containsKey("latency.p99_ms"), "the baseline did not measure latency");
  }

  @Test
  void theBaselineIsABuiltCheckoutOrAFolderWithTheJarAndItsLibraries(@TempDir Path dir)
      throws Exception {
    assertThrows(IllegalArgumentException.class, () -> new BaselineBench(dir, null).classpath());
    Files.createDirectories(dir.resolve("jobs/target/lib"));
    Files.writeString(dir.resolve("jobs/target/cdrflow-jobs.jar"), "");
    String cp = new BaselineBench(dir, null).classpath();
    assertTrue(cp.startsWith(dir.resolve("jobs/target/cdrflow-jobs.jar").toString()), cp);
    assertTrue(cp.endsWith("lib/*"), cp);
  }
}
