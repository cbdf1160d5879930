package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.cdrflow.connectors.db.DatabaseSchema;
import org.cdrflow.connectors.db.ReferenceDataException;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.local.EmbeddedStack;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;
import org.cdrflow.schema.codec.RawCdrCodec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The foundation on the real stack: KRaft broker, PostgreSQL, Flyway, reference CSVs, codec. */
class FoundationIT {
  static final Path EXAMPLES = Path.of("..", "examples", "reference");
  private static EmbeddedStack stack;
  private static ReferenceDataLoader loader;

  @BeforeAll
  static void start() throws Exception {
    Path work = Files.createTempDirectory(Path.of("target"), "foundation-");
    stack = EmbeddedStack.start(work);
    DatabaseSchema.migrate(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
    loader = new ReferenceDataLoader(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }

  @AfterAll
  static void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void theExampleReferenceDataLoadsIntoTheMigratedSchema() throws Exception {
    loader.load(EXAMPLES);
    try (Connection c = connect()) {
      for (String table : List.of("subscription", "rate", "country_zone", "interconnect_rate")) {
        long csvRows = dataLines(EXAMPLES.resolve(table + ".csv"));
        assertEquals(csvRows, count(c, table), table + " has one row per CSV line");
      }
    }
  }

  @Test
  void aMalformedCsvNamesFileLineAndColumnAndChangesNoTable() throws Exception {
    loader.load(EXAMPLES);
    Path dir = Files.createTempDirectory(Path.of("target"), "bad-reference-");
    List<String> lines = new ArrayList<>(Files.readAllLines(EXAMPLES.resolve("rate.csv")));
    lines.set(1, lines.get(1).replace("DOMESTIC", "DOMESTIC_CHANGED"));
    String[] cells = lines.get(3).split(",", -1);
    cells[5] = "sixty"; // first_interval on line 4 is not a number
    lines.set(3, String.join(",", cells));
    Files.write(dir.resolve("rate.csv"), lines);

    try (Connection c = connect()) {
      long before = count(c, "rate");
      ReferenceDataException e = assertThrows(ReferenceDataException.class, () -> loader.load(dir));
      assertTrue(e.getMessage().contains("rate.csv"), e.getMessage());
      assertTrue(e.getMessage().contains("line 4"), e.getMessage());
      assertTrue(e.getMessage().contains("first_interval"), e.getMessage());
      assertEquals(before, count(c, "rate"));
      assertEquals(0, count(c, "rate where zone = 'DOMESTIC_CHANGED'"), "line 2 was not loaded");
    }
  }

  @Test
  void aRawCdrGoesThroughTheRealBrokerInSingleObjectEncodingAndComesBackEqual() {
    stack.createTopics(Map.of("cdr.raw.foundation", 1));
    RawCdr cdr =
        RawCdr.newBuilder()
            .setNetworkElement("MSC-OSL-1")
            .setCallReference("REF-1")
            .setSequenceNumber(0)
            .setLastPartial(true)
            .setRecordType(RecordType.MOC)
            .setServedMsisdn("+4791000101")
            .setCalledNumber("+4745000000")
            .setSeizureTime(Instant.parse("2026-10-01T08:00:00Z"))
            .setAnswerTime(Instant.parse("2026-10-01T08:00:05Z"))
            .setDurationSeconds(125)
            .setCauseForTerm("NORMAL")
            .build();
    byte[] bytes = RawCdrCodec.encode(cdr);
    assertEquals((byte) 0xC3, bytes[0], "single-object encoding marker");
    assertEquals((byte) 0x01, bytes[1]);

    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(
          new ProducerRecord<>(
              "cdr.raw.foundation", RawCdrCodec.key(cdr).getBytes(StandardCharsets.UTF_8), bytes));
      producer.flush();
    }

    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrapServers());
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "foundation-it");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("cdr.raw.foundation"));
      List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (got.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(got::add);
      }
      assertFalse(got.isEmpty(), "the record came back");
      assertEquals("MSC-OSL-1|REF-1", new String(got.get(0).key(), StandardCharsets.UTF_8));
      assertArrayEquals(bytes, got.get(0).value());
      assertEquals(cdr, decode(got.get(0).value()));
    }
  }

  private static RawCdr decode(byte[] b) {
    try {
      return RawCdrCodec.decode(b);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static long dataLines(Path csv) throws Exception {
    try (Stream<String> lines = Files.lines(csv)) {
      return lines.skip(1).filter(l -> !l.isBlank()).count();
    }
  }

  private static Connection connect() throws Exception {
    return DriverManager.getConnection(stack.jdbcUrl(), stack.jdbcUser(), stack.jdbcPassword());
  }

  private static long count(Connection c, String tableAndWhere) throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select count(*) from " + tableAndWhere)) {
      r.next();
      return r.getLong(1);
    }
  }
}
