package org.cdrflow.connectors.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.schema.codec.CdrFeedReader;
import org.cdrflow.schema.codec.FeedRecord;

/**
 * Publishes a feed file on the raw topic in file order, as the network would: key {@code
 * networkElement|callReference}, value the single-object-encoded record (or, for a line that is not
 * a record, its original bytes, so the job rejects it with them).
 */
public final class FeedProducer implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;

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
