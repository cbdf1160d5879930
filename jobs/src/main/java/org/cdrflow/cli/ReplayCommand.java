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
    CdrflowConfig base =
        configFile == null ? CdrflowConfig.defaults() : ConfigFiles.load(configFile);
    try (RuntimeStack stack = RuntimeStack.open(base, workDir)) {
      CdrflowConfig config = rebuildAggregates.apply(stack.config());
      CdrflowConfig.JdbcSettings jdbc = config.jdbc();
      System.out.println("Loading reference data from " + reference);
      new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(reference);
      if (input != null) {
        long sent;
        try (FeedProducer producer = FeedProducer.toRawTopic(config)) {
          sent = producer.send(input, null);
        }
        System.out.println("Fed " + sent + " records from " + input);
      }
      new LocalStreamingRun(config, workDir.resolve("job-state"))
          .runToEndOfTopic(timeout, msg -> System.out.println(msg));
      if (export != null) {
        try (Connection c = jdbc.connect()) {
          Map<String, Integer> rows = TableExport.exportAll(c, export);
          System.out.println("Exported to " + export + ": " + rows);
        }
      }
      return 0;
    }
  }
}
