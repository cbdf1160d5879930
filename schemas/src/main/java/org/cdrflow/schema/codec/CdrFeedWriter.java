package org.cdrflow.schema.codec;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.cdrflow.schema.RawCdr;

/**
 * Writes RawCdr records as a feed file that {@link CdrFeedReader} reads back: Avro JSON lines
 * (compact, one record per line, {@code \n}-terminated, UTF-8) or an Avro object container file.
 *
 * <p>JSON lines are written in the frozen v1 layout, because a JSON line carries no schema and
 * readers assume v1 (docs/mediation.md, "Input"). Container files embed the current schema.
 *
 * <p>Not thread-safe.
 */
public final class CdrFeedWriter implements Closeable, Flushable {

  private interface Sink extends Closeable, Flushable {
    void write(RawCdr record) throws IOException;
  }

  private final Sink sink;
  private long count;

  private CdrFeedWriter(Sink sink) {
    this.sink = sink;
  }

  /** A JSON-lines feed file (created or truncated). */
  public static CdrFeedWriter jsonLines(Path file) throws IOException {
    return jsonLines(Files.newOutputStream(file));
  }

  /** A JSON-lines feed on a stream; closing the writer closes the stream. */
  public static CdrFeedWriter jsonLines(OutputStream out) throws IOException {
    return new CdrFeedWriter(new JsonLinesSink(new BufferedOutputStream(out, 1 << 16)));
  }

  /** An uncompressed Avro container feed file (created or truncated). */
  public static CdrFeedWriter container(Path file) throws IOException {
    return container(file, CodecFactory.nullCodec());
  }

  /** An Avro container feed file with the given block codec, e.g. {@code deflateCodec(6)}. */
  public static CdrFeedWriter container(Path file, CodecFactory codec) throws IOException {
    DataFileWriter<RawCdr> writer =
        new DataFileWriter<>(new SpecificDatumWriter<>(RawCdr.class)).setCodec(codec);
    OutputStream out = Files.newOutputStream(file);
    try {
      writer.create(RawCdrSchemas.current(), out);
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
    return new CdrFeedWriter(
        new Sink() {
          @Override
          public void write(RawCdr record) throws IOException {
            writer.append(record);
          }

          @Override
          public void flush() throws IOException {
            writer.flush();
          }

          @Override
          public void close() throws IOException {
            writer.close();
          }
        });
  }

  /** Writes all records to a new JSON-lines file. */
  public static void writeJsonLines(Path file, Iterable<RawCdr> records) throws IOException {
    try (CdrFeedWriter w = jsonLines(file)) {
      for (RawCdr r : records) {
        w.write(r);
      }
    }
  }

  /** Writes all records to a new uncompressed container file. */
  public static void writeContainer(Path file, Iterable<RawCdr> records) throws IOException {
    try (CdrFeedWriter w = container(file)) {
      for (RawCdr r : records) {
        w.write(r);
      }
    }
  }

  /** One record as a compact Avro JSON line in the v1 layout, without line terminator. */
  public static String toJsonLine(RawCdr record) {
    try {
      JsonLinesSink sink = new JsonLinesSink(OutputStream.nullOutputStream());
      return new String(sink.encode(record), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory JSON encoding failed", e);
    }
  }

  public void write(RawCdr record) throws IOException {
    sink.write(record);
    count++;
  }

  /** Records written so far. */
  public long count() {
    return count;
  }

  @Override
  public void flush() throws IOException {
    sink.flush();
  }

  @Override
  public void close() throws IOException {
    sink.close();
  }

  private static final class JsonLinesSink implements Sink {
    private static final Schema V1 = RawCdrSchemas.v1();

    // Instant <-> timestamp-millis, as in the generated class.
    private static final GenericData V1_MODEL = new GenericData();

    static {
      V1_MODEL.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
    }

    // Per v1 field: position of the same-named field in the current schema (-1 if gone), and
    // the v1 enum schema if it holds an enum. Copying by name keeps the lines in the v1 layout
    // even after fields are added to or reordered in RawCdr.avsc.
    private static final int[] CURRENT_POS = new int[V1.getFields().size()];
    private static final Schema[] ENUM_OF = new Schema[V1.getFields().size()];

    static {
      Schema current = RawCdrSchemas.current();
      for (Schema.Field f : V1.getFields()) {
        Schema.Field now = current.getField(f.name());
        CURRENT_POS[f.pos()] = now == null ? -1 : now.pos();
        ENUM_OF[f.pos()] = enumIn(f.schema());
      }
    }

    private final DatumWriter<GenericRecord> writer = new GenericDatumWriter<>(V1, V1_MODEL);
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    private final OutputStream out;
    private JsonEncoder json;

    JsonLinesSink(OutputStream out) {
      this.out = out;
    }

    private static GenericRecord toV1(RawCdr record) {
      GenericData.Record v1 = new GenericData.Record(V1);
      for (Schema.Field f : V1.getFields()) {
        int at = CURRENT_POS[f.pos()];
        Object value = at < 0 ? V1_MODEL.getDefaultValue(f) : record.get(at);
        if (value instanceof Enum<?> e) {
          value = new GenericData.EnumSymbol(ENUM_OF[f.pos()], e.name());
        }
        v1.put(f.pos(), value);
      }
      return v1;
    }

    private static Schema enumIn(Schema s) {
      if (s.getType() == Schema.Type.ENUM) {
        return s;
      }
      if (s.getType() == Schema.Type.UNION) {
        for (Schema b : s.getTypes()) {
          if (b.getType() == Schema.Type.ENUM) {
            return b;
          }
        }
      }
      return null;
    }

    byte[] encode(RawCdr record) throws IOException {
      buffer.reset();
      // A fresh generator per record: Avro's encoder would otherwise put its platform line
      // separator between records, and we want exactly one "\n" after each, on every platform.
      json =
          json == null
              ? EncoderFactory.get().jsonEncoder(RawCdrSchemas.v1(), buffer)
              : json.configure(buffer);
      writer.write(toV1(record), json);
      json.flush();
      return buffer.toByteArray();
    }

    @Override
    public void write(RawCdr record) throws IOException {
      byte[] line;
      try {
        line = encode(record);
      } catch (RuntimeException e) {
        // Same policy as RawCdrCodec.encode: never pass on a message that may quote a value.
        IllegalArgumentException safe =
            new IllegalArgumentException(
                "RawCdr cannot be written as JSON: "
                    + (e instanceof NullPointerException && e.getMessage() != null
                        ? e.getMessage()
                        : e.getClass().getSimpleName()));
        safe.setStackTrace(e.getStackTrace());
        json = null; // the encoder's grammar may be mid-record
        throw safe;
      }
      out.write(line);
      out.write('\n');
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
