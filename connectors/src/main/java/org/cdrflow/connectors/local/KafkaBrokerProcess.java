package org.cdrflow.connectors.local;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * Main class of the child JVM that runs the embedded stack's Kafka broker.
 *
 * <p>Usage: {@code KafkaBrokerProcess <server.properties>}. Formats the log directory the first
 * time (KRaft needs a cluster id and a bootstrap metadata snapshot before the first start), then
 * runs {@code kafka.Kafka} in this JVM.
 *
 * <p>The parent keeps this process's stdin open for as long as it wants the broker. End of stdin
 * means the parent closed the stack or died (even by {@code kill -9}, which runs no shutdown hook
 * in the parent), and the broker then exits through Kafka's own shutdown hook, i.e. with a
 * controlled shutdown. That is what guarantees that the broker never outlives the parent.
 */
public final class KafkaBrokerProcess {

  /** Exit status when the storage could not be formatted. */
  static final int EXIT_FORMAT_FAILED = 3;

  private KafkaBrokerProcess() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: KafkaBrokerProcess <server.properties>");
      System.exit(2);
    }
    Path config = Path.of(args[0]);
    watchParent(System.in);
    formatIfNeeded(config, System.out);
    // Blocks until shutdown; registers the shutdown hook that stops the broker cleanly.
    kafka.Kafka.main(new String[] {config.toString()});
  }

  private static void watchParent(InputStream parent) {
    Thread watcher =
        new Thread(
            () -> {
              try {
                byte[] buffer = new byte[64];
                while (parent.read(buffer) != -1) {
                  // The parent never writes; anything it might send is irrelevant.
                }
              } catch (IOException e) {
                // A broken pipe means the same as end of stream: the parent is gone.
              }
              System.out.println("KafkaBrokerProcess: stdin closed, shutting the broker down");
              System.exit(0);
            },
            "parent-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }

  static void formatIfNeeded(Path config, PrintStream out) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(config, StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    String logDirs = properties.getProperty("log.dirs");
    if (logDirs == null || logDirs.contains(",")) {
      throw new IllegalArgumentException("expected exactly one log.dirs entry in " + config);
    }
    if (Files.exists(Path.of(logDirs).resolve("meta.properties"))) {
      return;
    }
    String clusterId = Uuid.randomUuid().toString();
    out.println("KafkaBrokerProcess: formatting " + logDirs + " with cluster id " + clusterId);
    int status =
        StorageTool.execute(new String[] {"format", "-t", clusterId, "-c", config.toString()}, out);
    if (status != 0) {
      out.println("KafkaBrokerProcess: formatting failed with status " + status);
      out.flush();
      System.exit(EXIT_FORMAT_FAILED);
    }
  }
}
