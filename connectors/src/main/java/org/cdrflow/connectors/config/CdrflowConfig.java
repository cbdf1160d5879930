package org.cdrflow.connectors.config;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The configuration every command and job reads: Java properties, keys documented in the README
 * ("Configuration"). Without Kafka or JDBC keys the commands use the embedded local stack.
 * Passwords may also come from the environment ({@code CDRFLOW_JDBC_PASSWORD}) so that they need
 * not sit in a file.
 */
public final class CdrflowConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String HOME_OPERATOR_ID = "home.operator-id";
  public static final String KAFKA_BOOTSTRAP = "kafka.bootstrap.servers";
  public static final String TOPIC_RAW = "kafka.topic.raw";
  public static final String TOPIC_RAW_PARTITIONS = "kafka.topic.raw.partitions";
  public static final String TOPIC_REJECTED = "kafka.topic.rejected";
  public static final String TOPIC_NOTIFICATIONS = "kafka.topic.notifications";
  public static final String TOPIC_FRAUD_ALERTS = "kafka.topic.fraud-alerts";
  public static final String KAFKA_GROUP_ID = "kafka.group.id";

  /**
   * Directory of {@code <id>.avsc} RawCdr writer schemas for values in the schema-registry wire
   * format on the raw topic (docs/decisions.md); unset: single-object encoding only.
   */
  public static final String KAFKA_REGISTRY_SCHEMAS = "kafka.registry-schemas.dir";

  public static final String JDBC_URL = "jdbc.url";
  public static final String JDBC_USER = "jdbc.user";
  public static final String JDBC_PASSWORD = "jdbc.password";

  /** The environment variable that holds the database password when the configuration does not. */
  public static final String JDBC_PASSWORD_VARIABLE = "CDRFLOW_JDBC_PASSWORD";

  public static final String WATERMARK_OUT_OF_ORDERNESS = "watermark.out-of-orderness";
  public static final String WATERMARK_IDLENESS = "watermark.idleness";
  public static final String PARTIAL_TIMEOUT = "partial.timeout";
  public static final String DEDUP_WINDOW = "dedup.window";
  public static final String REFERENCE_REFRESH = "reference.refresh-interval";
  public static final String PARALLELISM = "job.parallelism";
  public static final String CHECKPOINT_INTERVAL = "checkpoint.interval";

  /** Checkpoint interval of jobs run on the local MiniCluster (replay, demo, reprocess). */
  public static final String LOCAL_CHECKPOINT_INTERVAL = "local.checkpoint-interval";

  /** How often the streaming job checks its audit against the tables (docs/reliability.md). */
  public static final String AUDIT_CHECK_INTERVAL = "audit.check-interval";

  /** Rows younger than this may legitimately be ahead of the audit in that check. */
  public static final String AUDIT_CHECK_IN_FLIGHT = "audit.check-in-flight";

  /**
   * How often keyed state is checked for its end (docs/architecture.md, "State that ends"); empty:
   * a day for subscriptions, an hour for settlement days and audit hours.
   */
  public static final String STATE_END_CHECK_INTERVAL = "state.end-check-interval";

  public static final String SINK_BATCH_SIZE = "sink.batch-size";
  public static final String SINK_BATCH_INTERVAL = "sink.batch-interval";

  /** Reconciliation: how far apart two starts may be and still match (docs/reconciliation.md). */
  public static final String RECONCILE_TOLERANCE_START = "reconcile.tolerance.start";

  /** Reconciliation: how far apart two durations may be and still match. */
  public static final String RECONCILE_TOLERANCE_DURATION = "reconcile.tolerance.duration";

  /** Reconciliation: how far apart two amounts may be and still match (a decimal). */
  public static final String RECONCILE_TOLERANCE_AMOUNT = "reconcile.tolerance.amount";

  /** Reconciliation: how far apart two starts may be for the calls to be paired at all. */
  public static final String RECONCILE_PAIRING_WINDOW = "reconcile.pairing-window";

  /**
   * Event time past a billing period's end after which the streaming job treats the period as
   * complete (docs/interfaces.md, "Period readiness").
   */
  public static final String PERIOD_LATENESS = "period.lateness";

  /**
   * Whether the streaming job runs its abnormal-usage detection stage (docs/fraud.md); {@code
   * false} leaves the stage out of the job, which is how {@code bench} measures what it costs.
   */
  public static final String FRAUD_DETECTION_ENABLED = "fraud.detection.enabled";

  /**
   * How many subscriptions the detection stage keeps on the heap per subtask when the keyed state
   * is in RocksDB (docs/fraud.md, "State"): about 1 KB each; more active subscriptions per subtask
   * than this read and write RocksDB again.
   */
  public static final String FRAUD_CACHED_SUBSCRIPTIONS = "fraud.detection.cached-subscriptions";

  /**
   * Crash tests only: {@code replay} feeds at most this many records a second, so that a kill lands
   * in the middle of the feed (docs/reliability.md, "Crash anywhere, run it again").
   */
  public static final String TESTING_FEED_RATE = "testing.feed-records-per-second";

  /** Kafka client settings beyond the bootstrap servers (SASL, SSL…) go under this prefix. */
  public static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

  private static final Map<String, String> DEFAULTS =
      Map.ofEntries(
          Map.entry(HOME_OPERATOR_ID, "HOME"),
          Map.entry(TOPIC_RAW, "cdr.raw"),
          Map.entry(TOPIC_RAW_PARTITIONS, "1"),
          Map.entry(TOPIC_REJECTED, "cdr.rejected"),
          Map.entry(TOPIC_NOTIFICATIONS, "cdr.notifications"),
          Map.entry(TOPIC_FRAUD_ALERTS, "cdr.fraud-alerts"),
          Map.entry(KAFKA_GROUP_ID, "cdrflow-mediation"),
          Map.entry(WATERMARK_OUT_OF_ORDERNESS, "PT2M"),
          Map.entry(WATERMARK_IDLENESS, "PT30S"),
          Map.entry(PARTIAL_TIMEOUT, "PT6H"),
          Map.entry(DEDUP_WINDOW, "P7D"),
          Map.entry(REFERENCE_REFRESH, "PT30S"),
          Map.entry(PARALLELISM, "2"),
          Map.entry(CHECKPOINT_INTERVAL, "PT10S"),
          Map.entry(LOCAL_CHECKPOINT_INTERVAL, "PT1S"),
          Map.entry(AUDIT_CHECK_INTERVAL, "PT5M"),
          Map.entry(AUDIT_CHECK_IN_FLIGHT, "PT15M"),
          Map.entry(SINK_BATCH_SIZE, "2000"),
          Map.entry(SINK_BATCH_INTERVAL, "PT0.5S"),
          Map.entry(RECONCILE_TOLERANCE_START, "PT5S"),
          Map.entry(RECONCILE_TOLERANCE_DURATION, "PT1S"),
          Map.entry(RECONCILE_TOLERANCE_AMOUNT, "0.01"),
          Map.entry(RECONCILE_PAIRING_WINDOW, "PT10M"),
          Map.entry(PERIOD_LATENESS, "P3D"),
          Map.entry(FRAUD_DETECTION_ENABLED, "true"),
          Map.entry(FRAUD_CACHED_SUBSCRIPTIONS, "16384"));

  /**
   * Config key of the streaming job (StateLineage): rebuild aggregates on a start without state.
   */
  public static final String AGGREGATES_REBUILD = "aggregates.rebuild";

  /** Config key of the anonymisation job (read by it): pending rows per committed split. */
  public static final String ANONYMISATION_BATCH_ROWS = "anonymisation.batch-rows";

  /**
   * Every key a configuration may hold (README, "Configuration"), besides those under {@value
   * #KAFKA_CLIENT_PREFIX}. A key added to the code must be added here and to the README: the
   * command line refuses keys it does not know, so that a misspelt key is not silently ignored.
   */
  public static final Set<String> KNOWN_KEYS =
      Set.of(
          HOME_OPERATOR_ID,
          KAFKA_BOOTSTRAP,
          TOPIC_RAW,
          TOPIC_RAW_PARTITIONS,
          TOPIC_REJECTED,
          TOPIC_NOTIFICATIONS,
          TOPIC_FRAUD_ALERTS,
          KAFKA_REGISTRY_SCHEMAS,
          KAFKA_GROUP_ID,
          JDBC_URL,
          JDBC_USER,
          JDBC_PASSWORD,
          WATERMARK_OUT_OF_ORDERNESS,
          WATERMARK_IDLENESS,
          PARTIAL_TIMEOUT,
          DEDUP_WINDOW,
          REFERENCE_REFRESH,
          PARALLELISM,
          CHECKPOINT_INTERVAL,
          LOCAL_CHECKPOINT_INTERVAL,
          AUDIT_CHECK_INTERVAL,
          AUDIT_CHECK_IN_FLIGHT,
          AGGREGATES_REBUILD,
          STATE_END_CHECK_INTERVAL,
          SINK_BATCH_SIZE,
          SINK_BATCH_INTERVAL,
          ANONYMISATION_BATCH_ROWS,
          RECONCILE_TOLERANCE_START,
          RECONCILE_TOLERANCE_DURATION,
          RECONCILE_TOLERANCE_AMOUNT,
          RECONCILE_PAIRING_WINDOW,
          PERIOD_LATENESS,
          TESTING_FEED_RATE,
          FRAUD_DETECTION_ENABLED,
          FRAUD_CACHED_SUBSCRIPTIONS);

  private final TreeMap<String, String> values = new TreeMap<>();

  private CdrflowConfig(Map<String, String> values) {
    this.values.putAll(values);
  }

  public static CdrflowConfig defaults() {
    return new CdrflowConfig(Map.of());
  }

  public static CdrflowConfig of(Map<String, String> values) {
    return new CdrflowConfig(values);
  }

  public static CdrflowConfig load(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    Map<String, String> m = new TreeMap<>();
    p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
    return new CdrflowConfig(m);
  }

  /** The keys this configuration holds that are neither known nor Kafka client settings. */
  public Set<String> unknownKeys() {
    Set<String> unknown = new TreeSet<>();
    for (String k : values.keySet()) {
      if (!KNOWN_KEYS.contains(k) && !k.startsWith(KAFKA_CLIENT_PREFIX)) {
        unknown.add(k);
      }
    }
    return unknown;
  }

  /** A copy with {@code overrides} applied (e.g. the embedded stack's addresses). */
  public CdrflowConfig with(Map<String, String> overrides) {
    Map<String, String> m = new TreeMap<>(values);
    m.putAll(overrides);
    return new CdrflowConfig(m);
  }

  public String get(String key) {
    String v = values.get(key);
    if (v == null || v.isEmpty()) {
      if (JDBC_PASSWORD.equals(key)) {
        String env = System.getenv(JDBC_PASSWORD_VARIABLE);
        if (env != null) {
          return env;
        }
      }
      return DEFAULTS.get(key);
    }
    return v;
  }

  public String require(String key) {
    String v = get(key);
    if (v == null) {
      throw new IllegalArgumentException("configuration key '" + key + "' is required");
    }
    return v;
  }

  public Duration duration(String key) {
    String v = require(key);
    try {
      return Duration.parse(v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "configuration key '" + key + "' must be an ISO-8601 duration such as PT2M", e);
    }
  }

  public int integer(String key) {
    String v = require(key);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration key '" + key + "' must be a whole number");
    }
  }

  /** True when the configuration names an external Kafka cluster (else: the embedded stack). */
  public boolean hasKafka() {
    return get(KAFKA_BOOTSTRAP) != null;
  }

  /** True when the configuration names an external database (else: the embedded stack). */
  public boolean hasJdbc() {
    return get(JDBC_URL) != null;
  }

  /**
   * Where and as whom to connect. A password given in the configuration travels with the settings;
   * one given in the environment ({@value #JDBC_PASSWORD_VARIABLE}) is read from the environment of
   * whichever process connects, so that it is never part of a job graph that Flink ships to its
   * TaskManagers and keeps in its HA storage (docs/decisions.md, known limitation 1).
   */
  public JdbcSettings jdbc() {
    String inConfig = values.get(JDBC_PASSWORD);
    if ((inConfig == null || inConfig.isEmpty()) && System.getenv(JDBC_PASSWORD_VARIABLE) != null) {
      return JdbcSettings.passwordFromEnvironment(
          require(JDBC_URL), get(JDBC_USER), JDBC_PASSWORD_VARIABLE);
    }
    return new JdbcSettings(require(JDBC_URL), get(JDBC_USER), get(JDBC_PASSWORD));
  }

  /** Extra Kafka client properties: every {@code kafka.client.X} key as {@code X}. */
  public Properties kafkaClientProperties() {
    Properties p = new Properties();
    values.forEach(
        (k, v) -> {
          if (k.startsWith(KAFKA_CLIENT_PREFIX)) {
            p.setProperty(k.substring(KAFKA_CLIENT_PREFIX.length()), v);
          }
        });
    return p;
  }

  /**
   * Whether the configuration itself (not the environment) holds a password or JAAS secret. A value
   * that takes its secret from the environment ({@code ${env:NAME}}, resolved by the Kafka client)
   * holds none.
   */
  public boolean holdsSecret() {
    return values.entrySet().stream()
        .anyMatch(e -> isSecret(e.getKey()) && !e.getValue().contains("${env:"));
  }

  private static boolean isSecret(String key) {
    return key.contains("password") || key.contains("jaas");
  }

  /** Settings for logging: every key with its value, passwords masked. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    values.forEach(
        (k, v) -> sb.append(k).append('=').append(isSecret(k) ? "****" : v).append('\n'));
    return sb.toString();
  }

  /**
   * Where and as whom to connect to PostgreSQL. The password is either the value itself ({@code
   * password}) or the name of an environment variable read when a connection is made ({@code
   * passwordVariable}); {@link #password()} gives the value either way.
   */
  public record JdbcSettings(String url, String user, String password, String passwordVariable)
      implements Serializable {
    public JdbcSettings(String url, String user, String password) {
      this(url, user, password, null);
    }

    /** Settings whose password is read from {@code variable} in the connecting process. */
    public static JdbcSettings passwordFromEnvironment(String url, String user, String variable) {
      return new JdbcSettings(url, user, null, variable);
    }

    /** The password: the value given, else the environment variable's value here, else null. */
    @Override
    public String password() {
      if (password != null || passwordVariable == null) {
        return password;
      }
      return System.getenv(passwordVariable);
    }

    /**
     * A connection whose errors never quote statement values: by default the PostgreSQL driver puts
     * a failed statement with every bound value (subscriber numbers) into its exception, which
     * would then reach logs and the command line (docs/decisions.md).
     */
    public java.sql.Connection connect() throws java.sql.SQLException {
      java.util.Properties p = new java.util.Properties();
      if (user != null) {
        p.setProperty("user", user);
      }
      String secret = password();
      if (secret != null) {
        p.setProperty("password", secret);
      }
      p.setProperty("logServerErrorDetail", "false");
      return java.sql.DriverManager.getConnection(url, p);
    }

    @Override
    public String toString() {
      return "JdbcSettings[url=" + url + ", user=" + user + "]";
    }
  }
}
