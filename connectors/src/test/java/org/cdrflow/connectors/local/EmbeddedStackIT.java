package org.cdrflow.connectors.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStackIT {

  private static final String TOPIC = "it.records";
  private static final int PARTITIONS = 3;
  private static final int RECORDS = 100;
  private static final String GROUP = "it-group";

  // Under surefire java.io.tmpdir is target/tmp; kept on failure for its logs.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path workDir;

  @Test
  void keepsTopicsOffsetsAndDatabaseAcrossARestartOnTheSameDirectory() throws Exception {
    List<byte[]> sent = records(RECORDS);
    long brokerPid;
    long postmasterPid;

    long t0 = System.nanoTime();
    try (EmbeddedStack stack = EmbeddedStack.start(workDir)) {
      report("first start", t0);
      assertTrue(stack.kafkaBootstrapServers().startsWith("127.0.0.1:"));
      assertTrue(stack.jdbcUrl().startsWith("jdbc:postgresql://127.0.0.1:"));

      stack.createTopics(Map.of(TOPIC, PARTITIONS));
      stack.createTopics(Map.of(TOPIC, PARTITIONS)); // existing topics are fine
      stack.createTopics("it.default-partitions");
      assertEquals(
          Map.of(TOPIC, PARTITIONS, "it.default-partitions", EmbeddedStack.DEFAULT_PARTITIONS),
          partitionCounts(stack, List.of(TOPIC, "it.default-partitions")));

      produce(stack, sent);
      assertRecordsEqual(sent, consumeAsGroupAndCommit(stack));

      try (Connection connection = connect(stack);
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE it_row (id int PRIMARY KEY, note text NOT NULL)");
        statement.execute("INSERT INTO it_row VALUES (1, 'survives a restart')");
      }

      IllegalStateException busy =
          assertThrows(IllegalStateException.class, () -> EmbeddedStack.start(workDir));
      assertTrue(busy.getMessage().contains("in use"), busy.getMessage());

      brokerPid = stack.kafkaBrokerPid();
      postmasterPid = postmasterPid();
      assertTrue(isAlive(brokerPid) && isAlive(postmasterPid));
      t0 = System.nanoTime();
    }
    report("first close", t0);
    assertFalse(isAlive(brokerPid), "Kafka broker still running after close");
    assertFalse(isAlive(postmasterPid), "PostgreSQL still running after close");

    // A command that needs only the database starts PostgreSQL alone, and leaves the broker's
    // data for the next full start.
    t0 = System.nanoTime();
    try (EmbeddedStack database = EmbeddedStack.builder(workDir).databaseOnly().start()) {
      report("database-only start", t0);
      IllegalStateException noBroker =
          assertThrows(IllegalStateException.class, database::kafkaBootstrapServers);
      assertTrue(noBroker.getMessage().contains("without its Kafka broker"), noBroker.getMessage());
      try (Connection connection = connect(database);
          Statement statement = connection.createStatement()) {
        statement.execute("INSERT INTO it_row VALUES (2, 'written without the broker')");
      }
      postmasterPid = postmasterPid();
    }
    assertFalse(isAlive(postmasterPid), "PostgreSQL still running after close");

    t0 = System.nanoTime();
    try (EmbeddedStack stack = EmbeddedStack.start(workDir)) {
      report("restart", t0);
      assertRecordsEqual(sent, readFromBeginning(stack));
      assertEquals(RECORDS, committedOffsetTotal(stack));
      try (Connection connection = connect(stack);
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT id, note FROM it_row ORDER BY id")) {
        assertTrue(rows.next());
        assertEquals(1, rows.getInt(1));
        assertEquals("survives a restart", rows.getString(2));
        assertTrue(rows.next());
        assertEquals(2, rows.getInt(1));
        assertFalse(rows.next());
      }
      brokerPid = stack.kafkaBrokerPid();
      postmasterPid = postmasterPid();
      t0 = System.nanoTime();
    }
    report("second close", t0);
    assertFalse(isAlive(brokerPid), "Kafka broker still running after close");
    assertFalse(isAlive(postmasterPid), "PostgreSQL still running after close");
  }

  private static List<byte[]> records(int count) {
    Random random = new Random(42);
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[4 + random.nextInt(200)];
      random.nextBytes(payload);
      // The index leads so that records from several partitions can be put back in order.
      ByteBuffer.wrap(payload).putInt(i);
      records.add(payload);
    }
    return records;
  }

  private static void produce(EmbeddedStack stack, List<byte[]> records) throws Exception {
    Properties config = new Properties();
    config.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    config.setProperty(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < records.size(); i++) {
        byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(TOPIC, key, records.get(i)));
      }
      producer.flush();
    }
  }

  private static List<byte[]> consumeAsGroupAndCommit(EmbeddedStack stack) {
    Properties config = consumerConfig(stack);
    config.setProperty(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
    config.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(config)) {
      consumer.subscribe(List.of(TOPIC));
      List<byte[]> received = pollUntil(consumer, RECORDS);
      consumer.commitSync();
      return received;
    }
  }

  private static List<byte[]> readFromBeginning(EmbeddedStack stack) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(consumerConfig(stack))) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(TOPIC).stream()
              .map(info -> new TopicPartition(TOPIC, info.partition()))
              .collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      return pollUntil(consumer, RECORDS);
    }
  }

  private static Properties consumerConfig(EmbeddedStack stack) {
    Properties config = new Properties();
    config.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    return config;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(Properties config) {
    return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static List<byte[]> pollUntil(KafkaConsumer<byte[], byte[]> consumer, int count) {
    List<byte[]> received = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (received.size() < count && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
        received.add(record.value());
      }
    }
    // One more short poll: a surplus (duplicates) must fail the comparison too.
    consumer.poll(Duration.ofMillis(200)).forEach(record -> received.add(record.value()));
    return received;
  }

  private static void assertRecordsEqual(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size(), "number of records");
    List<byte[]> ordered = new ArrayList<>(actual);
    ordered.sort(Comparator.comparingInt(value -> ByteBuffer.wrap(value).getInt()));
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), ordered.get(i), "record " + i);
    }
  }

  private static Map<String, Integer> partitionCounts(EmbeddedStack stack, List<String> topics)
      throws Exception {
    try (Admin admin = admin(stack)) {
      Map<String, Integer> counts = new HashMap<>();
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get()
          .forEach((name, description) -> counts.put(name, description.partitions().size()));
      return counts;
    }
  }

  private static long committedOffsetTotal(EmbeddedStack stack) throws Exception {
    try (Admin admin = admin(stack)) {
      Map<TopicPartition, OffsetAndMetadata> offsets =
          admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
      assertEquals(PARTITIONS, offsets.size(), "committed partitions");
      return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }
  }

  private static Admin admin(EmbeddedStack stack) {
    Properties config = new Properties();
    config.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    return Admin.create(config);
  }

  private static Connection connect(EmbeddedStack stack) throws Exception {
    return DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }

  private long postmasterPid() throws Exception {
    Path pidFile = workDir.resolve("postgres/data/postmaster.pid");
    return Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
  }

  private static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(process -> !ServerProcesses.hasExited(process)).orElse(false);
  }

  private static void report(String what, long startNanos) {
    // Surefire keeps this in target/surefire-reports; handy when start-up time creeps up.
    System.out.printf(
        "EmbeddedStackIT: %s took %d ms%n", what, (System.nanoTime() - startNanos) / 1_000_000);
  }
}
