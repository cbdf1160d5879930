package org.cdrflow.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import org.cdrflow.bench.BenchRun;
import org.cdrflow.bench.LongRun;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.generate.GeneratorSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "bench",
    description =
        "Measures this machine (docs/benchmarks.md): generates a feed, preloads it into the"
            + " embedded stack's raw topic, then measures the Kafka consume and PostgreSQL ingest"
            + " ceilings, the pipeline end to end, its RocksDB state size, the latency at half"
            + " load and the anonymisation job; prints a table and writes bench-result.json.")
public class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The profiles besides the default one (docs/benchmarks.md). */
  public enum Profile {
    DEFAULT,
    LONG_RUN
  }

  @Option(
      names = "--profile",
      paramLabel = "PROFILE",
      converter = ProfileConverter.class,
      description =
          "default (the phases) or long-run: twelve monthly feeds with subscriber churn through"
              + " one running job, monthly anonymisation, the keyed state per active subscription"
              + " after each month (defaults then: 5000 subscribers, 2 records per subscriber and"
              + " day)")
  Profile profile = Profile.DEFAULT;

  @Option(
      names = "--churn",
      paramLabel = "SHARE",
      description =
          "long-run profile: share of the subscriptions leaving, and of new ones joining, each"
              + " month (default: ${DEFAULT-VALUE})")
  double churn = GeneratorSettings.TYPICAL_CHURN_PER_MONTH;

  static final class ProfileConverter implements picocli.CommandLine.ITypeConverter<Profile> {
    @Override
    public Profile convert(String value) {
      return Profile.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }
  }

  @Option(
      names = "--records",
      paramLabel = "N",
      description = "records in the feed (default: ${DEFAULT-VALUE})")
  long records = 2_000_000;

  @Option(
      names = "--subscribers",
      paramLabel = "M",
      description =
          "subscriptions in the reference data (default: ${DEFAULT-VALUE}; the large profile:"
              + " 1000000)")
  int subscribers = 100_000;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "where bench-result.json goes (default: the current directory)")
  Path out = Path.of(".");

  @Option(
      names = "--workdir",
      paramLabel = "DIR",
      description =
          "feed, embedded stack and job states; its bench folders are replaced (default:"
              + " ./cdrflow-bench)")
  Path workDir = Path.of("cdrflow-bench");

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Java properties for the job (job.parallelism, sink.batch-size, …); no Kafka or JDBC"
              + " keys: the bench runs on the embedded stack")
  Path configFile;

  @Option(names = "--seed", paramLabel = "S", description = "generator seed (default: 42)")
  long seed = 42;

  @Option(
      names = "--start",
      paramLabel = "YYYY-MM-DD",
      description =
          "first day of the feed (default: ${DEFAULT-VALUE}: old enough for today's"
              + " anonymisation to take it)")
  LocalDate start = BenchRun.Settings.DEFAULT_START;

  @Option(
      names = "--phases",
      split = ",",
      paramLabel = "PHASE",
      description = "only these, comma-separated: ${COMPLETION-CANDIDATES} (default: all)")
  Set<BenchRun.Phase> phases = EnumSet.allOf(BenchRun.Phase.class);

  @Option(
      names = "--latency-rate",
      paramLabel = "PER_SECOND",
      description = "feed rate of the latency phase (default: half the end-to-end rate)")
  long latencyRate;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "longest wait for one pipeline run (ISO-8601, default PT30M)")
  Duration timeout = Duration.ofMinutes(30);

  @Option(
      names = "--jfr",
      description =
          "record the end-to-end, re-rating and reconciliation phases with Java Flight Recorder"
              + " (OUT/end-to-end.jfr, rerate.jfr, reconcile.jfr)")
  boolean flightRecording;

  @Option(
      names = "--baseline",
      paramLabel = "JAR_DIR",
      description =
          "first run the bench of the build in JAR_DIR (a checkout with jobs/target/cdrflow-jobs.jar"
              + " built, or a folder with cdrflow-jobs.jar and lib/) on the same feed and phases;"
              + " its figures and this build's over them go into bench-result.json")
  Path baseline;

  @Override
  public Integer call() throws Exception {
    CdrflowConfig config =
        configFile == null ? CdrflowConfig.defaults() : ConfigFiles.load(configFile);
    if (profile == Profile.LONG_RUN) {
      var given = spec.commandLine().getParseResult();
      new LongRun(
              new LongRun.Settings(
                  given.hasMatchedOption("--records") ? records : 0,
                  given.hasMatchedOption("--subscribers")
                      ? subscribers
                      : LongRun.DEFAULT_SUBSCRIBERS,
                  churn,
                  seed,
                  given.hasMatchedOption("--start") ? start : LongRun.DEFAULT_START,
                  workDir,
                  out,
                  config,
                  timeout),
              System.out)
          .run();
      return 0;
    }
    BenchRun run =
        new BenchRun(
            new BenchRun.Settings(
                records,
                subscribers,
                seed,
                start,
                workDir,
                out,
                config,
                phases,
                latencyRate,
                timeout,
                flightRecording),
            System.out);
    if (baseline != null) {
      run.withBaseline(baseline, configFile);
    }
    run.run();
    return 0;
  }
}
