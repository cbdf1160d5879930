package org.cdrflow.connectors.local;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) in a child JVM, see {@link
 * KafkaBrokerProcess}. Its data lives in {@code <dir>/data}, its output in {@code
 * <dir>/broker.log}.
 */
final class ChildKafkaBroker {

  private static final Logger LOG = LoggerFactory.getLogger(ChildKafkaBroker.class);

  private static final int NODE_ID = 1;
  private static final int LOG_TAIL_LINES = 40;

  private final Path dir;
  private final int brokerPort;
  private final Process process;
  private final OutputStream lifeline;

  private ChildKafkaBroker(Path dir, int brokerPort, Process process) {
    this.dir = dir;
    this.brokerPort = brokerPort;
    this.process = process;
    this.lifeline = process.getOutputStream();
  }

  /** Starts the child JVM and returns at once; see {@link #awaitReady(Duration)}. */
  static ChildKafkaBroker launch(
      Path dir,
      int brokerPort,
      int controllerPort,
      int defaultPartitions,
      String maxHeap,
      List<String> javaOptions,
      String classpath)
      throws IOException {
    Files.createDirectories(dir.resolve("data"));
    Path serverProperties = dir.resolve("server.properties");
    Files.writeString(
        serverProperties, serverProperties(dir, brokerPort, controllerPort, defaultPartitions));
    Path log4jConfig = dir.resolve("log4j2.properties");
    Files.writeString(log4jConfig, LOG4J2_CONFIG);

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xms64m");
    command.add("-Xmx" + maxHeap);
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.addAll(javaOptions);
    command.add("-Djava.awt.headless=true");
    command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
    command.add("-Dlog4j2.configurationFile=" + log4jConfig.toAbsolutePath());
    command.add("-cp");
    command.add(classpath);
    command.add(KafkaBrokerProcess.class.getName());
    command.add(serverProperties.toAbsolutePath().toString());

    Path log = logFile(dir);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            // A file, not a pipe: nobody would drain a pipe, and a full one stalls the broker.
            .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
    Process process = builder.start();
    Files.writeString(pidFile(dir), Long.toString(process.pid()));
    LOG.info(
        "Kafka broker starting as pid {} on 127.0.0.1:{} (controller port {}), log in {}",
        process.pid(),
        brokerPort,
        controllerPort,
        log);
    return new ChildKafkaBroker(dir, brokerPort, process);
  }

  static String serverProperties(
      Path dir, int brokerPort, int controllerPort, int defaultPartitions) {
    String logDir = dir.resolve("data").toAbsolutePath().toString();
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", Integer.toString(NODE_ID));
    // A static voter set: a dynamic quorum would record the controller's endpoint in the metadata
    // log, and the next start, on a different free port, could no longer reach itself.
    p.setProperty("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.setProperty(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("log.dirs", logDir);
    p.setProperty("num.partitions", Integer.toString(defaultPartitions));
    p.setProperty("default.replication.factor", "1");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("offsets.topic.replication.factor", "1");
    // Fifty partitions each (the default) only cost start-up time and files on one laptop.
    p.setProperty("offsets.topic.num.partitions", "4");
    p.setProperty("transaction.state.log.num.partitions", "4");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // Flink's exactly-once Kafka sink keeps transactions open across checkpoints; the default
    // ceiling of 15 minutes would reject a longer transaction.timeout.ms.
    p.setProperty("transaction.max.timeout.ms", "3600000");
    // The stack keeps what it was given across restarts: replayed CDRs carry old event times and
    // would otherwise be deleted by time-based retention a few minutes after being written.
    p.setProperty("log.retention.ms", "-1");
    // Producers that stamp records with the CDR's event time may write files from any month; the
    // broker's default rejects timestamps more than an hour ahead of its clock.
    p.setProperty("log.message.timestamp.after.max.ms", Long.toString(Long.MAX_VALUE));
    // The log cleaner allocates this on the heap (128 MB by default); only the small internal
    // compacted topics use it here.
    p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    StringBuilder text = new StringBuilder("# Written by EmbeddedStack at each start.\n");
    p.stringPropertyNames().stream()
        .sorted()
        .forEach(key -> text.append(key).append('=').append(p.getProperty(key)).append('\n'));
    return text.toString();
  }

  // Kafka logs its full configuration at INFO several times per start; the rest of INFO is what
  // one wants to read when the broker misbehaves.
  private static final String LOG4J2_CONFIG =
      String.join(
          "\n",
          "status = warn",
          "appender.out.type = Console",
          "appender.out.name = out",
          "appender.out.layout.type = PatternLayout",
          "appender.out.layout.pattern = %d{ISO8601} %-5p [%c{1}] %m%n",
          "rootLogger.level = info",
          "rootLogger.appenderRef.out.ref = out",
          "logger.config.name = org.apache.kafka.common.config.AbstractConfig",
          "logger.config.level = warn",
          "logger.kafkaconfig.name = kafka.server.KafkaConfig",
          "logger.kafkaconfig.level = warn",
          "");

  String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until the broker answers a metadata request listing itself, which in KRaft means it has
   * registered with the controller and been unfenced, so topics can be created.
   */
  void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    // Waiting for the port first keeps the admin client from logging a warning per retry.
    while (!acceptsConnections()) {
      checkAliveAndDeadline(deadline, timeout, null);
      Thread.sleep(100);
    }
    Properties config = new Properties();
    config.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
    config.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
    Throwable lastFailure = null;
    try (Admin admin = Admin.create(config)) {
      while (true) {
        try {
          Collection<Node> nodes =
              admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get();
          if (!nodes.isEmpty()) {
            return;
          }
        } catch (ExecutionException e) {
          lastFailure = e.getCause();
        }
        checkAliveAndDeadline(deadline, timeout, lastFailure);
        Thread.sleep(200);
      }
    }
  }

  private boolean acceptsConnections() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(FreePorts.LOOPBACK, brokerPort), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private void checkAliveAndDeadline(long deadline, Duration timeout, Throwable lastFailure) {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "Kafka broker exited with status "
              + process.exitValue()
              + " while starting; last lines of "
              + logFile(dir)
              + ":\n"
              + logTail(),
          lastFailure);
    }
    if (System.nanoTime() - deadline > 0) {
      throw new IllegalStateException(
          "Kafka broker was not ready within "
              + timeout.toSeconds()
              + " s; last lines of "
              + logFile(dir)
              + ":\n"
              + logTail(),
          lastFailure);
    }
  }

  String logTail() {
    return ServerProcesses.tail(logFile(dir), LOG_TAIL_LINES);
  }

  /**
   * Closes the child's stdin, which makes it run a controlled shutdown and exit; forces it only if
   * that takes longer than {@code timeout}.
   */
  void stop(Duration timeout) {
    try {
      lifeline.close();
    } catch (IOException e) {
      // Already closed or the child is gone; either way it is shutting down.
    }
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "Kafka broker (pid {}) did not stop within {} s; terminating it",
            process.pid(),
            timeout.toSeconds());
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    if (!process.isAlive()) {
      ServerProcesses.deleteQuietly(pidFile(dir));
    }
    LOG.info("Kafka broker stopped (exit status {})", exitStatus());
  }

  private String exitStatus() {
    return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
  }

  /**
   * Deals with a broker left behind by a parent that died without closing the stack. Such a child
   * is already shutting down (its stdin reached end of file), but until it has exited it holds the
   * lock on its log directory.
   */
  static void awaitLeftoverExit(Path dir, Duration timeout) throws InterruptedException {
    Path pidFile = pidFile(dir);
    if (!Files.exists(pidFile)) {
      return;
    }
    Optional<ProcessHandle> leftover =
        ServerProcesses.readPid(pidFile)
            .flatMap(ProcessHandle::of)
            .filter(ProcessHandle::isAlive)
            .filter(h -> isOurBroker(h, dir));
    if (leftover.isPresent()) {
      ProcessHandle handle = leftover.get();
      LOG.warn(
          "A Kafka broker from an earlier run (pid {}) is still running; waiting for it to exit",
          handle.pid());
      if (!ServerProcesses.awaitExit(handle, timeout)) {
        LOG.warn("Terminating the earlier Kafka broker (pid {})", handle.pid());
        handle.destroy(); // SIGTERM still runs Kafka's shutdown hook
        if (!ServerProcesses.awaitExit(handle, Duration.ofSeconds(10))) {
          // Kafka recovers its logs after a kill, only more slowly.
          handle.destroyForcibly();
          ServerProcesses.awaitExit(handle, Duration.ofSeconds(10));
        }
      }
    }
    ServerProcesses.deleteQuietly(pidFile);
  }

  private static boolean isOurBroker(ProcessHandle handle, Path dir) {
    // The pid may have been reused since the file was written (after a SIGKILL of the whole run),
    // also by the broker of another work directory: its configuration file tells them apart.
    String config = dir.resolve("server.properties").toAbsolutePath().toString();
    return handle
        .info()
        .arguments()
        .map(
            args ->
                Arrays.asList(args).contains(KafkaBrokerProcess.class.getName())
                    && Arrays.asList(args).contains(config))
        .orElse(false);
  }

  private static Path pidFile(Path dir) {
    return dir.resolve("broker.pid");
  }

  static Path logFile(Path dir) {
    return dir.resolve("broker.log");
  }
}
