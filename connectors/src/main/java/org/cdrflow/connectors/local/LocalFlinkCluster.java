package org.cdrflow.connectors.local;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Flink standalone session cluster on this machine: one JobManager and one or more TaskManagers,
 * each in its own JVM, started from the Flink jars of a class path (Flink's distribution,
 * flink-dist, is not published to Maven Central; its jars are). Jobs are submitted through the REST
 * API ({@link #rest()}), as on any session cluster: the job jar is uploaded, so the cluster's class
 * path holds none of the job's classes, and a class missing from the job jar fails here as it would
 * in production.
 *
 * <p>The processes are started the way Flink's own scripts start them: the same entry points, the
 * {@code --add-opens}/{@code --add-exports} options Java 17 needs ({@link #JAVA_OPTIONS}), memory
 * flags derived from the process sizes by Flink's own calculation (what {@code BashJavaUtils} does
 * for the scripts), a {@code config.yaml} in a configuration directory. Everything listens on
 * 127.0.0.1 only, on ports chosen free at each start.
 *
 * <p>The settings mirror the production deployment (docs/operations.md): RocksDB state with
 * incremental checkpoints and Bloom filters, checkpoints retained on cancellation, {@code
 * pipeline.max-parallelism} 128, a fixed-delay restart strategy; {@link Builder#set} overrides any
 * of them.
 *
 * <p>Layout of the work directory:
 *
 * <ul>
 *   <li>{@code conf/config.yaml}, {@code conf/log4j.properties}: the configuration of this start;
 *   <li>{@code log/jobmanager.log}, {@code log/taskmanager-N.log}: the processes' logs (also shown
 *       in the web UI), {@code log/*.out} their standard output and errors; those of the previous
 *       start end in {@code .1};
 *   <li>{@code state/checkpoints}, {@code state/savepoints}: the jobs' checkpoints and savepoints;
 *   <li>{@code tmp}: Flink's temporary files (uploaded jars, RocksDB working directories);
 *   <li>{@code cluster.lock}: held while a cluster runs, so two never share a directory.
 * </ul>
 *
 * <p>The processes never outlive this JVM: {@link #close()} stops them, a shutdown hook does the
 * same, and if this JVM is killed outright each of them notices that its stdin was closed and exits
 * ({@link FlinkProcess}).
 */
public final class LocalFlinkCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalFlinkCluster.class);

  /**
   * The JVM options Flink's distribution sets for every process on Java 17 ({@code
   * env.java.opts.all} in its {@code config.yaml}): Flink serialises and inspects JDK classes by
   * reflection (Kryo, the closure cleaner, its RPC system).
   */
  public static final List<String> JAVA_OPTIONS =
      List.of(
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
          "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  static final String JOB_MANAGER_MAIN =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
  static final String TASK_MANAGER_MAIN = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

  /**
   * Packages that belong to the job or to the command line's own tools, never to the cluster: a
   * class path entry holding any of them is left out. The connectors matter most: Flink loads
   * {@code org.apache.flink.*} parent-first, so a connector on the cluster's class path would
   * shadow the job's own copy and then miss the Kafka client classes the job jar brings.
   */
  static final List<String> APPLICATION_PACKAGES =
      List.of(
          "org/cdrflow/",
          "org/apache/flink/connector/kafka/",
          "org/apache/flink/connector/jdbc/",
          "org/apache/kafka/",
          "kafka/",
          "scala/",
          "org/postgresql/",
          "io/zonky/",
          "org/flywaydb/",
          "org/apache/avro/",
          "com/fasterxml/jackson/",
          "com/google/i18n/phonenumbers/",
          "org/apache/commons/csv/",
          "picocli/",
          // zonky's PostgreSQL binaries (postgres-<os>-<arch>.txz at the jar's root)
          "postgres-");

  /** What a session cluster cannot run without, by the artifact that brings it. */
  static final Map<String, String> REQUIRED_CLASSES = requiredClasses();

  private static Map<String, String> requiredClasses() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        "org/apache/flink/runtime/entrypoint/StandaloneSessionClusterEntrypoint.class", "runtime");
    m.put("org/apache/flink/client/program/PackagedProgram.class", "clients");
    m.put(
        "org/apache/flink/streaming/api/environment/StreamExecutionEnvironment.class",
        "streaming-java");
    m.put("org/apache/flink/runtime/webmonitor/WebSubmissionExtension.class", "runtime-web");
    m.put(
        "org/apache/flink/state/rocksdb/EmbeddedRocksDBStateBackendFactory.class",
        "statebackend-rocksdb");
    m.put("org/apache/logging/log4j/core/LoggerContext.class", "log4j-core");
    m.put("org/apache/logging/slf4j/Log4jLoggerFactory.class", "log4j-slf4j-impl");
    return m;
  }

  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(40);
  private static final int LOG_TAIL_LINES = 40;
  private static final Set<Path> LOCKED_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Builder options;
  private final Path workDir;
  private final Thread shutdownHook = new Thread(this::close, "flink-cluster-shutdown");
  private final List<Child> children = new ArrayList<>();

  private Path lockKey;
  private FileChannel lockChannel;
  private FileLock lock;
  private int restPort;
  private FlinkRestClient rest;
  private boolean closed;

  private LocalFlinkCluster(Builder options) {
    this.options = options;
    this.workDir = options.workDir;
  }

  /** Options for a cluster working in {@code workDir}; finish with {@link Builder#start()}. */
  public static Builder builder(Path workDir) {
    return new Builder(workDir);
  }

  /** Options of {@link LocalFlinkCluster}. */
  public static final class Builder {
    private final Path workDir;
    private int taskManagers = 1;
    private int slotsPerTaskManager = 2;
    private List<Path> classpath = entriesOf(System.getProperty("java.class.path"));
    private String jobManagerMemory = "1024m";
    private String taskManagerMemory = "1280m";
    private Duration startTimeout = Duration.ofSeconds(120);
    private final Map<String, String> settings = new TreeMap<>();

    private Builder(Path workDir) {
      this.workDir = Objects.requireNonNull(workDir, "workDir").toAbsolutePath().normalize();
    }

    /** How many TaskManager processes; default 1. */
    public Builder taskManagers(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("at least one TaskManager is needed: " + count);
      }
      this.taskManagers = count;
      return this;
    }

    /** Task slots of each TaskManager; default 2. */
    public Builder slotsPerTaskManager(int slots) {
      if (slots < 1) {
        throw new IllegalArgumentException("slots must be positive: " + slots);
      }
      this.slotsPerTaskManager = slots;
      return this;
    }

    /**
     * Where to take Flink from: class path entries among which the Flink jars are; those of the job
     * and of the command line's tools are left out (see {@link #flinkClasspath}). Defaults to this
     * JVM's {@code java.class.path}, which is right for the command line ({@code lib/*}).
     */
    public Builder classpath(Collection<Path> entries) {
      this.classpath = List.copyOf(entries);
      return this;
    }

    /** {@code jobmanager.memory.process.size}; default {@code 1024m}. */
    public Builder jobManagerMemory(String processSize) {
      this.jobManagerMemory = Objects.requireNonNull(processSize, "processSize");
      return this;
    }

    /** {@code taskmanager.memory.process.size}; default {@code 1280m}. */
    public Builder taskManagerMemory(String processSize) {
      this.taskManagerMemory = Objects.requireNonNull(processSize, "processSize");
      return this;
    }

    /** A Flink setting over the defaults, e.g. {@code execution.checkpointing.interval: 1s}. */
    public Builder set(String key, String value) {
      settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** How long the cluster may take to come up with every TaskManager; default 120 s. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Starts the JobManager and the TaskManagers and waits until the JobManager's REST endpoint
     * reports every TaskManager with its slots. On failure nothing is left running and the
     * exception says why, with the tail of the failing process's log.
     */
    public LocalFlinkCluster start() {
      LocalFlinkCluster cluster = new LocalFlinkCluster(this);
      try {
        cluster.startProcesses();
        return cluster;
      } catch (RuntimeException | Error e) {
        cluster.close();
        throw e;
      } catch (InterruptedException e) {
        cluster.close();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the Flink cluster", e);
      } catch (IOException e) {
        cluster.close();
        throw new IllegalStateException("could not start a Flink cluster in " + workDir, e);
      }
    }
  }

  /** One JobManager or TaskManager process; stdin is its lifeline. */
  private record Child(String name, Process process, OutputStream lifeline, Path log, Path out) {}

  // Synchronized with close(): the shutdown hook may fire while the processes are starting.
  private synchronized void startProcesses() throws IOException, InterruptedException {
    long started = System.nanoTime();
    Files.createDirectories(workDir);
    lockWorkDir();
    Runtime.getRuntime().addShutdownHook(shutdownHook);

    List<Path> flink = flinkClasspath(options.classpath);
    Path conf = Files.createDirectories(workDir.resolve("conf"));
    Path logs = Files.createDirectories(workDir.resolve("log"));
    Path tmp = Files.createDirectories(workDir.resolve("tmp"));
    Files.createDirectories(checkpointDirectory());
    Files.createDirectories(savepointDirectory());
    Path launcher = installLauncher(workDir.resolve("launcher"));

    int[] ports = FreePorts.onLoopback(2);
    restPort = ports[0];
    Map<String, String> settings = settings(restPort, ports[1], tmp);
    Files.writeString(conf.resolve("config.yaml"), configYaml(settings));
    Files.writeString(conf.resolve("log4j.properties"), LOG4J2_CONFIG);

    // What Flink's scripts get from BashJavaUtils: JVM flags and the derived memory settings.
    Configuration memory = Configuration.fromMap(settings);
    JobManagerProcessSpec jm = JobManagerProcessUtils.processSpecFromConfig(memory);
    TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(memory);
    String classpath =
        Stream.concat(Stream.of(launcher), flink.stream())
            .map(Path::toString)
            .collect(Collectors.joining(File.pathSeparator));

    children.add(
        launch(
            "jobmanager",
            JOB_MANAGER_MAIN,
            words(JobManagerProcessUtils.generateJvmParametersStr(jm, memory)),
            words(JobManagerProcessUtils.generateDynamicConfigsStr(jm)),
            classpath,
            conf,
            logs,
            tmp));
    for (int i = 1; i <= options.taskManagers; i++) {
      List<String> dynamic =
          new ArrayList<>(words(TaskExecutorProcessUtils.generateDynamicConfigsStr(tm)));
      dynamic.addAll(List.of("-D", "taskmanager.resource-id=taskmanager-" + i));
      // The web UI's log of this TaskManager (see launch: it has no log.file property).
      dynamic.addAll(
          List.of("-D", "taskmanager.log.path=" + logs.resolve("taskmanager-" + i + ".log")));
      children.add(
          launch(
              "taskmanager-" + i,
              TASK_MANAGER_MAIN,
              words(ProcessMemoryUtils.generateJvmParametersStr(tm)),
              dynamic,
              classpath,
              conf,
              logs,
              tmp));
    }
    rest = new FlinkRestClient(restUrl());
    awaitReady();
    LOG.info(
        "Flink session cluster up in {} ms: web UI {}, {} TaskManager(s) with {} slot(s) each,"
            + " work directory {}",
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        restUrl(),
        options.taskManagers,
        options.slotsPerTaskManager,
        workDir);
  }

  private Map<String, String> settings(int restPort, int rpcPort, Path tmp) {
    Map<String, String> s = new TreeMap<>();
    s.put("jobmanager.rpc.address", FreePorts.LOOPBACK.getHostAddress());
    s.put("jobmanager.rpc.port", Integer.toString(rpcPort));
    s.put("jobmanager.bind-host", FreePorts.LOOPBACK.getHostAddress());
    s.put("jobmanager.memory.process.size", options.jobManagerMemory);
    s.put("taskmanager.host", FreePorts.LOOPBACK.getHostAddress());
    s.put("taskmanager.bind-host", FreePorts.LOOPBACK.getHostAddress());
    s.put("taskmanager.numberOfTaskSlots", Integer.toString(options.slotsPerTaskManager));
    s.put("taskmanager.memory.process.size", options.taskManagerMemory);
    // Spreads a job's slots over the TaskManagers, so that its tasks exchange records between
    // processes even at a small parallelism.
    s.put("taskmanager.load-balance.mode", "SLOTS");
    // The TaskManagers start together with the JobManager; one that looks for the resource manager
    // before it is up would otherwise wait 10 s before looking again.
    s.put("cluster.registration.error-delay", "1s");
    s.put("rest.address", FreePorts.LOOPBACK.getHostAddress());
    s.put("rest.bind-address", FreePorts.LOOPBACK.getHostAddress());
    s.put("rest.port", Integer.toString(restPort));
    s.put("io.tmp.dirs", tmp.toString());
    s.put("web.tmpdir", tmp.resolve("web").toString());
    s.put("state.backend.type", "rocksdb");
    s.put("execution.checkpointing.incremental", "true");
    s.put("state.backend.rocksdb.use-bloom-filter", "true");
    s.put("execution.checkpointing.dir", checkpointDirectory().toUri().toString());
    s.put("execution.checkpointing.savepoint-dir", savepointDirectory().toUri().toString());
    s.put("execution.checkpointing.interval", "10s");
    s.put("execution.checkpointing.externalized-checkpoint-retention", "RETAIN_ON_CANCELLATION");
    s.put("pipeline.max-parallelism", "128");
    // A killed TaskManager is noticed by heartbeat (50 s): until then restarts are scheduled on its
    // slots and fail. The attempts span twice that, so the job waits the loss out and carries on
    // on the TaskManagers left (docs/reliability.md, "Cluster"); a job that cannot run still
    // fails within about two minutes.
    s.put("restart-strategy.type", "fixed-delay");
    s.put("restart-strategy.fixed-delay.attempts", "20");
    s.put("restart-strategy.fixed-delay.delay", "5s");
    // For the record only: the processes get these options directly (see launch).
    s.put("env.java.opts.all", String.join(" ", JAVA_OPTIONS));
    s.putAll(options.settings);
    return s;
  }

  /** Flat keys, every value a quoted YAML string: what Flink's {@code config.yaml} parser reads. */
  static String configYaml(Map<String, String> settings) {
    StringBuilder text =
        new StringBuilder("# Written by cdrflow's LocalFlinkCluster at each start.\n");
    new TreeMap<>(settings)
        .forEach(
            (k, v) ->
                text.append(k)
                    .append(": \"")
                    .append(v.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\"\n"));
    return text.toString();
  }

  private Child launch(
      String name,
      String mainClass,
      List<String> memoryFlags,
      List<String> dynamicSettings,
      String classpath,
      Path conf,
      Path logs,
      Path tmp)
      throws IOException {
    Path log = keepPrevious(logs.resolve(name + ".log"));
    Path out = keepPrevious(logs.resolve(name + ".out"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(memoryFlags);
    command.addAll(JAVA_OPTIONS);
    command.add("-Djava.awt.headless=true");
    command.add("-Djava.io.tmpdir=" + tmp);
    // cdrflow.cluster.log.file: where the log4j configuration below writes. Flink's usual log.file
    // is set
    // for the JobManager only (the web UI shows it as its log): in a TaskManager, RocksDB would
    // move its own LOG next to it, named after the instance's whole path, and a restored job's
    // path makes that name longer than the 255 bytes a file name may have (docs/reliability.md,
    // "Cluster"). The TaskManager's web UI log comes from taskmanager.log.path instead.
    command.add("-D" + LOG_FILE_PROPERTY + "=" + log);
    if (mainClass.equals(JOB_MANAGER_MAIN)) {
      command.add("-Dlog.file=" + log);
    }
    command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties"));
    command.add("-cp");
    command.add(classpath);
    command.add(FlinkProcess.class.getName());
    command.add(mainClass);
    command.add("--configDir");
    command.add(conf.toString());
    command.addAll(dynamicSettings);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            // A file, not a pipe: nobody would drain a pipe, and a full one stalls the process.
            .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()))
            .start();
    LOG.info("Flink {} starting as pid {}, log in {}", name, process.pid(), log);
    return new Child(name, process, process.getOutputStream(), log, out);
  }

  /** Moves the file of the previous start aside ({@code <name>.1}); returns {@code file}. */
  private static Path keepPrevious(Path file) throws IOException {
    if (Files.exists(file)) {
      Files.move(
          file,
          file.resolveSibling(file.getFileName() + ".1"),
          StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + options.startTimeout.toNanos();
    int slots = options.taskManagers * options.slotsPerTaskManager;
    Object last = "no answer";
    while (true) {
      for (Child child : children) {
        if (!child.process().isAlive()) {
          throw new IllegalStateException(
              "Flink "
                  + child.name()
                  + " exited with status "
                  + child.process().exitValue()
                  + " while starting; last lines of its log and output:\n"
                  + tails(child));
        }
      }
      try {
        FlinkRestClient.Overview o = rest.overview();
        if (o.taskManagers() == options.taskManagers && o.slotsTotal() == slots) {
          return;
        }
        last = o;
      } catch (IOException | RuntimeException e) {
        last = e; // the REST endpoint is not up yet
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "the Flink cluster did not report "
                + options.taskManagers
                + " TaskManager(s) with "
                + slots
                + " slots within "
                + options.startTimeout.toSeconds()
                + " s (last: "
                + last
                + "); last lines of the JobManager's log:\n"
                + tails(children.get(0)));
      }
      Thread.sleep(200);
    }
  }

  private static String tails(Child child) {
    return ServerProcesses.tail(child.log(), LOG_TAIL_LINES)
        + "\n"
        + ServerProcesses.tail(child.out(), LOG_TAIL_LINES);
  }

  private void lockWorkDir() throws IOException {
    lockKey = workDir.toRealPath();
    // A second channel on the lock file must not even be opened in this JVM: closing it would
    // drop the lock that the first one holds.
    if (!LOCKED_IN_THIS_JVM.add(lockKey)) {
      lockKey = null;
      throw workDirInUse();
    }
    lockChannel =
        FileChannel.open(
            workDir.resolve("cluster.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw workDirInUse();
    }
  }

  private IllegalStateException workDirInUse() {
    return new IllegalStateException(
        "work directory " + workDir + " is in use by another running Flink cluster");
  }

  /**
   * The entries of {@code candidates} that a Flink distribution would hold: everything but the
   * job's and the command line's own (see {@link #APPLICATION_PACKAGES}); entries that do not exist
   * are skipped. Fails, naming what is missing, unless Flink's runtime, clients, streaming API, web
   * submission, RocksDB state backend and log4j binding are among the rest.
   */
  public static List<Path> flinkClasspath(Collection<Path> candidates) {
    List<Path> kept = new ArrayList<>();
    Set<String> found = ConcurrentHashMap.newKeySet();
    for (Path entry : candidates) {
      Path path = entry.toAbsolutePath().normalize();
      if (Files.isDirectory(path)) {
        if (APPLICATION_PACKAGES.stream().noneMatch(p -> Files.isDirectory(path.resolve(p)))) {
          kept.add(path);
          REQUIRED_CLASSES.keySet().stream()
              .filter(c -> Files.exists(path.resolve(c)))
              .forEach(found::add);
        }
      } else if (Files.isRegularFile(path) && path.toString().endsWith(".jar")) {
        if (!holdsApplicationClasses(path)) {
          kept.add(path);
          REQUIRED_CLASSES.keySet().stream().filter(c -> hasEntry(path, c)).forEach(found::add);
        }
      }
    }
    List<String> missing =
        REQUIRED_CLASSES.entrySet().stream()
            .filter(e -> !found.contains(e.getKey()))
            .map(e -> e.getValue().startsWith("log4j") ? e.getValue() : "flink-" + e.getValue())
            .toList();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "the class path to start Flink from lacks "
              + missing
              + "; it needs the jars of flink-clients, flink-streaming-java, flink-runtime-web,"
              + " flink-statebackend-rocksdb and log4j (the command line's lib directory holds"
              + " them)");
    }
    return kept;
  }

  private static boolean holdsApplicationClasses(Path jar) {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        String name = entries.nextElement().getName();
        for (String p : APPLICATION_PACKAGES) {
          if (name.startsWith(p)) {
            return true;
          }
        }
      }
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + jar, e);
    }
  }

  private static boolean hasEntry(Path jar, String name) {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.getEntry(name) != null;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + jar, e);
    }
  }

  /**
   * Copies the class file of {@link FlinkProcess} into {@code dir} (in its package's directory),
   * the only class of ours on the cluster's class path.
   */
  static Path installLauncher(Path dir) throws IOException {
    String resource = FlinkProcess.class.getName().replace('.', '/') + ".class";
    Path target = dir.resolve(resource);
    Files.createDirectories(target.getParent());
    try (InputStream in = FlinkProcess.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("class file " + resource + " not found");
      }
      Files.write(target, in.readAllBytes());
    }
    return dir;
  }

  private static List<String> words(String flags) {
    return Arrays.stream(flags.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
  }

  private static List<Path> entriesOf(String classpath) {
    return classpath == null
        ? List.of()
        : Arrays.stream(classpath.split(File.pathSeparator))
            .filter(e -> !e.isEmpty())
            .map(Path::of)
            .toList();
  }

  /** The URL of the REST API and web UI, {@code http://127.0.0.1:<port>}. */
  public String restUrl() {
    return "http://" + FreePorts.LOOPBACK.getHostAddress() + ":" + restPort;
  }

  /** A client of this cluster's REST API. */
  public FlinkRestClient rest() {
    return rest;
  }

  public Path workDir() {
    return workDir;
  }

  /** The default target of savepoints ({@code execution.checkpointing.savepoint-dir}). */
  public Path savepointDirectory() {
    return workDir.resolve("state").resolve("savepoints");
  }

  /** Where the jobs' checkpoints go ({@code execution.checkpointing.dir}). */
  public Path checkpointDirectory() {
    return workDir.resolve("state").resolve("checkpoints");
  }

  /** The directory of the processes' logs. */
  public Path logDirectory() {
    return workDir.resolve("log");
  }

  public int taskManagers() {
    return options.taskManagers;
  }

  /**
   * The process of the JobManager ({@code "jobmanager"}) or of a TaskManager ({@code
   * "taskmanager-N"}, as {@code taskmanager.resource-id} names it), e.g. to kill it as a crash
   * would (StandaloneClusterIT, docs/reliability.md).
   */
  public synchronized ProcessHandle process(String name) {
    return children.stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .map(c -> c.process().toHandle())
        .orElseThrow(() -> new IllegalArgumentException("no Flink process named " + name));
  }

  public int slotsPerTaskManager() {
    return options.slotsPerTaskManager;
  }

  /**
   * Stops every process: closes their stdin, which makes each exit through Flink's own shutdown;
   * forces those that take longer than 40 s. A running job is suspended, not cancelled: its
   * retained checkpoints stay.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // Already shutting down: this is the hook.
    }
    for (Child child : children) {
      try {
        child.lifeline().close();
      } catch (IOException e) {
        // Already closed or the child is gone; either way it is shutting down.
      }
    }
    for (Child child : children) {
      stop(child);
    }
    releaseLock();
    if (!children.isEmpty()) {
      LOG.info("Flink session cluster in {} stopped", workDir);
    }
  }

  private static void stop(Child child) {
    Process p = child.process();
    try {
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Flink {} (pid {}) did not stop in time; terminating it", child.name(), p.pid());
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
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
      LOG.debug("could not release the lock of {}", workDir, e);
    } finally {
      if (lockKey != null) {
        LOCKED_IN_THIS_JVM.remove(lockKey);
      }
    }
  }

  private static final String LOG_FILE_PROPERTY = "cdrflow.cluster.log.file";

  // Flink's own log4j layout (conf/log4j.properties of its distribution), in one file per process
  // and start. Kafka clients log their whole configuration at INFO whenever one is created.
  private static final String LOG4J2_CONFIG =
      String.join(
          "\n",
          "monitorInterval = 0",
          "rootLogger.level = INFO",
          "rootLogger.appenderRef.file.ref = MainAppender",
          "logger.pekko.name = org.apache.pekko",
          "logger.pekko.level = INFO",
          "logger.kafka.name = org.apache.kafka",
          "logger.kafka.level = WARN",
          "logger.shaded_zookeeper.name = org.apache.flink.shaded.zookeeper3",
          "logger.shaded_zookeeper.level = INFO",
          "logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline",
          "logger.netty.level = OFF",
          "appender.main.name = MainAppender",
          "appender.main.type = File",
          // Appending: classes of Flink's RPC system log through a logger context of their own,
          // which
          // opens the same file a second time.
          "appender.main.append = true",
          "appender.main.fileName = ${sys:" + LOG_FILE_PROPERTY + "}",
          "appender.main.layout.type = PatternLayout",
          "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
          "");
}
