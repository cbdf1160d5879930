package org.cdrflow.cli;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.cdrflow.connectors.config.CdrflowConfig;

/**
 * Progress lines for the long phases of a command (feeding, processing), at most one every {@link
 * #EVERY_NANOS}, so that nothing runs for more than a few seconds in silence.
 */
final class PhaseProgress {
  static final long EVERY_NANOS = 5_000_000_000L;

  private PhaseProgress() {}

  /** Prints {@code " feeding: N records (R records/s)"} as a feed is sent. */
  static LongConsumer feeding(PrintStream out) {
    long started = System.nanoTime();
    long[] last = {started};
    return n -> {
      long now = System.nanoTime();
      if (now - last[0] >= EVERY_NANOS) {
        last[0] = now;
        out.printf(
            Locale.ROOT, "   feeding: %,d records (%,d records/s)%n", n, rate(n, now - started));
      }
    };
  }

  static long rate(long n, long nanos) {
    return nanos <= 0 ? 0 : n * 1_000_000_000L / nanos;
  }

  /**
   * While it is open, prints how far the streaming job has got through the raw topic: the records
   * its consumer group has committed (with a checkpoint) since it was opened, out of those on the
   * topic then, and the rate.
   */
  static final class Processing implements AutoCloseable {
    private final Thread thread;
    private volatile boolean stopped;

    private Processing(CdrflowConfig config, PrintStream out) {
      thread = new Thread(() -> report(config, out), "cdrflow-progress");
      thread.setDaemon(true);
      thread.start();
    }

    static Processing start(CdrflowConfig config, PrintStream out) {
      return new Processing(config, out);
    }

    private void report(CdrflowConfig config, PrintStream out) {
      Properties p = config.kafkaClientProperties();
      p.put(
          AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          config.require(CdrflowConfig.KAFKA_BOOTSTRAP));
      String topic = config.get(CdrflowConfig.TOPIC_RAW);
      String group = config.get(CdrflowConfig.KAFKA_GROUP_ID);
      try (Admin admin = Admin.create(p)) {
        long base = committed(admin, group, topic);
        long end = end(admin, topic);
        long started = System.nanoTime();
        long printed = -1;
        while (!stopped) {
          sleep();
          if (stopped) {
            return;
          }
          long done = committed(admin, group, topic) - base;
          if (done != printed) {
            printed = done;
            out.printf(
                Locale.ROOT,
                "   processing: %,d of %,d records (%,d records/s)%n",
                done,
                end - base,
                rate(done, System.nanoTime() - started));
          }
        }
      } catch (Exception e) {
        // Progress is a courtesy: the job's own outcome is reported by the command.
      }
    }

    private void sleep() {
      long until = System.nanoTime() + EVERY_NANOS;
      while (!stopped && System.nanoTime() < until) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          stopped = true;
        }
      }
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      long sum = 0;
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
        if (e.getKey().topic().equals(topic) && e.getValue() != null) {
          sum += e.getValue().offset();
        }
      }
      return sum;
    }

    private static long end(Admin admin, String topic) throws Exception {
      int partitions =
          admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      for (int i = 0; i < partitions; i++) {
        specs.put(new TopicPartition(topic, i), OffsetSpec.latest());
      }
      long sum = 0;
      for (var info : admin.listOffsets(specs).all().get().values()) {
        sum += info.offset();
      }
      return sum;
    }

    @Override
    public void close() throws InterruptedException {
      stopped = true;
      thread.join(10_000);
    }
  }
}
