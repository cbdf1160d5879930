package org.cdrflow.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.cdrflow.connectors.kafka.TopicToEnd;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.RawCdrDecoder;
import org.cdrflow.schema.codec.UndecodableRecordException;

/**
 * The first ceiling: how fast the raw topic can be read and decoded with nothing else to do. One
 * plain consumer per partition (as many as the job's source subtasks), each decoding every value
 * with {@link RawCdrDecoder}; no processing, no sink.
 */
final class ConsumeCeiling {
  private ConsumeCeiling() {}

  /** Records read and decoded, and how long it took. */
  record Result(long records, long undecodable, double seconds) {
    double perSecond() {
      return records / seconds;
    }
  }

  static Result measure(String bootstrap, Properties client, String topic, int partitions)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(partitions);
    try {
      long started = System.nanoTime();
      List<Future<long[]>> parts = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        TopicPartition tp = new TopicPartition(topic, p);
        parts.add(pool.submit(() -> readAll(bootstrap, client, tp)));
      }
      long records = 0;
      long undecodable = 0;
      for (Future<long[]> f : parts) {
        long[] r = f.get();
        records += r[0];
        undecodable += r[1];
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      return new Result(records, undecodable, seconds);
    } finally {
      pool.shutdownNow();
    }
  }

  private static long[] readAll(String bootstrap, Properties client, TopicPartition tp) {
    Properties p = new Properties();
    p.putAll(client);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    RawCdrDecoder decoder = new RawCdrDecoder();
    RawCdr[] reuse = {null};
    long[] counts = new long[2];
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicToEnd.read(
          consumer,
          List.of(tp),
          Duration.ofMinutes(10),
          r -> {
            counts[0]++;
            try {
              reuse[0] = decoder.decode(r.value(), reuse[0]);
            } catch (UndecodableRecordException | RuntimeException e) {
              counts[1]++;
            }
          });
    }
    return counts;
  }
}
