package org.cdrflow.schema.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.cdrflow.schema.RawCdr;

/**
 * The RawCdr schemas this module knows: the current one (generated class), the frozen v1 feed
 * schema, and their namespace-free twins.
 *
 * <p>Why the twins: the feed format leaves the namespace free (docs/decisions.md, 9), and an
 * external producer may write {@code RawCdr} with no namespace. Avro fingerprints the full name, so
 * such a payload carries a different fingerprint although its bytes are identical; registering the
 * namespace-free variant lets its fingerprint resolve.
 *
 * <p>When RawCdr evolves, keep {@code history/RawCdr-v1.avsc} untouched, add the new version's
 * previous schema as another history resource and register it in {@link #knownWriterSchemas()}, so
 * single-object payloads of every released version keep decoding.
 */
public final class RawCdrSchemas {

  static {
    // Callers typically build SpecificDatumReaders from these schemas, which makes Avro look up
    // the generated class: trust it before anyone gets hold of a schema.
    SchemaTrust.ensureRegistered();
  }

  private static final String V1_RESOURCE = "/org/cdrflow/schema/history/RawCdr-v1.avsc";

  private static final Schema V1 = load(V1_RESOURCE);

  private static final List<Schema> KNOWN_WRITERS = buildKnownWriters();

  private static final SchemaStore.Cache STORE = buildStore();

  private RawCdrSchemas() {}

  /** The schema of the generated {@link RawCdr} class: what every decoder produces. */
  public static Schema current() {
    return RawCdr.getClassSchema();
  }

  /**
   * The frozen v1 schema. Avro JSON feed lines carry no schema, so they are always read (and
   * written) in this layout; data of this version must stay readable forever (docs/mediation.md,
   * "Input").
   */
  public static Schema v1() {
    return V1;
  }

  /**
   * Every writer schema a single-object payload may have been written with: current, v1 and both
   * without namespace. Distinct by fingerprint.
   */
  public static List<Schema> knownWriterSchemas() {
    return KNOWN_WRITERS;
  }

  /**
   * CRC-64-AVRO fingerprint of the schema's parsing canonical form, as in single-object headers.
   */
  public static long fingerprint(Schema schema) {
    return SchemaNormalization.parsingFingerprint64(schema);
  }

  /**
   * The same schema with every named type (records, enums, fixed) moved to the null namespace.
   * Structure, docs, defaults and properties are kept, so its binary encoding is identical.
   */
  public static Schema withoutNamespace(Schema schema) {
    return strip(schema, new HashMap<>());
  }

  /** The store every RawCdr decoder resolves fingerprints with. */
  static SchemaStore.Cache store() {
    return STORE;
  }

  /** The writer schema with this fingerprint, or null if none is known. */
  static Schema findWriter(long fingerprint) {
    return STORE.findByFingerprint(fingerprint);
  }

  private static List<Schema> buildKnownWriters() {
    Map<Long, Schema> byFingerprint = new LinkedHashMap<>();
    for (Schema s : List.of(current(), withoutNamespace(current()), V1, withoutNamespace(V1))) {
      byFingerprint.putIfAbsent(fingerprint(s), s);
    }
    return List.copyOf(byFingerprint.values());
  }

  private static SchemaStore.Cache buildStore() {
    SchemaStore.Cache cache = new SchemaStore.Cache();
    KNOWN_WRITERS.forEach(cache::addSchema);
    return cache;
  }

  private static Schema load(String resource) {
    try (InputStream in = RawCdrSchemas.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing schema resource " + resource);
      }
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema resource " + resource, e);
    }
  }

  private static Schema strip(Schema schema, Map<String, Schema> done) {
    switch (schema.getType()) {
      case RECORD:
        {
          Schema seen = done.get(schema.getFullName());
          if (seen != null) {
            return seen; // recursive reference
          }
          Schema copy =
              Schema.createRecord(schema.getName(), schema.getDoc(), null, schema.isError());
          done.put(schema.getFullName(), copy);
          List<Schema.Field> fields = new ArrayList<>();
          for (Schema.Field f : schema.getFields()) {
            fields.add(new Schema.Field(f, strip(f.schema(), done)));
          }
          copy.setFields(fields);
          copyProps(schema, copy);
          return copy;
        }
      case ENUM:
        {
          Schema copy =
              Schema.createEnum(
                  schema.getName(),
                  schema.getDoc(),
                  null,
                  schema.getEnumSymbols(),
                  schema.getEnumDefault());
          copyProps(schema, copy);
          return copy;
        }
      case FIXED:
        {
          Schema copy =
              Schema.createFixed(schema.getName(), schema.getDoc(), null, schema.getFixedSize());
          if (schema.getLogicalType() != null) {
            schema.getLogicalType().addToSchema(copy);
          }
          copyProps(schema, copy);
          return copy;
        }
      case UNION:
        {
          List<Schema> branches = new ArrayList<>();
          for (Schema b : schema.getTypes()) {
            branches.add(strip(b, done));
          }
          return Schema.createUnion(branches);
        }
      case ARRAY:
        {
          Schema copy = Schema.createArray(strip(schema.getElementType(), done));
          copyProps(schema, copy);
          return copy;
        }
      case MAP:
        {
          Schema copy = Schema.createMap(strip(schema.getValueType(), done));
          copyProps(schema, copy);
          return copy;
        }
      default:
        return schema; // primitives have no name; logical types live on the shared instance
    }
  }

  private static void copyProps(Schema from, Schema to) {
    from.getObjectProps()
        .forEach(
            (k, v) -> {
              if (to.getObjectProp(k) == null) {
                to.addProp(k, v);
              }
            });
  }
}
