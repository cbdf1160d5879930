package org.cdrflow.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.cdrflow.connectors.config.CdrflowConfig;
import picocli.CommandLine.Option;

/** Options every command takes. */
public class CommonOptions {
  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Java properties (keys in the README); without Kafka/JDBC keys the embedded stack is used")
  Path configFile;

  @Option(
      names = "--workdir",
      paramLabel = "DIR",
      description =
          "where the embedded stack keeps its data and job state (default: ./cdrflow-work)")
  Path workDir = Path.of("cdrflow-work");

  public CdrflowConfig config() throws IOException {
    return configFile == null ? CdrflowConfig.defaults() : ConfigFiles.load(configFile);
  }
}
