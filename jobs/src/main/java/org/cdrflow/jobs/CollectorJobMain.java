package org.cdrflow.jobs;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.cdrflow.collector.job.CollectorJob;
import org.cdrflow.connectors.config.CdrflowConfig;

/**
 * Entry point of the collector on a Flink cluster, the chart's second job (docs/operations.md,
 * "Collecting charging files"): {@code --config FILE} (or {@code CDRFLOW_CONFIG}) names the
 * properties, {@code --dir PATH} the directory or object-store path the charging gateway delivers
 * to, {@code --monitor-interval DURATION} (ISO-8601, default 30 s) how often it is listed for new
 * files. Checkpointing and restarts come from the cluster's Flink configuration.
 */
public final class CollectorJobMain {
  static final Duration DEFAULT_MONITOR_INTERVAL = Duration.ofSeconds(30);

  private CollectorJobMain() {}

  public static void main(String[] args) throws Exception {
    String file = System.getenv("CDRFLOW_CONFIG");
    String dir = null;
    Duration interval = DEFAULT_MONITOR_INTERVAL;
    for (int i = 0; i + 1 < args.length; i++) {
      switch (args[i]) {
        case "--config" -> file = args[i + 1];
        case "--dir" -> dir = args[i + 1];
        case "--monitor-interval" -> interval = Duration.parse(args[i + 1]);
        default -> {
          // not an option with a value
        }
      }
    }
    if (dir == null || dir.isBlank()) {
      throw new IllegalArgumentException("the collector needs --dir PATH");
    }
    CdrflowConfig config =
        file == null ? CdrflowConfig.defaults() : CdrflowConfig.load(Path.of(file));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    CollectorJob.build(env, config, dir, interval);
    env.execute("cdrflow-collector");
  }
}
