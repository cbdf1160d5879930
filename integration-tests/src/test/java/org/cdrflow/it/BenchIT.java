package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.cdrflow.bench.BenchRun;
import org.cdrflow.cli.Cdrflow;
import org.junit.jupiter.api.Test;

/**
 * A smoke run of {@code cdrflow bench} on a small feed: every phase runs on the real stack and
 * {@code bench-result.json} carries its figures, so the benchmark of docs/benchmarks.md keeps
 * working. Nothing here is timed: the figures of a 20,000-record run say nothing about the machine.
 */
class BenchIT {
  private static final long RECORDS = 20_000;

  @Test
  void benchMeasuresEveryPhaseAndWritesTheResult() throws Exception {
    Path base = Files.createTempDirectory(Path.of("target"), "bench-");
    // Short checkpoints: the latency phase waits for the job's first one before it feeds.
    Path config = base.resolve("bench.properties");
    Files.writeString(config, "checkpoint.interval=PT2S\n");
    // Every phase but FRAUD: its isolated measurement is FraudCostTest's and its pipeline runs
    // are ROCKSDB's, three of them more (a minute and a half of the CI's 25).
    String phases =
        Arrays.stream(BenchRun.Phase.values())
            .filter(p -> p != BenchRun.Phase.FRAUD)
            .map(Enum::name)
            .collect(Collectors.joining(","));
    int exit =
        Cdrflow.run(
            "bench",
            "--phases",
            phases,
            "--records",
            Long.toString(RECORDS),
            "--subscribers",
            "1000",
            "--latency-rate",
            "5000",
            "--config",
            config.toString(),
            "--workdir",
            base.resolve("work").toString(),
            "--out",
            base.toString());
    assertEquals(0, exit, "bench exit code");

    String json = Files.readString(base.resolve("bench-result.json"));
    // Rows of subscription.csv: one per subscriber, two for a subscriber who changed plans.
    assertTrue(number(json, "reference_load", "subscriptions") >= 1000, "every subscription");
    assertTrue(number(json, "reference_load", "subscriptions_per_second") > 0);
    assertEquals(RECORDS, number(json, "consume_ceiling", "records"), "consumed every record");
    assertEquals(RECORDS, number(json, "end_to_end", "audit_received"), "the job received all");
    assertTrue(
        json.matches("(?s).*\"end_to_end\": \\{.*\"audit_equation_holds\": true.*"),
        "the audit accounts for every record of the end-to-end run");
    assertTrue(number(json, "end_to_end", "records_per_second") > 0);
    assertTrue(number(json, "ingest_ceiling", "rows_per_second") > 0);
    assertTrue(number(json, "rocksdb", "checkpoint_bytes") > 0, "a RocksDB checkpoint was sized");
    assertTrue(number(json, "rocksdb", "active_subscriptions") > 0);
    assertTrue(number(json, "latency", "lines_measured") > 0, "latency over invoice lines");
    assertTrue(number(json, "latency", "p99_ms") >= number(json, "latency", "p50_ms"));
    assertTrue(number(json, "anonymisation", "lines_anonymised") > 0, "the lines were anonymised");
    assertTrue(number(json, "reconcile", "partner_calls") > 0, "partner calls reconciled");
    assertTrue(number(json, "rerate", "lines_per_second") > 0, "the lines were re-rated");
    assertTrue(json.contains("\"cores\": "), "the machine is described");
    assertTrue(json.contains("\"end_to_end_over_ingest_ceiling\": "), "ratios are written");
  }

  /** A number in {@code section} of the result (the file's sections are flat enough for this). */
  private static double number(String json, String section, String key) {
    int at = json.indexOf("\"" + section + "\": {");
    assertTrue(at >= 0, "section " + section + " in the result");
    Matcher m =
        Pattern.compile("\"" + Pattern.quote(key) + "\": (-?[0-9.]+)").matcher(json.substring(at));
    assertTrue(m.find(), key + " in section " + section);
    return Double.parseDouble(m.group(1));
  }
}
