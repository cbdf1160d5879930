package org.cdrflow.jobs;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.kafka.RawCdrSource;
import org.cdrflow.pipeline.StateLineage;
import org.cdrflow.reference.ReferenceDataProvider;

/**
 * Entry point of the streaming job on a Flink cluster: {@code --config FILE} (or the environment
 * variable {@code CDRFLOW_CONFIG}) names the properties; checkpointing, state backend and restarts
 * come from the cluster's Flink configuration (the Helm chart sets them). A start without state
 * over aggregates of a checkpointed lineage fails unless {@code --rebuild-aggregates} (or {@code
 * aggregates.rebuild=true}) is given (docs/operations.md, "A start without state").
 */
public final class StreamingJobMain {
  private StreamingJobMain() {}

  public static void main(String[] args) throws Exception {
    String file = System.getenv("CDRFLOW_CONFIG");
    boolean rebuild = false;
    for (int i = 0; i < args.length; i++) {
      if ("--config".equals(args[i]) && i + 1 < args.length) {
        file = args[i + 1];
      }
      rebuild |= StateLineage.REBUILD_OPTION.equals(args[i]);
    }
    CdrflowConfig config =
        file == null ? CdrflowConfig.defaults() : CdrflowConfig.load(Path.of(file));
    if (rebuild) {
      config = config.with(Map.of(StateLineage.REBUILD_KEY, "true"));
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    build(env, config);
    env.execute("cdrflow-mediation");
  }

  private static org.cdrflow.schema.codec.RegistryFramedSchemas registrySchemas(
      CdrflowConfig config) {
    String dir = config.get(CdrflowConfig.KAFKA_REGISTRY_SCHEMAS);
    if (dir == null) {
      return null;
    }
    try {
      return org.cdrflow.schema.codec.RegistryFramedSchemas.fromDirectory(Path.of(dir));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("registry schemas in " + dir, e);
    }
  }

  /** Wires the configured Kafka source, database reference data and sinks to the topology. */
  public static void build(StreamExecutionEnvironment env, CdrflowConfig config) {
    build(env, config, UnaryOperator.identity());
  }

  /**
   * As {@link #build(StreamExecutionEnvironment, CdrflowConfig)}, with the Kafka source passed
   * through {@code source} first: a test wraps it to inject a fault (docs/reliability.md, "The
   * fault-injection run").
   */
  public static void build(
      StreamExecutionEnvironment env,
      CdrflowConfig config,
      UnaryOperator<Source<IncomingCdr, ?, ?>> source) {
    var lines =
        MediationJob.build(
            env,
            source.apply(
                RawCdrSource.create(
                    config.require(CdrflowConfig.KAFKA_BOOTSTRAP),
                    config.get(CdrflowConfig.TOPIC_RAW),
                    config.get(CdrflowConfig.KAFKA_GROUP_ID),
                    config.kafkaClientProperties(),
                    registrySchemas(config))),
            ReferenceDataProvider.live(
                config.jdbc(), config.duration(CdrflowConfig.REFERENCE_REFRESH)),
            JobOutputs.settings(config),
            JobOutputs.from(config));
    PeriodReadinessStep.attach(lines, config);
  }
}
