package org.cdrflow.connectors.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server of a running stack restarted in place (the fault tests' broker and database restarts,
 * docs/reliability.md): same address, same data, and clients that lived through it carry on.
 */
class EmbeddedStackRestartIT {
  private static final String TOPIC = "it.restart";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  @Test
  void eachServerRestartedInPlaceKeepsItsAddressAndDataAndItsClientsCarryOn() throws Exception {
    // One stack for both: starting one costs seconds.
    try (EmbeddedStack stack = EmbeddedStack.start(workDir)) {
      stack.createTopics(Map.of(TOPIC, 1));
      String address = stack.kafkaBootstrapServers();
      long pid = stack.kafkaBrokerPid();
      try (KafkaProducer<byte[], byte[]> producer = producer(address)) {
        send(producer, "before");
        stack.restartKafka(Duration.ofSeconds(1));
        assertEquals(address, stack.kafkaBootstrapServers());
        assertNotEquals(pid, stack.kafkaBrokerPid(), "a new broker process");
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        // The producer created before the restart reconnects to the same address by itself.
        send(producer, "after");
      }
      assertEquals(List.of("before", "after"), readAll(address));

      String url = stack.jdbcUrl();
      try (Connection before = connect(stack)) {
        try (Statement s = before.createStatement()) {
          s.execute("CREATE TABLE it_row (note text)");
          s.execute("INSERT INTO it_row VALUES ('kept')");
        }
        stack.restartPostgres(Duration.ofSeconds(1));
        assertEquals(url, stack.jdbcUrl());
        assertFalse(before.isValid(2), "a connection from before the restart is cut");
      }
      try (Connection after = connect(stack);
          Statement s = after.createStatement();
          ResultSet r = s.executeQuery("SELECT note FROM it_row")) {
        assertTrue(r.next());
        assertEquals("kept", r.getString(1));
      }
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(String address) {
    Properties p = new Properties();
    p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, address);
    p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String value) throws Exception {
    producer
        .send(new ProducerRecord<>(TOPIC, value.getBytes(StandardCharsets.UTF_8)))
        .get(60, TimeUnit.SECONDS);
  }

  private static List<String> readAll(String address) {
    Properties p = new Properties();
    p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, address);
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < 2 && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          values.add(new String(r.value(), StandardCharsets.UTF_8));
        }
      }
    }
    return values;
  }

  private static Connection connect(EmbeddedStack stack) throws Exception {
    return DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }
}
