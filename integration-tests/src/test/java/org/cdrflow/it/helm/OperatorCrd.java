package org.cdrflow.it.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The schema of one custom resource of the Flink Kubernetes Operator, taken from the operator's own
 * CustomResourceDefinition and turned into a JSON Schema (draft 7) that a validator can apply to a
 * rendered object.
 *
 * <p>A CRD schema is OpenAPI v3 with Kubernetes extensions, converted here as the API server reads
 * it: {@code x-kubernetes-int-or-string} accepts an integer or a string, {@code nullable} also
 * accepts null, {@code x-kubernetes-preserve-unknown-fields} keeps an object open. Every other
 * object is closed ({@code additionalProperties: false}): the API server would silently prune an
 * unknown field, so a misspelt field in the chart would be lost without an error, which is exactly
 * what this check is for.
 */
final class OperatorCrd {
  private static final YAMLMapper YAML = new YAMLMapper();

  private final String kind;
  private final JsonSchema schema;

  private OperatorCrd(String kind, JsonSchema schema) {
    this.kind = kind;
    this.schema = schema;
  }

  /**
   * The operator's CRDs are kept beside the repository, not in it ({@code <repository>/../shared/
   * crds}); empty when they are not there.
   */
  static Optional<Path> directory() {
    Path dir = RenderedChart.repositoryRoot().getParent().resolve("shared").resolve("crds");
    return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
  }

  /** The schema of {@code kind} at {@code version} from the CRD files in {@code dir}. */
  static OperatorCrd load(Path dir, String kind, String version) {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml$")).toList()) {
        JsonNode crd = YAML.readTree(file.toFile());
        if (!"CustomResourceDefinition".equals(crd.path("kind").asText())
            || !kind.equals(crd.path("spec").path("names").path("kind").asText())) {
          continue;
        }
        for (JsonNode v : crd.path("spec").path("versions")) {
          if (version.equals(v.path("name").asText())) {
            JsonNode openApi = v.path("schema").path("openAPIV3Schema");
            ObjectNode jsonSchema = (ObjectNode) toJsonSchema(openApi.deepCopy());
            jsonSchema.put("$schema", "http://json-schema.org/draft-07/schema#");
            // The API server itself handles these on every object; the CRD leaves them out.
            ObjectNode props = jsonSchema.withObjectProperty("properties");
            props.putObject("apiVersion").put("type", "string");
            props.putObject("kind").put("type", "string");
            props.putObject("metadata").put("type", "object");
            return new OperatorCrd(
                kind,
                JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(jsonSchema));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no CRD for " + kind + " " + version + " in " + dir);
  }

  /** What is wrong with {@code object} as the API server would see it; empty when valid. */
  List<String> violations(JsonNode object) {
    if (!kind.equals(object.path("kind").asText())) {
      throw new IllegalArgumentException("not a " + kind + ": " + object.path("kind"));
    }
    List<String> out = new ArrayList<>();
    for (ValidationMessage m : schema.validate(object)) {
      out.add(m.getInstanceLocation() + ": " + m.getMessage());
    }
    return out;
  }

  private static JsonNode toJsonSchema(JsonNode node) {
    if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, toJsonSchema(array.get(i)));
      }
      return array;
    }
    if (!node.isObject()) {
      return node;
    }
    ObjectNode o = (ObjectNode) node;
    if (o.path("x-kubernetes-int-or-string").asBoolean(false)) {
      ObjectNode intOrString = JsonNodeFactory.instance.objectNode();
      ArrayNode anyOf = intOrString.putArray("anyOf");
      anyOf.addObject().put("type", "integer");
      anyOf.addObject().put("type", "string");
      return intOrString;
    }
    boolean open = o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    boolean nullable = o.path("nullable").asBoolean(false);
    o.remove("nullable");
    for (Iterator<String> names = o.fieldNames(); names.hasNext(); ) {
      if (names.next().startsWith("x-kubernetes-")) {
        names.remove();
      }
    }
    // Recurse into sub-schemas; "properties" maps names to schemas.
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if ("properties".equals(field.getKey()) && field.getValue().isObject()) {
        ObjectNode props = (ObjectNode) field.getValue();
        props.fieldNames().forEachRemaining(p -> props.set(p, toJsonSchema(props.get(p))));
      } else if (field.getValue().isContainerNode()) {
        field.setValue(toJsonSchema(field.getValue()));
      }
    }
    if (!open && o.has("properties") && !o.has("additionalProperties")) {
      o.put("additionalProperties", false);
    }
    if (nullable && o.has("type")) {
      ArrayNode types = JsonNodeFactory.instance.arrayNode();
      types.add(o.get("type").asText()).add("null");
      o.set("type", types);
    }
    return o;
  }
}
