package org.cdrflow.connectors.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads partitions from their beginning up to the end they had when reading began: what was written
 * before, and nothing that comes during the read (the benchmark's consumers, the tests' checks of a
 * whole topic).
 */
public final class TopicToEnd {
  private TopicToEnd() {}

  /** Every partition of {@code topic}. */
  public static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(i -> new TopicPartition(topic, i.partition()))
        .toList();
  }

  /**
   * Assigns {@code partitions} to {@code consumer}, seeks to their beginning and hands every record
   * up to their current end to {@code each}.
   *
   * @throws IllegalStateException if the end is not reached within {@code timeout}
   */
  public static <K, V> void read(
      KafkaConsumer<K, V> consumer,
      Collection<TopicPartition> partitions,
      Duration timeout,
      Consumer<ConsumerRecord<K, V>> each) {
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "could not read " + partitions + " to their end within " + timeout);
      }
      for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(500))) {
        each.accept(r);
      }
    }
  }
}
