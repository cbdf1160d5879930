package org.cdrflow.generate;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.CdrFeedWriter;
import org.cdrflow.schema.codec.RawCdrSchemas;

/**
 * Where generated records go: an Avro container file for a name ending in {@code .avro}, Avro JSON
 * lines otherwise, both as {@code CdrFeedReader} (and so {@code replay}) reads them.
 */
abstract class FeedSink implements Closeable {

  /** Whether this feed can hold a line that is not a record at all. */
  abstract boolean acceptsRawLines();

  abstract void write(RawCdr record) throws IOException;

  /** A line as it is, not a record; only when {@link #acceptsRawLines()}. */
  abstract void writeRawLine(String line) throws IOException;

  static boolean isContainer(Path feed) {
    return feed.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".avro");
  }

  /**
   * Opens the sink for {@code feed}.
   *
   * @param sync the container's 16-byte sync marker: Avro would pick a random one, and the same
   *     seed must give the same bytes
   */
  static FeedSink open(Path feed, byte[] sync) throws IOException {
    if (Files.isDirectory(feed)) {
      return new BerFiles(feed);
    }
    return isContainer(feed) ? new Container(feed, sync) : new JsonLines(feed);
  }

  /**
   * TS 32.298 BER files in a directory, as the elements' charging gateway delivers them
   * (docs/formats.md): one series of files per element, {@code <element>_-_<nnnnnn>.ber}, a new
   * file every {@link #RECORDS_PER_FILE} records; time stamps in Oslo local time.
   */
  static final class BerFiles extends FeedSink {
    static final int RECORDS_PER_FILE = 10_000;

    private final Path dir;
    private final org.cdrflow.collector.ber.ChargingRecordEncoder encoder =
        new org.cdrflow.collector.ber.ChargingRecordEncoder(java.time.ZoneId.of("Europe/Oslo"));
    private final java.util.Map<String, OutputStream> open = new java.util.TreeMap<>();
    private final java.util.Map<String, int[]> counts = new java.util.HashMap<>();

    BerFiles(Path dir) {
      this.dir = dir;
    }

    @Override
    boolean acceptsRawLines() {
      return false;
    }

    @Override
    void write(RawCdr record) throws IOException {
      String element = record.getNetworkElement();
      int[] c = counts.computeIfAbsent(element, e -> new int[2]); // records in file, file number
      OutputStream out = open.get(element);
      if (out == null || c[0] == RECORDS_PER_FILE) {
        if (out != null) {
          out.close();
        }
        c[0] = 0;
        c[1]++;
        out =
            new BufferedOutputStream(
                Files.newOutputStream(
                    dir.resolve(String.format(Locale.ROOT, "%s_-_%06d.ber", element, c[1]))),
                1 << 16);
        open.put(element, out);
      }
      out.write(encoder.encode(encodable(record)));
      c[0]++;
    }

    /**
     * TBCD holds digits, {@code * # a b c} only: another letter the generator injects (a record
     * mediation rejects BAD_NUMBER) is written as {@code c}, which mediation rejects the same way.
     */
    private static RawCdr encodable(RawCdr r) {
      String called = r.getCalledNumber();
      if (called == null || called.matches("\\+?[0-9*#abc]*")) {
        return r;
      }
      RawCdr copy = RawCdr.newBuilder(r).build();
      copy.setCalledNumber(called.charAt(0) + called.substring(1).replaceAll("[^0-9*#abc]", "c"));
      return copy;
    }

    @Override
    void writeRawLine(String line) {
      throw new UnsupportedOperationException("BER files hold records only");
    }

    @Override
    public void close() throws IOException {
      for (OutputStream out : open.values()) {
        out.close();
      }
    }
  }

  /** JSON lines through {@link CdrFeedWriter}; raw lines go between its flushes. */
  private static final class JsonLines extends FeedSink {
    private final OutputStream file;
    private final CdrFeedWriter writer;

    JsonLines(Path feed) throws IOException {
      this.file = new BufferedOutputStream(Files.newOutputStream(feed), 1 << 16);
      this.writer = CdrFeedWriter.jsonLines(file);
    }

    @Override
    boolean acceptsRawLines() {
      return true;
    }

    @Override
    void write(RawCdr record) throws IOException {
      writer.write(record);
    }

    @Override
    void writeRawLine(String line) throws IOException {
      writer.flush();
      file.write(line.getBytes(StandardCharsets.UTF_8));
      file.write('\n');
    }

    @Override
    public void close() throws IOException {
      writer.close();
    }
  }

  /**
   * An Avro container file like {@code CdrFeedWriter.container} writes (current schema, no
   * compression), but with a sync marker derived from the seed instead of a random one.
   */
  private static final class Container extends FeedSink {
    private final DataFileWriter<RawCdr> writer;

    Container(Path feed, byte[] sync) throws IOException {
      writer =
          new DataFileWriter<>(new SpecificDatumWriter<>(RawCdr.class))
              .setCodec(CodecFactory.nullCodec());
      OutputStream out = Files.newOutputStream(feed);
      try {
        writer.create(RawCdrSchemas.current(), out, sync);
      } catch (IOException | RuntimeException e) {
        out.close();
        throw e;
      }
    }

    @Override
    boolean acceptsRawLines() {
      return false;
    }

    @Override
    void write(RawCdr record) throws IOException {
      writer.append(record);
    }

    @Override
    void writeRawLine(String line) {
      throw new UnsupportedOperationException("an Avro container holds records only");
    }

    @Override
    public void close() throws IOException {
      writer.close();
    }
  }
}
