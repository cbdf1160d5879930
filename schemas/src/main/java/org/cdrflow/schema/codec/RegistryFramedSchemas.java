package org.cdrflow.schema.codec;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.UndecodableRecordException.Reason;

/**
 * The schema-registry wire format (docs/decisions.md): magic byte 0, the writer schema's id as a
 * 4-byte big-endian integer, then the plain Avro binary datum. No registry runs here, so the
 * schemas come from files: a directory of {@code <id>.avsc}, each a RawCdr writer schema, resolved
 * to the current RawCdr schema.
 *
 * <p>Serializable (the schemas travel as their JSON); not thread-safe once used (one per subtask).
 */
public final class RegistryFramedSchemas implements Serializable {
  private static final long serialVersionUID = 1L;

  static final int HEADER_LENGTH = 5;

  private final TreeMap<Integer, String> schemaJson;
  private transient Map<Integer, Schema> schemas;
  private transient Map<Integer, SpecificDatumReader<RawCdr>> readers;
  private transient BinaryDecoder binary;
  private transient PayloadValidator validator;

  public RegistryFramedSchemas(Map<Integer, String> schemaJsonById) {
    this.schemaJson = new TreeMap<>(schemaJsonById);
  }

  /** The schemas of a directory of {@code <id>.avsc} files. */
  public static RegistryFramedSchemas fromDirectory(Path dir) throws IOException {
    Map<Integer, String> m = new HashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".avsc")).toList()) {
        String name = f.getFileName().toString();
        int id;
        try {
          id = Integer.parseInt(name.substring(0, name.length() - ".avsc".length()));
        } catch (NumberFormatException e) {
          throw new IOException("schema file " + name + " is not named <id>.avsc");
        }
        m.put(id, Files.readString(f));
      }
    }
    RegistryFramedSchemas s = new RegistryFramedSchemas(m);
    s.schemas(); // fail now on a schema that does not parse
    return s;
  }

  /** Whether {@code bytes} start like the registry wire format. */
  public static boolean isFramed(byte[] bytes) {
    return bytes != null && bytes.length > 0 && bytes[0] == 0;
  }

  /**
   * Decodes one registry-framed RawCdr.
   *
   * @throws UndecodableRecordException with a reason and no field values
   */
  public RawCdr decode(byte[] bytes, RawCdr reuse) throws UndecodableRecordException {
    if (bytes.length < HEADER_LENGTH) {
      throw new UndecodableRecordException(
          Reason.TRUNCATED, "only " + bytes.length + " byte(s); the registry header is 5 bytes");
    }
    int id =
        ((bytes[1] & 0xFF) << 24)
            | ((bytes[2] & 0xFF) << 16)
            | ((bytes[3] & 0xFF) << 8)
            | (bytes[4] & 0xFF);
    Schema writer = schemas().get(id);
    if (writer == null) {
      throw new UndecodableRecordException(
          Reason.UNKNOWN_FINGERPRINT, "schema id " + id + " is not among the configured schemas");
    }
    if (validator == null) {
      validator = new PayloadValidator();
    }
    validator.validate(writer, bytes, HEADER_LENGTH, bytes.length);
    SpecificDatumReader<RawCdr> reader =
        readers.computeIfAbsent(
            id, k -> new SpecificDatumReader<>(writer, RawCdr.getClassSchema()));
    binary =
        DecoderFactory.get()
            .binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, binary);
    try {
      RawCdr r = reader.read(reuse, binary);
      if (!binary.isEnd()) {
        throw new UndecodableRecordException(
            Reason.TRAILING_BYTES, "bytes after the end of the record");
      }
      return r;
    } catch (IOException | AvroRuntimeException e) {
      throw new UndecodableRecordException(
          Reason.SCHEMA_MISMATCH,
          "payload of schema id "
              + id
              + " cannot be read as the current RawCdr ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  private Map<Integer, Schema> schemas() {
    if (schemas == null) {
      Map<Integer, Schema> m = new HashMap<>();
      schemaJson.forEach((id, json) -> m.put(id, new Schema.Parser().parse(json)));
      schemas = m;
      readers = new HashMap<>();
    }
    return schemas;
  }
}
