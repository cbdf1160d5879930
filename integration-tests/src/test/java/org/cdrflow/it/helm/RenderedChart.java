package org.cdrflow.it.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The cdrflow chart rendered by the real Helm engine ({@code helm template}, offline), as the
 * Kubernetes objects it would create.
 */
final class RenderedChart {
  static final String RELEASE = "cdrflow";
  static final String NAMESPACE = "billing";

  /** Any Kubernetes version with CronJob time zones (the chart requires at least 1.27). */
  static final String KUBE_VERSION = "1.30.0";

  private static final YAMLMapper YAML = new YAMLMapper();

  /**
   * A template that renders the hook templates as data. {@code helm template} through the Helm
   * library leaves hooks out of its output, so the migration hook is checked through this copy of
   * its rendering (same engine, same values), added to a temporary copy of the chart.
   */
  private static final String HOOKS_AS_DATA =
      """
      apiVersion: v1
      kind: ConfigMap
      metadata:
        name: rendered-hooks
      data:
        migration-job.yaml: {{ include (print .Template.BasePath "/migration-job.yaml") . | toJson }}
      """;

  private final List<JsonNode> objects;

  private RenderedChart(List<JsonNode> objects) {
    this.objects = objects;
  }

  /** The chart directory of this repository. */
  static Path chartDir() {
    return repositoryRoot().resolve("helm").resolve("cdrflow");
  }

  /** The repository root: the nearest directory above the working directory with the chart. */
  static Path repositoryRoot() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        dir != null;
        dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("helm/cdrflow/Chart.yaml"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "no helm/cdrflow/Chart.yaml above " + System.getProperty("user.dir"));
  }

  /**
   * Renders the chart with {@code valuesFile} (null: the defaults) and {@code sets} ({@code --set}
   * pairs), hooks included, in a copy of the chart under {@code workDir}. Throws what Helm reports
   * (schema violations, failed templates).
   */
  static RenderedChart render(Path valuesFile, Map<String, Object> sets, Path workDir) {
    Path chart = copyWithHooksAsData(workDir);
    TemplateCommand template =
        new Helm(chart)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      template = template.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    List<JsonNode> objects = parse(template.call());
    List<JsonNode> withHooks = new ArrayList<>();
    for (JsonNode o : objects) {
      if ("rendered-hooks".equals(o.path("metadata").path("name").asText())) {
        o.path("data").forEach(hookYaml -> withHooks.addAll(parse(hookYaml.asText())));
      } else {
        withHooks.add(o);
      }
    }
    return new RenderedChart(withHooks);
  }

  static RenderedChart render(Path valuesFile, Path workDir) {
    return render(valuesFile, Map.of(), workDir);
  }

  private static Path copyWithHooksAsData(Path workDir) {
    Path source = chartDir();
    Path copy;
    try {
      // The directory name is the chart name Helm expects; one fresh parent per rendering.
      copy = Files.createTempDirectory(workDir, "render").resolve("cdrflow");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = copy.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
      Files.writeString(copy.resolve("templates/zz-rendered-hooks.yaml"), HOOKS_AS_DATA);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return copy;
  }

  static List<JsonNode> parse(String yaml) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject() && doc.has("kind")) {
          docs.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("rendered output is not YAML", e);
    }
    return docs;
  }

  List<JsonNode> all() {
    return objects;
  }

  List<JsonNode> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  /** The only object of {@code kind}; fails when there is none or more than one. */
  JsonNode one(String kind) {
    List<JsonNode> found = ofKind(kind);
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + ", rendered " + found.size());
    }
    return found.get(0);
  }

  JsonNode named(String kind, String name) {
    return ofKind(kind).stream()
        .filter(o -> name.equals(o.path("metadata").path("name").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
  }

  /** A properties file held by a ConfigMap, parsed as the jobs parse it. */
  Properties propertiesFile(String configMap, String key) {
    JsonNode text = named("ConfigMap", configMap).path("data").path(key);
    if (!text.isTextual()) {
      throw new AssertionError("ConfigMap " + configMap + " has no " + key);
    }
    Properties p = new Properties();
    try {
      p.load(new StringReader(text.asText()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
