package org.cdrflow.collector.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.cdrflow.collector.ber.ChargingFileDecoder;
import org.cdrflow.collector.ber.CollectedFile;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.config.LocalRunSettings;

/** {@code cdrflow collect} on a local Flink MiniCluster, and the operator's release of a file. */
public final class LocalCollectorRun {

  private final CdrflowConfig config;
  private final Path stateDir;

  public LocalCollectorRun(CdrflowConfig config, Path stateDir) {
    this.config = config;
    this.stateDir = stateDir;
  }

  /**
   * Runs the collector over {@code directory}: with {@code once}, over the files there now, and
   * returns when they are collected; otherwise until the process is stopped.
   */
  public void run(Path directory, boolean once, Duration monitorInterval) throws Exception {
    Files.createDirectories(stateDir);
    // Files become COLLECTED at checkpoints (AccountFiles): a bounded run ends with one.
    Configuration conf =
        LocalRunSettings.checkpointed(
            stateDir, config.duration(CdrflowConfig.LOCAL_CHECKPOINT_INTERVAL));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    CollectorJob.build(
        env, config, directory.toAbsolutePath().toUri().toString(), once ? null : monitorInterval);
    env.execute("cdrflow-collector");
  }

  /**
   * Releases the incomplete file {@code file}: its whole records go to the raw topic, the cut-off
   * one is rejected, and the file is recorded RELEASED. Returns the records sent.
   *
   * @throws IllegalStateException when the file is not held as incomplete
   */
  public long release(Path file) throws IOException, SQLException, ExecutionException {
    byte[] content = Files.readAllBytes(file);
    String name = file.getFileName().toString();
    CollectedFile held = CollectedFile.of(name, content, false, new ChargingFileDecoder());
    CdrflowConfig.JdbcSettings jdbc = config.jdbc();
    try (Connection c = jdbc.connect()) {
      FileLedger ledger = new FileLedger(c);
      if (!"INCOMPLETE".equals(ledger.statusOf(held.sha256()))) {
        throw new IllegalStateException(name + " is not held as incomplete");
      }
      CollectedFile released = CollectedFile.of(name, content, true, new ChargingFileDecoder());
      long sent = send(released);
      ledger.release(released, held.sha256());
      return sent;
    }
  }

  private long send(CollectedFile f) throws ExecutionException {
    Properties p = new Properties();
    p.putAll(config.kafkaClientProperties());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.require(CdrflowConfig.KAFKA_BOOTSTRAP));
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    String topic = config.get(CdrflowConfig.TOPIC_RAW);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < f.keys().size(); i++) {
        producer.send(new ProducerRecord<>(topic, f.keys().get(i), f.values().get(i)));
      }
      producer.flush();
    }
    return f.keys().size();
  }
}
