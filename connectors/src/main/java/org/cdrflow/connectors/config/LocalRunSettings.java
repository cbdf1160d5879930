package org.cdrflow.connectors.config;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;

/**
 * The Flink settings the local runs on a MiniCluster share ({@code LocalStreamingRun}, {@code
 * LocalCollectorRun}): heap state, checkpoints in the run's state directory at {@code
 * local.checkpoint-interval} (docs/operations.md, "After a crash or a stop").
 */
public final class LocalRunSettings {
  private LocalRunSettings() {}

  /** Hashmap state checkpointed into {@code stateDir/checkpoints} every {@code interval}. */
  public static Configuration checkpointed(Path stateDir, Duration interval) {
    Configuration conf = new Configuration();
    conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY,
        stateDir.resolve("checkpoints").toUri().toString());
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
    return conf;
  }
}
