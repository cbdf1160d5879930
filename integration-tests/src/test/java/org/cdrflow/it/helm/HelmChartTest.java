package org.cdrflow.it.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart (docs/operations.md) as the real Helm engine renders it: lint, default and
 * production values, the FlinkDeployment against the operator's own CRD schema, the anonymisation
 * CronJob, the migration hook, credentials only from Secrets, and values that the chart refuses.
 */
class HelmChartTest {
  private static final String CONFIG_DIR = "/opt/cdrflow/config";

  /** The shortest five consecutive months (February to June of a common year). */
  private static final Duration FIVE_MONTHS_AT_LEAST = Duration.ofDays(150);

  private static Path chart;
  private static Path productionValues;
  private static RenderedChart defaults;
  private static RenderedChart production;

  @TempDir Path work;

  @BeforeAll
  static void render(@TempDir Path work) {
    chart = RenderedChart.chartDir();
    productionValues = chart.resolve("values-production.yaml");
    defaults = RenderedChart.render(null, work);
    production = RenderedChart.render(productionValues, work);
  }

  @Test
  void lintPassesStrictly() {
    LintResult lint = new Helm(chart).lint().strict().call();
    assertFalse(lint.isFailed(), "helm lint --strict: " + lint.getMessages());
    for (String message : lint.getMessages()) {
      assertFalse(
          message.contains("[ERROR]") || message.contains("[WARNING]"),
          "helm lint --strict: " + message);
    }
  }

  @Test
  void defaultValuesRenderTheJobsAndNothingOptional() {
    assertKinds(defaults, "ConfigMap", "CronJob", "FlinkDeployment", "Job");
    assertTrue(defaults.ofKind("KafkaTopic").isEmpty());
    assertTrue(defaults.ofKind("PodMonitor").isEmpty());
    assertTrue(defaults.ofKind("ServiceAccount").isEmpty(), "the operator's 'flink' account");
  }

  @Test
  void productionValuesRenderTopicsAndMonitoring() {
    assertKinds(production, "ConfigMap", "CronJob", "FlinkDeployment", "Job", "KafkaTopic");
    assertEquals(4, production.ofKind("KafkaTopic").size());
    assertNotNull(production.one("PodMonitor"));
  }

  @Test
  void flinkDeploymentsMatchTheOperatorsCrdSchema() {
    OperatorCrd crd = flinkDeploymentCrd();
    for (RenderedChart rendered : List.of(defaults, production)) {
      JsonNode deployment = rendered.one("FlinkDeployment");
      assertEquals("flink.apache.org/v1beta1", deployment.path("apiVersion").asText());
      assertEquals(List.of(), crd.violations(deployment));
    }
    assertTrue(defaults.ofKind("FlinkSessionJob").isEmpty(), "the anonymisation is a CronJob");
  }

  /** collector.enabled renders the collector as a second job beside the streaming job. */
  @Test
  void theCollectorIsASecondFlinkDeploymentWhenEnabled() {
    assertEquals(1, defaults.ofKind("FlinkDeployment").size(), "no collector by default");
    RenderedChart rendered =
        RenderedChart.render(
            productionValues,
            Map.of(
                "collector.enabled",
                true,
                "collector.directory",
                "s3://cdrs/incoming",
                "collector.parallelism",
                2),
            work);
    assertEquals(2, rendered.ofKind("FlinkDeployment").size());
    String name = defaults.one("FlinkDeployment").path("metadata").path("name").asText();
    JsonNode streaming = rendered.named("FlinkDeployment", name);
    assertEquals(
        "org.cdrflow.jobs.StreamingJobMain",
        streaming.path("spec").path("job").path("entryClass").asText());
    JsonNode collector = rendered.named("FlinkDeployment", name + "-collector");
    JsonNode job = collector.path("spec").path("job");
    assertEquals("org.cdrflow.jobs.CollectorJobMain", job.path("entryClass").asText());
    assertEquals(
        List.of(
            "--config",
            CONFIG_DIR + "/cdrflow.properties",
            "--dir",
            "s3://cdrs/incoming",
            "--monitor-interval",
            "PT30S"),
        texts(job.path("args")));
    assertEquals(2, job.path("parallelism").asInt());
    assertEquals("local:///opt/flink/usrlib/cdrflow-job.jar", job.path("jarURI").asText());
    // The same durable state and image as the streaming job.
    assertEquals(
        streaming.path("spec").path("flinkConfiguration"),
        collector.path("spec").path("flinkConfiguration"));
    assertEquals(streaming.path("spec").path("image"), collector.path("spec").path("image"));

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> renderWith(Map.of("collector.enabled", true)));
    assertTrue(e.getMessage().contains("collector.directory"), e.getMessage());
    // Against the operator's CRD schema where it is at hand (as the streaming job's case).
    if (OperatorCrd.directory().isPresent()) {
      assertEquals(List.of(), flinkDeploymentCrd().violations(collector));
    }
  }

  /** The schema check would catch what the API server silently drops or refuses. */
  @Test
  void theCrdSchemaCheckFindsAMisspeltFieldAndAnUnknownFlinkVersion() {
    OperatorCrd crd = flinkDeploymentCrd();
    ObjectNode misspelt = production.one("FlinkDeployment").deepCopy();
    ((ObjectNode) misspelt.path("spec").path("job")).put("paralelism", 4);
    assertFalse(crd.violations(misspelt).isEmpty(), "a misspelt field is reported");

    ObjectNode oldFlink = production.one("FlinkDeployment").deepCopy();
    ((ObjectNode) oldFlink.path("spec")).put("flinkVersion", "v2_9");
    assertFalse(crd.violations(oldFlink).isEmpty(), "an unknown version is reported");
  }

  @Test
  void theStreamingJobRunsFromTheImageWithDurableState() {
    JsonNode spec = production.one("FlinkDeployment").path("spec");
    JsonNode job = spec.path("job");
    assertEquals("local:///opt/flink/usrlib/cdrflow-job.jar", job.path("jarURI").asText());
    assertEquals("org.cdrflow.jobs.StreamingJobMain", job.path("entryClass").asText());
    assertEquals(List.of("--config", CONFIG_DIR + "/cdrflow.properties"), texts(job.path("args")));
    assertEquals("last-state", job.path("upgradeMode").asText());
    assertEquals(12, job.path("parallelism").asInt());
    assertEquals("v2_2", spec.path("flinkVersion").asText());

    JsonNode conf = spec.path("flinkConfiguration");
    assertEquals("kubernetes", conf.path("high-availability.type").asText());
    assertEquals("s3://cdrflow-state/ha", conf.path("high-availability.storageDir").asText());
    assertEquals("rocksdb", conf.path("state.backend.type").asText());
    assertEquals("true", conf.path("execution.checkpointing.incremental").asText());
    assertEquals(
        "true",
        conf.path("state.backend.rocksdb.use-bloom-filter").asText(),
        "most state lookups are for calls not seen yet");
    assertEquals(
        "s3://cdrflow-state/checkpoints", conf.path("execution.checkpointing.dir").asText());
    assertEquals(
        "s3://cdrflow-state/savepoints",
        conf.path("execution.checkpointing.savepoint-dir").asText());
    assertEquals("60s", conf.path("execution.checkpointing.interval").asText());
    assertEquals("exponential-delay", conf.path("restart-strategy.type").asText());
    assertEquals(
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
        conf.path("metrics.reporter.prom.factory.class").asText());
    assertEquals("4", conf.path("taskmanager.numberOfTaskSlots").asText());
    assertEquals("720", conf.path("pipeline.max-parallelism").asText());
    assertEquals("https://objects.telco.example", conf.path("s3.endpoint").asText());

    JsonNode pod = spec.path("podTemplate").path("spec");
    JsonNode main = container(pod, "flink-main-container");
    assertEquals(CONFIG_DIR, mountPath(main, configVolume(pod, "cdrflow-config")));
    assertEquals(9249, main.path("ports").get(0).path("containerPort").asInt());
  }

  @Test
  void theStreamingJobConfigurationNamesKafkaAndTheDatabaseButHoldsNoPassword() {
    Properties p = production.propertiesFile("cdrflow-config", "cdrflow.properties");
    assertEquals(
        "signalling-kafka-bootstrap.kafka.svc:9093", p.getProperty("kafka.bootstrap.servers"));
    assertTrue(p.getProperty("jdbc.url").startsWith("jdbc:postgresql://billing-db.db.svc:5432/"));
    assertEquals("cdrflow_mediation", p.getProperty("jdbc.user"));
    assertEquals("HOME", p.getProperty("home.operator-id"));
    assertEquals("cdr.raw", p.getProperty("kafka.topic.raw"));
    assertEquals("SASL_SSL", p.getProperty("kafka.client.security.protocol"));
    assertEquals("SCRAM-SHA-512", p.getProperty("kafka.client.sasl.mechanism"));
    assertEquals(
        "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
        p.getProperty("kafka.client.config.providers.env.class"));
    assertTrue(
        p.getProperty("kafka.client.sasl.jaas.config")
            .endsWith("username=\"cdrflow\" password=\"${env:CDRFLOW_KAFKA_PASSWORD}\";"),
        "the Kafka client reads the password from the environment");
    assertEquals(
        "/opt/cdrflow/kafka-tls/ca.crt", p.getProperty("kafka.client.ssl.truststore.location"));
    assertNull(p.getProperty("jdbc.password"));

    JsonNode main =
        container(
            production.one("FlinkDeployment").path("spec").path("podTemplate").path("spec"),
            "flink-main-container");
    assertSecretRef(main, "CDRFLOW_JDBC_PASSWORD", "cdrflow-db-mediation", "password");
    assertSecretRef(main, "CDRFLOW_KAFKA_PASSWORD", "cdrflow", "password");
    assertSecretRef(main, "AWS_SECRET_ACCESS_KEY", "cdrflow-state-bucket", "secret-access-key");
  }

  @Test
  void theAnonymisationRunsMonthlyInOsloTimeNeverTwiceAtOnce() {
    for (RenderedChart rendered : List.of(defaults, production)) {
      JsonNode cron = rendered.one("CronJob");
      assertEquals("batch/v1", cron.path("apiVersion").asText());
      JsonNode spec = cron.path("spec");
      assertEquals("0 2 1 * *", spec.path("schedule").asText());
      assertEquals("Europe/Oslo", spec.path("timeZone").asText());
      assertEquals("Forbid", spec.path("concurrencyPolicy").asText());

      JsonNode pod = spec.path("jobTemplate").path("spec").path("template").path("spec");
      assertEquals("Never", pod.path("restartPolicy").asText());
      JsonNode c = container(pod, "anonymise");
      assertEquals(List.of("cdrflow"), texts(c.path("command")));
      assertEquals(
          List.of("anonymise", "--config", CONFIG_DIR + "/anonymise.properties"),
          texts(c.path("args")));
      assertEquals(CONFIG_DIR, mountPath(c, configVolume(pod, "config")));
      assertSecretRef(c, "CDRFLOW_JDBC_PASSWORD", "cdrflow-db-anonymiser", "password");
    }
    Properties p = production.propertiesFile("cdrflow-config", "anonymise.properties");
    assertEquals("cdrflow_anonymiser", p.getProperty("jdbc.user"));
    assertEquals("4", p.getProperty("job.parallelism"));
    assertEquals("100000", p.getProperty("anonymisation.batch-rows"));
    assertNotNull(p.getProperty("jdbc.url"));
    assertNotNull(
        p.getProperty("kafka.bootstrap.servers"), "so that it never starts the embedded stack");
  }

  @Test
  void migrationsRunAsAHookBeforeInstallAndUpgrade() {
    for (RenderedChart rendered : List.of(defaults, production)) {
      JsonNode job = rendered.named("Job", "cdrflow-migrate");
      JsonNode annotations = job.path("metadata").path("annotations");
      assertEquals(
          Set.of("pre-install", "pre-upgrade"),
          Set.of(annotations.path("helm.sh/hook").asText().split(",")));

      JsonNode config = rendered.named("ConfigMap", "cdrflow-migrate");
      JsonNode configAnnotations = config.path("metadata").path("annotations");
      assertEquals(annotations.path("helm.sh/hook"), configAnnotations.path("helm.sh/hook"));
      assertTrue(
          configAnnotations.path("helm.sh/hook-weight").asInt()
              < annotations.path("helm.sh/hook-weight").asInt(),
          "the hook's configuration exists before the hook Job starts");

      JsonNode pod = job.path("spec").path("template").path("spec");
      JsonNode c = container(pod, "migrate");
      assertEquals(List.of("cdrflow"), texts(c.path("command")));
      assertEquals(
          List.of("migrate", "--config", CONFIG_DIR + "/migrate.properties"),
          texts(c.path("args")));
      assertEquals(CONFIG_DIR, mountPath(c, configVolume(pod, "config")));
      assertSecretRef(c, "CDRFLOW_JDBC_PASSWORD", "cdrflow-db-owner", "password");
    }
    Properties p = production.propertiesFile("cdrflow-migrate", "migrate.properties");
    assertEquals("cdrflow_owner", p.getProperty("jdbc.user"));
    assertTrue(p.getProperty("jdbc.url").startsWith("jdbc:postgresql://billing-db.db.svc:5432/"));
  }

  /** Every credential reaches a pod from an existing Secret; none is in the chart or its values. */
  @Test
  void credentialsComeOnlyFromExistingSecrets() throws IOException {
    Pattern credentialEnv = Pattern.compile("(?i).*(password|secret|token|jaas).*");
    Pattern credentialValue =
        Pattern.compile("(?i).*(password|passwd|token|jaas|secret|secretkey|accesskey|apikey)");
    for (RenderedChart rendered : List.of(defaults, production)) {
      assertTrue(rendered.ofKind("Secret").isEmpty(), "the chart creates no Secret");
      List<String> envNames = new ArrayList<>();
      forEachContainer(
          rendered,
          c ->
              c.path("env")
                  .forEach(
                      env -> {
                        String name = env.path("name").asText();
                        envNames.add(name);
                        if (credentialEnv.matcher(name).matches()) {
                          assertFalse(env.has("value"), name + " has a literal value");
                          assertTrue(
                              env.path("valueFrom").has("secretKeyRef"),
                              name + " comes from a Secret");
                        }
                      }));
      assertTrue(envNames.contains("CDRFLOW_JDBC_PASSWORD"), "containers were inspected");
      for (JsonNode map : rendered.ofKind("ConfigMap")) {
        for (Iterator<Map.Entry<String, JsonNode>> it = map.path("data").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> file = it.next();
          Properties p = new Properties();
          p.load(new StringReader(file.getValue().asText()));
          for (String k : p.stringPropertyNames()) {
            assertFalse(k.contains("password"), file.getKey() + " holds " + k);
            if (k.contains("jaas")) {
              assertTrue(
                  p.getProperty(k).contains("password=\"${env:"),
                  file.getKey() + ": " + k + " takes its password from the environment");
            }
          }
        }
      }
    }
    for (Path values : List.of(chart.resolve("values.yaml"), productionValues)) {
      for (String key : leafKeys(new YAMLMapper().readTree(values.toFile()), "")) {
        String leaf = key.substring(key.lastIndexOf('.') + 1);
        assertFalse(
            credentialValue.matcher(leaf).matches(),
            values.getFileName() + " holds a credential at " + key);
      }
    }
  }

  @Test
  void theSchemaRefusesAnUnknownKey() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> renderWith(Map.of("flink.paralellism", 4)));
    assertTrue(e.getMessage().contains("paralellism"), e.getMessage());

    assertThrows(
        IllegalStateException.class,
        () -> renderWith(Map.of("postgresql.mediation.password", "hunter2")),
        "a password in values is an unknown key");
  }

  @Test
  void theSchemaKeepsTopicRetentionBelowTheAnonymisationHorizon() {
    long justBelow = FIVE_MONTHS_AT_LEAST.toMillis() - 1;
    RenderedChart accepted =
        renderWith(
            Map.of(
                "kafka.strimziTopics.enabled",
                true,
                "kafka.strimziTopics.raw.retentionMs",
                justBelow));
    assertEquals(
        justBelow,
        accepted
            .named("KafkaTopic", "cdrflow-raw")
            .path("spec")
            .path("config")
            .path("retention.ms")
            .asLong());
    assertEquals(
        "cdr.raw",
        accepted.named("KafkaTopic", "cdrflow-raw").path("spec").path("topicName").asText());

    for (long refused :
        List.of(FIVE_MONTHS_AT_LEAST.toMillis(), Duration.ofDays(365).toMillis(), -1L)) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> renderWith(Map.of("kafka.strimziTopics.raw.retentionMs", refused)),
              "retention.ms " + refused);
      assertTrue(e.getMessage().contains("retentionMs"), e.getMessage());
    }
  }

  @Test
  void theChartRefusesValuesThatWouldBreakTheJobs() {
    assertThrows(
        IllegalStateException.class,
        () -> renderWith(Map.of("kafka.security.protocol", "SASL_SSL")));
    assertThrows(
        IllegalStateException.class,
        () -> renderWith(Map.of("anonymisation.schedule", "0 2 15 * *")));
    assertThrows(
        IllegalStateException.class, () -> renderWith(Map.of("flink.upgradeMode", "stateless")));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> renderWith(Map.of("flink.parallelism", 129)));
    assertTrue(e.getMessage().contains("maxParallelism"), e.getMessage());
  }

  @Test
  void theChartRefusesClustersWithoutCronJobTimeZones() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new Helm(chart)
                    .template()
                    .withName(RenderedChart.RELEASE)
                    .withKubeVersion("1.26.0")
                    .call());
    assertTrue(e.getMessage().contains("kubeVersion"), e.getMessage());
  }

  private static final List<String> ALERTS =
      List.of(
          "CdrflowAuditUnaccounted",
          "CdrflowAuditMismatch",
          "CdrflowRejectShareHigh",
          "CdrflowNoInput",
          "CdrflowConsumerLagGrowing",
          "CdrflowCheckpointsFailing",
          "CdrflowCheckpointTooOld",
          "CdrflowJobRestarting",
          "CdrflowReferenceDataStale",
          "CdrflowAnonymisationOverdue",
          "CdrflowFraudAlertOpen");

  /**
   * helm template knows no cluster APIs: "auto" renders no rule there, as on a cluster without the
   * Prometheus Operator; true renders them anyway, false never.
   */
  @Test
  void alertRulesRenderWhenTheApiExistsOrWhenForced() {
    assertTrue(defaults.ofKind("PrometheusRule").isEmpty(), "auto, without monitoring.coreos.com");
    assertTrue(
        renderWith(Map.of("metrics.prometheusRule.enabled", "false"))
            .ofKind("PrometheusRule")
            .isEmpty());
    JsonNode rule =
        renderWith(Map.of("metrics.prometheusRule.enabled", "true")).one("PrometheusRule");
    assertEquals("monitoring.coreos.com/v1", rule.path("apiVersion").asText());
    assertThrows(
        IllegalStateException.class,
        () -> renderWith(Map.of("metrics.prometheusRule.enabled", "sometimes")));
  }

  /** Every alert parses, has a runbook entry in docs/operations.md, and its thresholds tune. */
  @Test
  void everyAlertParsesAndHasARunbookEntry() throws IOException {
    String operations =
        Files.readString(RenderedChart.repositoryRoot().resolve("docs/operations.md"));
    Set<String> anchors = new HashSet<>();
    for (String line : operations.split("\n")) {
      if (line.startsWith("#")) {
        anchors.add(
            line.replaceFirst("^#+\\s*", "")
                .toLowerCase(java.util.Locale.ROOT)
                .replaceAll("[^a-z0-9 -]", "")
                .trim()
                .replace(' ', '-'));
      }
    }
    // A values file: helm's --set passes a decimal number as a string.
    Path tuned = work.resolve("tuned.yaml");
    Files.writeString(
        tuned,
        """
        metrics:
          prometheusRule:
            enabled: "true"
            rejectShare: 0.2
            runbookBaseUrl: https://docs.example.com/operations
        """);
    JsonNode rule = RenderedChart.render(tuned, work).one("PrometheusRule");
    List<String> alerts = new ArrayList<>();
    for (JsonNode group : rule.path("spec").path("groups")) {
      for (JsonNode r : group.path("rules")) {
        String alert = r.path("alert").asText();
        alerts.add(alert);
        String expr = r.path("expr").asText();
        assertFalse(PromQl.metricNames(expr).isEmpty() && !expr.contains("time()"), alert);
        String runbook = r.path("annotations").path("runbook").asText();
        assertTrue(runbook.startsWith("docs/operations.md#"), alert + ": " + runbook);
        String anchor = runbook.substring(runbook.indexOf('#') + 1);
        assertTrue(anchors.contains(anchor), alert + ": no heading for #" + anchor);
        assertEquals(
            "https://docs.example.com/operations#" + anchor,
            r.path("annotations").path("runbook_url").asText());
        assertTrue(
            Set.of("critical", "warning").contains(r.path("labels").path("severity").asText()));
        if (alert.equals("CdrflowRejectShareHigh")) {
          assertTrue(expr.endsWith("> 0.2"), expr);
        }
      }
    }
    assertEquals(ALERTS, alerts);
  }

  @Test
  void theDashboardShipsForGrafanasSidecar() throws IOException {
    JsonNode configMap = defaults.named("ConfigMap", "cdrflow-dashboard");
    assertEquals("1", configMap.path("metadata").path("labels").path("grafana_dashboard").asText());
    JsonNode dashboard = MetricsIT.dashboard(defaults);
    List<String> titles = new ArrayList<>();
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      titles.add(panel.path("title").asText());
      panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
    }
    assertEquals(List.of(), PromQl.problems(exprs));
    for (String topic :
        List.of(
            "Records in",
            "Output",
            "Rejects by reason",
            "Consumer lag",
            "Event-time lag",
            "State size",
            "Checkpoint duration",
            "Sink latency",
            "Audit unaccounted",
            "Anonymisation runs")) {
      assertTrue(titles.stream().anyMatch(t -> t.startsWith(topic)), topic + " in " + titles);
    }
    assertTrue(
        renderWith(Map.of("metrics.grafanaDashboard.enabled", false)).ofKind("ConfigMap").stream()
            .noneMatch(c -> c.path("data").has("cdrflow.json")));
  }

  /** Hardened pods: the same checks for every container the chart runs, Flink's and ours. */
  @Test
  void everyContainerIsHardened() {
    for (RenderedChart rendered : List.of(defaults, production)) {
      List<String> checked = new ArrayList<>();
      forEachContainer(
          rendered,
          c -> {
            String name = c.path("name").asText();
            checked.add(name);
            JsonNode sc = c.path("securityContext");
            assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true), name);
            assertEquals(List.of("ALL"), texts(sc.path("capabilities").path("drop")), name);
            assertEquals("RuntimeDefault", sc.path("seccompProfile").path("type").asText(), name);
            assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(false), name);
            assertTrue(sc.path("runAsNonRoot").asBoolean(false), name);
          });
      assertTrue(
          checked.containsAll(
              List.of("flink-main-container", "flink-plugins", "migrate", "anonymise")),
          "containers checked: " + checked);
      JsonNode pod = rendered.one("FlinkDeployment").path("spec").path("podTemplate").path("spec");
      assertEquals(
          "RuntimeDefault",
          pod.path("securityContext").path("seccompProfile").path("type").asText());
      JsonNode main = container(pod, "flink-main-container");
      for (Map.Entry<String, String> write :
          Map.of(
                  "flink-tmp", "/tmp",
                  "flink-log", "/opt/flink/log",
                  "flink-plugins", "/opt/flink/plugins")
              .entrySet()) {
        assertEquals(write.getValue(), mountPath(main, write.getKey()));
        assertTrue(volume(pod, write.getKey()).has("emptyDir"), write.getKey());
      }
      assertEquals(
          "/plugins",
          mountPath(container(pod, "flink-plugins"), "flink-plugins"),
          "plugins copied");
    }
    JsonNode writable =
        renderWith(Map.of("security.readOnlyRootFilesystem", false))
            .one("FlinkDeployment")
            .path("spec")
            .path("podTemplate")
            .path("spec");
    assertFalse(
        container(writable, "flink-main-container")
            .path("securityContext")
            .path("readOnlyRootFilesystem")
            .asBoolean(true));
    assertTrue(
        writable.path("initContainers").isMissingNode()
            || writable.path("initContainers").isEmpty());
  }

  @Test
  void theTmpVolumeTakesASizeLimit() {
    JsonNode pod =
        renderWith(Map.of("security.tmpSizeLimit", "20Gi"))
            .one("FlinkDeployment")
            .path("spec")
            .path("podTemplate")
            .path("spec");
    assertEquals("20Gi", volume(pod, "flink-tmp").path("emptyDir").path("sizeLimit").asText());
    JsonNode unlimited =
        defaults.one("FlinkDeployment").path("spec").path("podTemplate").path("spec");
    assertTrue(volume(unlimited, "flink-tmp").path("emptyDir").isObject(), "an object, not null");
  }

  @Test
  void theImageIsPinnedByDigestWhenOneIsGiven() {
    String digest = "sha256:" + "0123456789abcdef".repeat(4);
    RenderedChart pinned = renderWith(Map.of("image.digest", digest, "image.tag", "0.1.0"));
    String expected = "registry.example.com/cdrflow/cdrflow@" + digest;
    assertEquals(expected, pinned.one("FlinkDeployment").path("spec").path("image").asText());
    List<String> images = new ArrayList<>();
    forEachContainer(pinned, c -> images.add(c.path("image").asText()));
    images.removeIf(String::isEmpty); // the Flink main container takes spec.image
    assertFalse(images.isEmpty());
    for (String image : images) {
      assertEquals(expected, image);
    }
    assertThrows(IllegalStateException.class, () -> renderWith(Map.of("image.digest", "latest")));
  }

  @Test
  void theNetworkPolicyAllowsOnlyKafkaPostgresqlTheOperatorAndPrometheus() {
    assertTrue(defaults.ofKind("NetworkPolicy").isEmpty(), "optional");
    JsonNode policy =
        renderWith(
                Map.of(
                    "networkPolicy.enabled",
                    true,
                    "networkPolicy.postgresql.to[0].ipBlock.cidr",
                    "10.20.0.0/16"))
            .one("NetworkPolicy")
            .path("spec");
    assertEquals(List.of("Ingress", "Egress"), texts(policy.path("policyTypes")));
    assertEquals(
        "cdrflow",
        policy.path("podSelector").path("matchLabels").path("app.kubernetes.io/instance").asText());
    Set<String> ingressPorts = new HashSet<>();
    policy
        .path("ingress")
        .forEach(r -> r.path("ports").forEach(p -> ingressPorts.add(p.path("port").asText())));
    assertEquals(Set.of("8081", "9249"), ingressPorts, "the operator's REST calls and the scrapes");
    Set<String> egressPorts = new HashSet<>();
    policy
        .path("egress")
        .forEach(r -> r.path("ports").forEach(p -> egressPorts.add(p.path("port").asText())));
    assertEquals(Set.of("53", "9092", "9093", "5432"), egressPorts);
    boolean databasePeer = false;
    for (JsonNode rule : policy.path("egress")) {
      for (JsonNode peer : rule.path("to")) {
        databasePeer |= "10.20.0.0/16".equals(peer.path("ipBlock").path("cidr").asText());
      }
    }
    assertTrue(databasePeer, "the database's peers as given");
    assertThrows(
        IllegalStateException.class,
        () ->
            renderWith(
                Map.of("networkPolicy.enabled", true, "networkPolicy.kafka.to[0].pods", "x")));
  }

  @Test
  void theImageRunsAsANonRootUser() throws IOException {
    List<String> users =
        Files.readAllLines(RenderedChart.repositoryRoot().resolve("Dockerfile")).stream()
            .map(String::trim)
            .filter(l -> l.startsWith("USER "))
            .toList();
    assertFalse(users.isEmpty(), "the Dockerfile names its user");
    String last = users.get(users.size() - 1).substring("USER ".length()).trim();
    assertFalse(
        last.equals("root")
            || last.equals("0")
            || last.startsWith("0:")
            || last.startsWith("root:"),
        last);
  }

  /** Unknown keys fail only where the schema closes every object the chart defines. */
  @Test
  void everyObjectOfTheValuesSchemaIsClosed() throws IOException {
    JsonNode schema = new ObjectMapper().readTree(chart.resolve("values.schema.json").toFile());
    List<String> open = new ArrayList<>();
    checkClosed(schema, "", open);
    assertEquals(List.of(), open);
  }

  /** values.yaml documents itself: a comment right above every key. */
  @Test
  void everyKeyOfTheDefaultValuesHasAComment() throws IOException {
    List<String> lines = Files.readAllLines(chart.resolve("values.yaml"));
    Pattern key = Pattern.compile("^\\s*[A-Za-z0-9_]+:.*");
    List<String> undocumented = new ArrayList<>();
    int keys = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (key.matcher(lines.get(i)).matches()) {
        keys++;
        if (i == 0 || !lines.get(i - 1).trim().startsWith("#")) {
          undocumented.add((i + 1) + ": " + lines.get(i).trim());
        }
      }
    }
    assertTrue(keys > 50, "values.yaml was read");
    assertEquals(List.of(), undocumented);
  }

  private RenderedChart renderWith(Map<String, Object> sets) {
    return RenderedChart.render(null, sets, work);
  }

  private static OperatorCrd flinkDeploymentCrd() {
    Path crds = OperatorCrd.directory().orElse(null);
    Assumptions.assumeTrue(
        crds != null,
        "the Flink Kubernetes Operator's CRDs are not beside the repository (../shared/crds):"
            + " the rendered FlinkDeployment is not checked against them");
    return OperatorCrd.load(crds, "FlinkDeployment", "v1beta1");
  }

  private static void assertKinds(RenderedChart rendered, String... kinds) {
    Set<String> found = new HashSet<>();
    rendered.all().forEach(o -> found.add(o.path("kind").asText()));
    for (String kind : kinds) {
      assertTrue(found.contains(kind), "renders a " + kind + ": " + found);
    }
  }

  private static void forEachContainer(RenderedChart rendered, Consumer<JsonNode> action) {
    for (JsonNode o : rendered.all()) {
      List<JsonNode> pods = new ArrayList<>();
      switch (o.path("kind").asText()) {
        case "FlinkDeployment" -> pods.add(o.path("spec").path("podTemplate").path("spec"));
        case "Job" -> pods.add(o.path("spec").path("template").path("spec"));
        case "CronJob" ->
            pods.add(o.path("spec").path("jobTemplate").path("spec").path("template").path("spec"));
        default -> {}
      }
      for (JsonNode pod : pods) {
        pod.path("containers").forEach(action);
        pod.path("initContainers").forEach(action);
      }
    }
  }

  private static JsonNode container(JsonNode pod, String name) {
    for (String list : List.of("containers", "initContainers")) {
      for (JsonNode c : pod.path(list)) {
        if (name.equals(c.path("name").asText())) {
          return c;
        }
      }
    }
    throw new AssertionError("no container " + name);
  }

  /** The name of the pod volume that mounts ConfigMap-backed {@code volume}. */
  private static String configVolume(JsonNode pod, String volume) {
    for (JsonNode v : pod.path("volumes")) {
      if (volume.equals(v.path("name").asText()) && v.has("configMap")) {
        return volume;
      }
    }
    throw new AssertionError("no ConfigMap volume " + volume);
  }

  private static String mountPath(JsonNode container, String volume) {
    for (JsonNode m : container.path("volumeMounts")) {
      if (volume.equals(m.path("name").asText())) {
        return m.path("mountPath").asText();
      }
    }
    throw new AssertionError("volume " + volume + " is not mounted");
  }

  private static void assertSecretRef(JsonNode container, String env, String secret, String key) {
    for (JsonNode e : container.path("env")) {
      if (env.equals(e.path("name").asText())) {
        JsonNode ref = e.path("valueFrom").path("secretKeyRef");
        assertEquals(secret, ref.path("name").asText(), env);
        assertEquals(key, ref.path("key").asText(), env);
        return;
      }
    }
    throw new AssertionError("no environment variable " + env);
  }

  private static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode v : pod.path("volumes")) {
      if (name.equals(v.path("name").asText())) {
        return v;
      }
    }
    throw new AssertionError("no volume " + name);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> leafKeys(JsonNode node, String path) {
    List<String> out = new ArrayList<>();
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String p = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
        if (f.getValue().isObject() && f.getValue().size() > 0) {
          out.addAll(leafKeys(f.getValue(), p));
        } else {
          out.add(p);
        }
      }
    }
    return out;
  }

  /**
   * Collects every object schema that would accept keys nobody declared: an object schema must say
   * additionalProperties false, or be a map of strings (annotations, labels, extra settings).
   */
  private static void checkClosed(JsonNode schema, String path, List<String> open) {
    if (!schema.isObject()) {
      return;
    }
    if ("object".equals(schema.path("type").asText())) {
      JsonNode additional = schema.path("additionalProperties");
      boolean closed = additional.isBoolean() && !additional.asBoolean();
      boolean stringMap =
          additional.isObject() && "string".equals(additional.path("type").asText());
      if (!closed && !stringMap) {
        open.add(path.isEmpty() ? "(root)" : path);
      }
    }
    schema
        .fields()
        .forEachRemaining(
            f -> {
              if (f.getValue().isObject()) {
                if ("properties".equals(f.getKey()) || "definitions".equals(f.getKey())) {
                  f.getValue()
                      .fields()
                      .forEachRemaining(
                          p -> checkClosed(p.getValue(), path + "/" + p.getKey(), open));
                } else {
                  checkClosed(f.getValue(), path + "/" + f.getKey(), open);
                }
              }
            });
  }
}
