package org.cdrflow.schema.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.JsonDecoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.cdrflow.schema.RawCdr;

/**
 * Reads a signalling feed file record by record, in file order, without loading it: either Avro
 * JSON encoding with one RawCdr per line (blank lines skipped), or an Avro object container file
 * (recognised by its magic bytes {@code Obj 0x01}).
 *
 * <p>JSON lines carry no schema: they are read as the frozen v1 schema ({@link RawCdrSchemas#v1()})
 * and resolved to the current one. A container file is read with the writer schema in its header,
 * resolved to the current one.
 *
 * <p>A JSON line that cannot be decoded is not an error: it yields a {@link FeedRecord} with a null
 * key, the raw line bytes and a {@link FeedRecord#problem() problem}, so the job can reject it as
 * {@code UNDECODABLE} with its original bytes. A damaged container file, which has no such
 * per-record granularity, fails with an {@link UncheckedIOException} or {@link
 * AvroRuntimeException} from {@link #hasNext()}/{@link #next()}.
 *
 * <p>Not thread-safe. Close it (or the stream from {@link #stream(Path)}) to release the file.
 */
public final class CdrFeedReader implements Iterator<FeedRecord>, Closeable {

  /** The two file layouts a feed may have. */
  public enum Format {
    JSON_LINES,
    CONTAINER
  }

  private final Format format;
  private final Source source;
  private FeedRecord next;
  private boolean done;

  static {
    SchemaTrust.ensureRegistered();
  }

  private CdrFeedReader(Format format, Source source) {
    this.format = format;
    this.source = source;
  }

  /** Opens a feed file, detecting its format from the first bytes. */
  public static CdrFeedReader open(Path file) throws IOException {
    SchemaTrust.ensureRegistered();
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    try {
      in.mark(DataFileConstants.MAGIC.length);
      byte[] head = in.readNBytes(DataFileConstants.MAGIC.length);
      in.reset();
      if (Arrays.equals(head, DataFileConstants.MAGIC)) {
        return new CdrFeedReader(Format.CONTAINER, new ContainerSource(in));
      }
      return new CdrFeedReader(Format.JSON_LINES, new JsonLinesSource(in));
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /**
   * The records of a feed file as a sequential, ordered stream. Close the stream (try-with-
   * resources) to close the file.
   */
  public static Stream<FeedRecord> stream(Path file) throws IOException {
    return open(file).stream();
  }

  /** The remaining records as a sequential, ordered stream that closes this reader on close. */
  public Stream<FeedRecord> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(
                this, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.IMMUTABLE),
            false)
        .onClose(
            () -> {
              try {
                close();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  public Format format() {
    return format;
  }

  @Override
  public boolean hasNext() {
    if (next == null && !done) {
      try {
        next = source.read();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read feed file", e);
      }
      done = next == null;
    }
    return next != null;
  }

  @Override
  public FeedRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    FeedRecord r = next;
    next = null;
    return r;
  }

  @Override
  public void close() throws IOException {
    done = true;
    next = null;
    source.close();
  }

  private interface Source extends Closeable {
    /** The next record, or null at the end of the file. */
    FeedRecord read() throws IOException;
  }

  /** Avro JSON, one record per line; lines are split on raw bytes to keep bad lines intact. */
  static final class JsonLinesSource implements Source {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    // A RawCdr line is about 500 bytes. A line this long means the file is not a CDR feed (say,
    // a binary file without newlines) and would otherwise be buffered whole.
    static final int MAX_LINE_BYTES = 1 << 20;

    private final InputStream in;
    private final DatumReader<RawCdr> reader =
        new SpecificDatumReader<>(RawCdrSchemas.v1(), RawCdrSchemas.current());
    private JsonDecoder json;
    private final byte[] chunk = new byte[1 << 16];
    private int chunkPos;
    private int chunkEnd;
    private byte[] line = new byte[4096];
    private int length;
    private int lineNumber;
    private boolean eof;

    JsonLinesSource(InputStream in) {
      this.in = in;
    }

    @Override
    public FeedRecord read() throws IOException {
      while (readLine()) {
        int from = lineNumber == 1 && startsWith(line, length, BOM) ? BOM.length : 0;
        if (isBlank(line, from, length)) {
          continue;
        }
        byte[] raw = Arrays.copyOf(line, length);
        if (!PayloadValidator.Utf8Check.isValid(line, from, length)) {
          return new FeedRecord(null, raw, lineNumber, "BAD_JSON: line is not valid UTF-8");
        }
        int objectEnd = objectEnd(line, from, length);
        if (objectEnd > 0 && !isBlank(line, objectEnd, length)) {
          // Avro's JSON decoder stops after one datum and would silently drop the rest, e.g. a
          // second record pasted onto the same line.
          return new FeedRecord(
              null, raw, lineNumber, "BAD_JSON: content after the end of the record");
        }
        String text = new String(line, from, length - from, StandardCharsets.UTF_8);
        RawCdr record;
        try {
          json =
              json == null
                  ? DecoderFactory.get().jsonDecoder(RawCdrSchemas.v1(), text)
                  : json.configure(text);
          record = reader.read(null, json);
        } catch (IOException | RuntimeException e) {
          // configure() resets the JSON parser and the resolving decoder resets its grammar on
          // the next read, so a bad line leaves no state behind.
          return new FeedRecord(null, raw, lineNumber, "BAD_JSON: " + describe(e));
        }
        return new FeedRecord(RawCdrCodec.key(record), RawCdrCodec.encode(record), lineNumber);
      }
      return null;
    }

    /**
     * Reads the next physical line (without its terminator) into {@code line}. Scans a chunk buffer
     * itself: a per-byte {@code read()} on a buffered stream takes a lock per byte, which was most
     * of the cost of reading a feed.
     */
    private boolean readLine() throws IOException {
      length = 0;
      while (true) {
        if (chunkPos == chunkEnd) {
          if (eof) {
            break;
          }
          int n = in.read(chunk);
          if (n < 0) {
            eof = true;
            break;
          }
          chunkPos = 0;
          chunkEnd = n;
        }
        int nl = chunkPos;
        while (nl < chunkEnd && chunk[nl] != '\n') {
          nl++;
        }
        append(chunk, chunkPos, nl - chunkPos);
        if (nl < chunkEnd) {
          chunkPos = nl + 1;
          return endLine();
        }
        chunkPos = chunkEnd;
      }
      if (length == 0) {
        return false; // the file ended with a line terminator (or is empty)
      }
      return endLine();
    }

    private boolean endLine() {
      if (length > 0 && line[length - 1] == '\r') {
        length--;
      }
      lineNumber++;
      return true;
    }

    private void append(byte[] b, int from, int n) throws IOException {
      if (length + n > MAX_LINE_BYTES) {
        throw new IOException(
            "line "
                + (lineNumber + 1)
                + " is longer than "
                + MAX_LINE_BYTES
                + " bytes: not an Avro JSON feed");
      }
      if (length + n > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
      }
      System.arraycopy(b, from, line, length, n);
      length += n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Avro object container file with any writer schema resolvable to the current one. */
  private static final class ContainerSource implements Source {
    private final DataFileStream<RawCdr> file;
    private int index;

    ContainerSource(InputStream in) throws IOException {
      SpecificDatumReader<RawCdr> reader = new SpecificDatumReader<>(RawCdr.class);
      this.file = new DataFileStream<>(in, reader);
    }

    @Override
    public FeedRecord read() throws IOException {
      try {
        if (!file.hasNext()) {
          return null;
        }
        RawCdr record = file.next();
        return new FeedRecord(RawCdrCodec.key(record), RawCdrCodec.encode(record), index++);
      } catch (AvroTypeException e) {
        Schema writer = file.getSchema();
        throw new AvroRuntimeException(
            "container record "
                + index
                + ": writer schema "
                + writer.getFullName()
                + " cannot be read as the current RawCdr ("
                + e.getClass().getSimpleName()
                + ")");
      }
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }

  // Avro and Jackson messages for a bad line may quote the line (subscriber numbers included):
  // only messages of a known, value-free shape are passed on.
  private static final Pattern EXPECTED_TOKEN =
      Pattern.compile("Expected [a-z\\-]+\\. Got [A-Z_]+");
  private static final Pattern MISSING_FIELD =
      Pattern.compile("Expected field name not found: ([A-Za-z_][A-Za-z0-9_]*)");

  static String describe(Exception e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    if (e instanceof JsonProcessingException) {
      return "not valid JSON";
    }
    if (e instanceof AvroTypeException) {
      if (EXPECTED_TOKEN.matcher(m).matches()) {
        return "not a RawCdr: " + m;
      }
      Matcher f = MISSING_FIELD.matcher(m);
      if (f.matches() && RawCdrSchemas.v1().getField(f.group(1)) != null) {
        return "not a RawCdr: field " + f.group(1) + " is missing";
      }
      if (m.startsWith("Unknown symbol in enum")) {
        return "not a RawCdr: an enum value is not one of its symbols";
      }
      if (m.startsWith("Unknown union branch")) {
        return "not a RawCdr: a union value names an unknown branch";
      }
      return "not a RawCdr (" + e.getClass().getSimpleName() + ")";
    }
    return "cannot be decoded (" + e.getClass().getSimpleName() + ")";
  }

  /**
   * If the first non-blank character in {@code b[from, to)} opens a JSON object, the index just
   * after the brace that closes it; otherwise (or if it is never closed) -1.
   */
  static int objectEnd(byte[] b, int from, int to) {
    int i = from;
    while (i < to && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r')) {
      i++;
    }
    if (i == to || b[i] != '{') {
      return -1;
    }
    int depth = 0;
    boolean inString = false;
    for (; i < to; i++) {
      byte c = b[i];
      if (inString) {
        if (c == '\\') {
          i++; // skip the escaped character
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return i + 1;
      }
    }
    return -1;
  }

  private static boolean isBlank(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] b, int len, byte[] prefix) {
    if (len < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
