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

  /** The feed's clock has reached {@code millis} (send time of the next record). */
  void at(long millis) throws IOException {}

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
   * (docs/formats.md): per element, a file every {@link #FILE_MINUTES} minutes of event time,
   * {@code <element>_-_<yyyyMMdd'T'HHmm'Z'>.ber} after the window it opened in, modified at the
   * window's end (the collector takes files in that order); time stamps in Oslo local time.
   */
  static final class BerFiles extends FeedSink {
    static final int FILE_MINUTES = 10;
    private static final long WINDOW_MS = FILE_MINUTES * 60_000L;
    private static final java.time.format.DateTimeFormatter NAME =
        java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'", Locale.ROOT)
            .withZone(java.time.ZoneOffset.UTC);

    private final Path dir;
    private final org.cdrflow.collector.ber.ChargingRecordEncoder encoder =
        new org.cdrflow.collector.ber.ChargingRecordEncoder(java.time.ZoneId.of("Europe/Oslo"));
    private final java.util.Map<String, OpenFile> open = new java.util.TreeMap<>();

    private record OpenFile(Path path, OutputStream out, long window) {}

    BerFiles(Path dir) {
      // Copying a record (RawCdr.newBuilder) passes Avro's class check; no codec of ours has
      // registered our classes yet when the BER files are the first thing a JVM writes.
      org.cdrflow.schema.codec.SchemaTrust.ensureRegistered();
      this.dir = dir;
    }

    @Override
    boolean acceptsRawLines() {
      return false;
    }

    @Override
    void write(RawCdr record) throws IOException {
      String element = record.getNetworkElement();
      java.time.Instant t =
          record.getAnswerTime() != null ? record.getAnswerTime() : record.getSeizureTime();
      long window = Math.floorDiv(t.toEpochMilli(), WINDOW_MS);
      OpenFile f = open.get(element);
      // A record of an earlier window (a duplicate, a late partial) goes into the open file.
      if (f == null || window > f.window) {
        if (f != null) {
          close(f);
        }
        Path path =
            dir.resolve(
                element
                    + org.cdrflow.collector.ber.ChargingFileDecoder.NODE_ID_SEPARATOR
                    + NAME.format(java.time.Instant.ofEpochMilli(window * WINDOW_MS))
                    + ".ber");
        f =
            new OpenFile(
                path, new BufferedOutputStream(Files.newOutputStream(path), 1 << 16), window);
        open.put(element, f);
      }
      f.out.write(encoder.encode(encodable(record)));
    }

    private static void close(OpenFile f) throws IOException {
      f.out.close();
      Files.setLastModifiedTime(
          f.path, java.nio.file.attribute.FileTime.fromMillis((f.window + 1) * WINDOW_MS));
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
      for (OpenFile f : open.values()) {
        close(f);
      }
    }
  }

  /** JSON lines in a file per month of send time, Europe/Oslo ({@code feed-YYYY-MM.jsonl}). */
  static FeedSink monthly(Path dir) {
    return new Monthly(dir);
  }

  static final class Monthly extends FeedSink {
    private final Path dir;
    private JsonLines current;
    private long monthEnd = Long.MIN_VALUE;

    Monthly(Path dir) {
      this.dir = dir;
    }

    static String fileName(java.time.YearMonth month) {
      return "feed-" + month + ".jsonl";
    }

    @Override
    void at(long millis) throws IOException {
      if (current != null && millis < monthEnd) {
        return;
      }
      java.time.YearMonth month =
          java.time.YearMonth.from(
              java.time.Instant.ofEpochMilli(millis).atZone(GeneratorSettings.OSLO));
      if (current != null) {
        current.close();
      }
      current = new JsonLines(dir.resolve(fileName(month)));
      monthEnd =
          month
              .plusMonths(1)
              .atDay(1)
              .atStartOfDay(GeneratorSettings.OSLO)
              .toInstant()
              .toEpochMilli();
    }

    @Override
    boolean acceptsRawLines() {
      return true;
    }

    @Override
    void write(RawCdr record) throws IOException {
      current.write(record);
    }

    @Override
    void writeRawLine(String line) throws IOException {
      current.writeRawLine(line);
    }

    @Override
    public void close() throws IOException {
      if (current != null) {
        current.close();
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
