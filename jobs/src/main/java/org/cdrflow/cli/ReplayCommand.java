package org.cdrflow.cli;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.export.TableExport;
import org.cdrflow.connectors.kafka.FeedProducer;
import org.cdrflow.jobs.LocalStreamingRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "replay",
    description =
        "Runs the streaming job on the embedded stack over FILE: loads the reference data, feeds"
            + " FILE in file order, drains at its end, keeps the job state in the workdir for the"
            + " next replay, and exports every output table as CSV.")
public class ReplayCommand implements Callable<Integer> {
  @Option(
      names = "--reference",
      required = true,
      paramLabel = "DIR",
      description = "reference CSV directory")
  Path reference;

  @Option(
      names = "--input",
      paramLabel = "FILE",
      description =
          "Avro JSON lines or container file; without it, what is on the raw topic already (e.g."
              + " put there by collect)")
  Path input;

  @Option(
      names = "--workdir",
      required = true,
      paramLabel = "DIR",
      description = "database and job state")
  Path workDir;

  @Option(
      names = "--export",
      paramLabel = "DIR",
      description = "write <table>.csv of every output table here")
  Path export;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Java properties (README, Configuration)")
  Path configFile;

  @Mixin RebuildAggregatesOption rebuildAggregates;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "give up after this long (ISO-8601, default PT30M)")
  Duration timeout = Duration.ofMinutes(30);

  @Override
  public Integer call() throws Exception {
    CdrflowConfig base = checkedInputs();
    // Killed at any point, the same command run again ends with the same tables
    // (docs/operations.md, "After a crash or a stop"): the feed sends only what of FILE is not on
    // the topic yet, the job resumes from its newest checkpoint or savepoint.
    try (CreatedFolders created = CreatedFolders.track(workDir, export);
        StopSignals signals = StopSignals.install(System.out);
        RuntimeStack stack = RuntimeStack.open(base, workDir)) {
      CdrflowConfig config = rebuildAggregates.apply(stack.config());
      CdrflowConfig.JdbcSettings jdbc = config.jdbc();
      System.out.println("== Loading reference data from " + reference);
      new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(reference);
      if (input != null && feedContent == InputChecks.FeedContent.EMPTY) {
        System.out.println(
            "== " + input + " holds no records: nothing to feed, the job state stays as it was");
      } else {
        if (input != null) {
          System.out.println("== Feeding " + input + " into the raw topic");
          FeedProducer.FeedResult fed;
          try (FeedProducer producer = FeedProducer.toRawTopic(config)) {
            String rate = config.get(CdrflowConfig.TESTING_FEED_RATE);
            fed =
                producer.sendRest(
                    input,
                    workDir.resolve("feeds"),
                    PhaseProgress.feeding(System.out),
                    rate == null ? 0 : Long.parseLong(rate));
          }
          System.out.println(
              "Fed "
                  + fed.sent()
                  + " records from "
                  + input
                  + (fed.alreadyOnTopic() > 0
                      ? " (" + fed.alreadyOnTopic() + " were on the topic from an earlier run)"
                      : ""));
        } else {
          System.out.println("== No --input: rating what is on the raw topic (e.g. from collect)");
        }
        System.out.println("== Running the streaming job until the feed is consumed");
        try (PhaseProgress.Processing progress =
            PhaseProgress.Processing.start(config, System.out)) {
          LocalStreamingRun job = new LocalStreamingRun(config, workDir.resolve("job-state"));
          signals.watch(job);
          job.runToEndOfTopic(timeout, msg -> System.out.println("== " + msg));
          signals.watch(null);
        }
      }
      if (export != null) {
        System.out.println("== Exporting the output tables to " + export);
        try (Connection c = jdbc.connect()) {
          Map<String, Integer> rows = TableExport.exportAll(c, export);
          System.out.println("Exported to " + export + ": " + rows);
        }
      }
      created.keep();
      return 0;
    }
  }

  private InputChecks.FeedContent feedContent;

  /** Every option and file checked before anything starts (exit 2 with one line otherwise). */
  private CdrflowConfig checkedInputs() throws java.io.IOException {
    CdrflowConfig base =
        configFile == null ? CdrflowConfig.defaults() : ConfigFiles.load(configFile);
    InputChecks.referenceFolder("--reference", reference);
    feedContent = input == null ? null : InputChecks.feed("--input", input);
    if (export != null) {
      InputChecks.outputFolder("--export", export);
    }
    StackFolder.requireStackOrNew(base, workDir);
    return base;
  }
}
