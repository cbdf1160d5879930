package org.cdrflow.connectors.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.schema.codec.CdrFeedReader;
import org.cdrflow.schema.codec.FeedRecord;

/**
 * Publishes a feed file on the raw topic in file order, as the network would: key {@code
 * networkElement|callReference}, value the single-object-encoded record (or, for a line that is not
 * a record, its original bytes, so the job rejects it with them).
 */
public final class FeedProducer implements AutoCloseable {
  /** Header naming the feed a record belongs to (docs/reliability.md, "Resumable feeds"). */
  public static final String FEED_HEADER = "cdrflow-feed";

  /** Header with the record's position in its feed, 0-based, in decimal. */
  public static final String POSITION_HEADER = "cdrflow-feed-position";

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final Properties consumerProperties;

  public FeedProducer(String bootstrapServers, String topic, Properties clientProperties) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = topic;
    Properties c = new Properties();
    c.putAll(clientProperties);
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    this.consumerProperties = c;
  }

  /** A producer to the configuration's raw topic, with its broker and client settings. */
  public static FeedProducer toRawTopic(CdrflowConfig config) {
    return new FeedProducer(
        config.require(CdrflowConfig.KAFKA_BOOTSTRAP),
        config.get(CdrflowConfig.TOPIC_RAW),
        config.kafkaClientProperties());
  }

  /** Sends every record of {@code file}; returns how many. {@code progress} sees the count. */
  public long send(Path file, LongConsumer progress) throws IOException {
    return send(file, progress, 0);
  }

  /**
   * Sends every record of {@code file}, at most {@code perSecond} a second when positive (the demo
   * streams at a rate a person can watch); returns how many.
   */
  public long send(Path file, LongConsumer progress, long perSecond) throws IOException {
    AtomicReference<Exception> failure = new AtomicReference<>();
    long n = 0;
    long started = System.nanoTime();
    try (CdrFeedReader reader = CdrFeedReader.open(file)) {
      while (reader.hasNext()) {
        FeedRecord r = reader.next();
        send(r.key(), r.value(), null, failure);
        n++;
        if (progress != null && n % 100 == 0) {
          progress.accept(n);
        }
        if (perSecond > 0 && n % 100 == 0) {
          long due = started + n * 1_000_000_000L / perSecond;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            try {
              Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IOException("interrupted while feeding", e);
            }
          }
        }
      }
    }
    producer.flush();
    if (failure.get() != null) {
      throw new IOException(
          "publishing the feed failed: " + failure.get().getMessage(), failure.get());
    }
    if (progress != null) {
      progress.accept(n);
    }
    return n;
  }

  /** One record of a feed: key (null when the record has none), value, optional header. */
  public record Outgoing(String key, byte[] value, String[] header) {}

  /** What {@link #sendRest} did: records of the feed, those already on the topic, those sent. */
  public record FeedResult(long total, long alreadyOnTopic, long sent) {}

  /**
   * The identity of a feed file: the SHA-256 of its bytes, so the same input is recognised whatever
   * its name, and a changed file is another feed.
   */
  public static String identityOf(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The records of a feed file in file order. */
  public static Iterator<Outgoing> recordsOf(CdrFeedReader reader) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return reader.hasNext();
      }

      @Override
      public Outgoing next() {
        FeedRecord r = reader.next();
        return new Outgoing(r.key(), r.value(), null);
      }
    };
  }

  /**
   * Sends {@code file} as feed {@link #identityOf(Path)}, only what of it is not on the topic yet
   * (see {@link #sendRest(String, Path, Iterator, LongConsumer, long)}).
   */
  public FeedResult sendRest(Path file, Path ledgerDir, LongConsumer progress, long perSecond)
      throws IOException {
    String feed = identityOf(file);
    try (CdrFeedReader reader = CdrFeedReader.open(file)) {
      return sendRest(feed, ledgerDir, recordsOf(reader), progress, perSecond);
    }
  }

  /**
   * Sends the records of feed {@code feed} that are not on the topic yet, so that a run killed at
   * any point and started again puts every record on the topic exactly once (docs/reliability.md,
   * "Resumable feeds").
   *
   * <p>Every record carries the feed's identity and its position in the feed as headers and goes to
   * a partition computed here from its key (Kafka's own hash of the key, or the position for a
   * record without key), so a rerun knows where each record would be. The idempotent producer keeps
   * each partition in send order without gaps, even across retries, so the records of this feed on
   * a partition are always a prefix of the feed's records for that partition: the rerun reads the
   * feed's part of each partition, notes the highest position there, and sends only the records
   * after it. It reads from the partition ends noted in {@code ledgerDir} before the feed's first
   * record was sent, so it never reads further back than the feed itself.
   *
   * @param records the feed in its order; the same order on every run
   */
  public FeedResult sendRest(
      String feed,
      Path ledgerDir,
      Iterator<Outgoing> records,
      LongConsumer progress,
      long perSecond)
      throws IOException {
    int partitions = producer.partitionsFor(topic).size();
    long[] onTopic = highestPositions(feed, ledgerDir, partitions);
    AtomicReference<Exception> failure = new AtomicReference<>();
    byte[] feedBytes = feed.getBytes(StandardCharsets.UTF_8);
    long position = 0;
    long skipped = 0;
    long started = System.nanoTime();
    while (records.hasNext()) {
      Outgoing r = records.next();
      byte[] key = r.key() == null ? null : r.key().getBytes(StandardCharsets.UTF_8);
      int partition =
          key == null
              ? (int) (position % partitions)
              : Utils.toPositive(Utils.murmur2(key)) % partitions;
      if (position <= onTopic[partition]) {
        skipped++;
      } else {
        ProducerRecord<byte[], byte[]> rec = new ProducerRecord<>(topic, partition, key, r.value());
        rec.headers().add(FEED_HEADER, feedBytes);
        rec.headers()
            .add(POSITION_HEADER, Long.toString(position).getBytes(StandardCharsets.US_ASCII));
        if (r.header() != null) {
          rec.headers().add(r.header()[0], r.header()[1].getBytes(StandardCharsets.UTF_8));
        }
        producer.send(
            rec,
            (md, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
      }
      position++;
      if (progress != null && position % 100 == 0) {
        progress.accept(position);
      }
      if (perSecond > 0 && position % 100 == 0 && position > skipped) {
        pace(started, position - skipped, perSecond);
      }
    }
    producer.flush();
    if (failure.get() != null) {
      throw new IOException(
          "publishing the feed failed: " + failure.get().getMessage(), failure.get());
    }
    if (progress != null) {
      progress.accept(position);
    }
    return new FeedResult(position, skipped, position - skipped);
  }

  private static void pace(long started, long sent, long perSecond) throws IOException {
    long due = started + sent * 1_000_000_000L / perSecond;
    long wait = due - System.nanoTime();
    if (wait > 0) {
      try {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while feeding", e);
      }
    }
  }

  /**
   * For each partition, the highest position of a record of {@code feed} on it, or -1. Notes the
   * partition ends in the ledger first if this feed has none yet: written (atomically) before the
   * feed's first record is sent, so no record of the feed lies before them.
   */
  private long[] highestPositions(String feed, Path ledgerDir, int partitions) throws IOException {
    long[] highest = new long[partitions];
    Arrays.fill(highest, -1);
    List<TopicPartition> tps = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      tps.add(new TopicPartition(topic, p));
    }
    Files.createDirectories(ledgerDir);
    Path ledger = ledgerDir.resolve(feed + ".start");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            consumerProperties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      Map<TopicPartition, Long> end = consumer.endOffsets(tps, Duration.ofSeconds(60));
      if (!Files.exists(ledger)) {
        Properties start = new Properties();
        end.forEach(
            (tp, offset) -> start.setProperty(Integer.toString(tp.partition()), "" + offset));
        Path tmp = ledgerDir.resolve(feed + ".start.tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
          start.store(out, "partition ends before the first record of feed " + feed);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(
            tmp, ledger, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return highest;
      }
      Properties start = new Properties();
      try (InputStream in = Files.newInputStream(ledger)) {
        start.load(in);
      }
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, Duration.ofSeconds(60));
      consumer.assign(tps);
      List<TopicPartition> open = new ArrayList<>();
      for (TopicPartition tp : tps) {
        long from = Long.parseLong(start.getProperty(Integer.toString(tp.partition()), "0"));
        from = Math.max(begin.get(tp), Math.min(from, end.get(tp)));
        consumer.seek(tp, from);
        if (from < end.get(tp)) {
          open.add(tp);
        }
      }
      byte[] feedBytes = feed.getBytes(StandardCharsets.UTF_8);
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      while (!open.isEmpty()) {
        for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(500))) {
          Header f = rec.headers().lastHeader(FEED_HEADER);
          Header at = rec.headers().lastHeader(POSITION_HEADER);
          if (f != null && at != null && Arrays.equals(f.value(), feedBytes)) {
            long pos = Long.parseLong(new String(at.value(), StandardCharsets.US_ASCII));
            highest[rec.partition()] = Math.max(highest[rec.partition()], pos);
          }
        }
        open.removeIf(tp -> consumer.position(tp) >= end.get(tp));
        if (System.nanoTime() > deadline) {
          throw new IOException("could not read back the raw topic within 10 minutes");
        }
      }
    }
    return highest;
  }

  /** Sends one record; {@code header}, when set, is added as a header (name, value). */
  public void send(String key, byte[] value, String[] header, AtomicReference<Exception> failure) {
    ProducerRecord<byte[], byte[]> rec =
        new ProducerRecord<>(
            topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    if (header != null) {
      rec.headers().add(header[0], header[1].getBytes(StandardCharsets.UTF_8));
    }
    producer.send(
        rec,
        (md, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
  }

  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
