package org.cdrflow.connectors.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The few calls of Flink's REST API that running the streaming job on a session cluster needs:
 * upload the job jar, run it (optionally from a savepoint), watch it, and stop it with a savepoint.
 * Works against any Flink session cluster's REST endpoint, {@link LocalFlinkCluster}'s among them.
 */
public final class FlinkRestClient {

  /** Job states after which a job runs no more (Flink's globally terminal states). */
  public static final Set<String> TERMINAL_STATES = Set.of("FINISHED", "CANCELED", "FAILED");

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final HttpClient http;

  /** A client of the REST endpoint at {@code baseUrl}, e.g. {@code http://127.0.0.1:8081}. */
  public FlinkRestClient(String baseUrl) {
    this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl").replaceAll("/+$", "");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** The cluster's TaskManagers, slots and running jobs ({@code GET /overview}). */
  public record Overview(int taskManagers, int slotsTotal, int slotsAvailable, int jobsRunning) {}

  /**
   * How to run an uploaded jar ({@code POST /jars/:jarid/run}).
   *
   * @param entryClass the class whose {@code main} builds the job
   * @param programArgs the arguments of that {@code main}
   * @param parallelism the job's default parallelism
   * @param savepointPath the savepoint to restore the job's state from, or null to start without
   *     state
   */
  public record JarRun(
      String entryClass, List<String> programArgs, int parallelism, String savepointPath) {
    public JarRun {
      Objects.requireNonNull(entryClass, "entryClass");
      programArgs = List.copyOf(programArgs);
      if (parallelism < 1) {
        throw new IllegalArgumentException("parallelism must be positive: " + parallelism);
      }
    }
  }

  public Overview overview() throws IOException, InterruptedException {
    JsonNode o = get("/overview");
    return new Overview(
        o.path("taskmanagers").asInt(),
        o.path("slots-total").asInt(),
        o.path("slots-available").asInt(),
        o.path("jobs-running").asInt());
  }

  /** The class path of the JobManager's JVM ({@code GET /jobmanager/environment}). */
  public List<String> jobManagerClasspath() throws IOException, InterruptedException {
    List<String> entries = new ArrayList<>();
    for (JsonNode entry : get("/jobmanager/environment").path("classpath")) {
      entries.add(entry.asText());
    }
    return entries;
  }

  /** Uploads a job jar ({@code POST /jars/upload}); returns the id to run it by. */
  public String uploadJar(Path jar) throws IOException, InterruptedException {
    String boundary = "cdrflow-" + UUID.randomUUID();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName().toString().replace("\"", "")
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/jars/upload"))
            .timeout(UPLOAD_TIMEOUT)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(
                HttpRequest.BodyPublishers.ofByteArrays(
                    List.of(head, Files.readAllBytes(jar), tail)))
            .build();
    JsonNode response = send(request, "POST /jars/upload");
    String file = response.path("filename").asText("");
    if (file.isEmpty()) {
      throw new IllegalStateException("Flink accepted the upload of " + jar + " but named no jar");
    }
    // The id of an uploaded jar is its file name on the JobManager.
    return Path.of(file).getFileName().toString();
  }

  /** Runs an uploaded jar ({@code POST /jars/:jarid/run}); returns the id of the job it started. */
  public String runJar(String jarId, JarRun run) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("entryClass", run.entryClass());
    body.putPOJO("programArgsList", run.programArgs());
    body.put("parallelism", run.parallelism());
    if (run.savepointPath() != null) {
      body.put("savepointPath", run.savepointPath());
      body.put("allowNonRestoredState", false);
    }
    JsonNode response = post("/jars/" + jarId + "/run", body);
    String jobId = response.path("jobid").asText("");
    if (jobId.isEmpty()) {
      throw new IllegalStateException("Flink ran " + run.entryClass() + " but started no job");
    }
    return jobId;
  }

  /** The job's state, e.g. {@code RUNNING}, {@code RESTARTING}, {@code FAILED}. */
  public String jobState(String jobId) throws IOException, InterruptedException {
    return get("/jobs/" + jobId).path("state").asText();
  }

  /** Whether every task of the job is running (not only scheduled or deploying). */
  public boolean allTasksRunning(String jobId) throws IOException, InterruptedException {
    JsonNode job = get("/jobs/" + jobId);
    if (!"RUNNING".equals(job.path("state").asText())) {
      return false;
    }
    for (JsonNode vertex : job.path("vertices")) {
      if (!"RUNNING".equals(vertex.path("status").asText())) {
        return false;
      }
    }
    return true;
  }

  /** The ids of the TaskManagers that run at least one task of the job. */
  public Set<String> taskManagersOf(String jobId) throws IOException, InterruptedException {
    Set<String> ids = new TreeSet<>();
    for (JsonNode vertex : get("/jobs/" + jobId).path("vertices")) {
      JsonNode tms =
          get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers");
      for (JsonNode tm : tms.path("taskmanagers")) {
        ids.add(tm.path("taskmanager-id").asText());
      }
    }
    return ids;
  }

  /**
   * The most recent failures of the job as Flink reports them (exception names and messages, for an
   * error message); empty if there were none.
   */
  public String failures(String jobId) throws IOException, InterruptedException {
    JsonNode history = get("/jobs/" + jobId + "/exceptions").path("exceptionHistory");
    List<String> lines = new ArrayList<>();
    for (JsonNode entry : history.path("entries")) {
      String trace = entry.path("stacktrace").asText("");
      lines.add(trace.lines().limit(12).reduce((a, b) -> a + "\n" + b).orElse(""));
      if (lines.size() == 3) {
        break;
      }
    }
    return String.join("\n---\n", lines);
  }

  /**
   * Stops the job with a savepoint in {@code targetDirectory} ({@code POST /jobs/:jobid/stop}) and
   * waits until the savepoint is complete; returns its path, to run the job from. With {@code
   * drain} the job first emits everything it holds (the end of the stream for event time: held
   * records are rated, pending partials emitted); without it the state carries on as it is.
   */
  public String stopWithSavepoint(
      String jobId, boolean drain, String targetDirectory, Duration timeout)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("drain", drain);
    body.put("targetDirectory", targetDirectory);
    body.put("formatType", "CANONICAL");
    String triggerId = post("/jobs/" + jobId + "/stop", body).path("request-id").asText();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode result = get("/jobs/" + jobId + "/savepoints/" + triggerId);
      if ("COMPLETED".equals(result.path("status").path("id").asText())) {
        JsonNode operation = result.path("operation");
        if (operation.hasNonNull("location")) {
          return operation.path("location").asText();
        }
        throw new IllegalStateException(
            "stop-with-savepoint of job "
                + jobId
                + " failed: "
                + operation.path("failure-cause").path("stack-trace").asText("(no cause given)"));
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "stop-with-savepoint of job " + jobId + " did not complete within " + timeout);
      }
      Thread.sleep(200);
    }
  }

  /** Cancels the job without a savepoint ({@code PATCH /jobs/:jobid}). */
  public void cancel(String jobId) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUrl + "/jobs/" + jobId + "?mode=cancel"))
            .timeout(REQUEST_TIMEOUT)
            .method("PATCH", HttpRequest.BodyPublishers.noBody())
            .build();
    send(request, "PATCH /jobs/" + jobId);
  }

  /** Any GET of the REST API as JSON (e.g. {@code /jobs/overview}), for read-only reports. */
  public JsonNode read(String path) throws IOException, InterruptedException {
    return get(path);
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(REQUEST_TIMEOUT).GET().build(),
        "GET " + path);
  }

  private JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
    return send(
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build(),
        "POST " + path);
  }

  private JsonNode send(HttpRequest request, String what) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    String text = response.body();
    if (response.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          what + " answered " + response.statusCode() + ": " + errorsOf(text));
    }
    return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
  }

  /** Flink's error body is {@code {"errors": ["…", "<stack trace>"]}}; the first lines suffice. */
  private static String errorsOf(String body) {
    try {
      JsonNode errors = JSON.readTree(body).path("errors");
      List<String> parts = new ArrayList<>();
      for (JsonNode e : errors) {
        parts.add(e.asText().lines().limit(15).reduce((a, b) -> a + "\n" + b).orElse(""));
      }
      return parts.isEmpty() ? body : String.join("\n", parts);
    } catch (IOException | RuntimeException e) {
      return body;
    }
  }
}
