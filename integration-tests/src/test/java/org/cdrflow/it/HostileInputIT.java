package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.logging.log4j.Level;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.cli.RuntimeStack;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.export.TableExport;
import org.cdrflow.connectors.kafka.FeedProducer;
import org.cdrflow.connectors.kafka.IncomingCdrDeserializer;
import org.cdrflow.it.HostileFeed.Kind;
import org.cdrflow.it.HostileFeed.Message;
import org.cdrflow.jobs.LocalStreamingRun;
import org.cdrflow.pipeline.Rejection;
import org.junit.jupiter.api.Test;

/**
 * The raw feed comes from a subprocessor abroad and is untrusted, and what comes out is money:
 * 100,000 hostile messages ({@link HostileFeed}) published straight onto the raw topic of a fresh
 * embedded stack must neither stop nor restart the streaming job; each must be rated or rejected
 * with a reason, counted exactly once in the audit; and only the valid records among them may
 * produce output rows, none carrying anything of the hostile content.
 */
class HostileInputIT {
  private static final Path REFERENCE = Path.of("..", "examples", "reference");
  private static final long SEED = 20261121L;
  private static final int MESSAGES = 100_000;
  private static final int MEGABYTE_STRINGS = 10;
  private static final Pattern DIGIT_RUN = Pattern.compile("[0-9]{8,}");

  @Test
  void everyHostileMessageIsRejectedWithAReasonAndOnlyValidRecordsAreRated() throws Exception {
    HostileFeed feed = new HostileFeed(SEED);
    List<Message> messages = feed.generate(MESSAGES, MEGABYTE_STRINGS);
    int valid = feed.count(Kind.VALID);
    int resent = feed.count(Kind.RESENT);
    int hostile = MESSAGES - valid - resent;
    assertTrue(valid >= MESSAGES / 20 && resent > 0, "the feed has valid records and copies");

    Path work = Files.createTempDirectory(Path.of("target"), "untrusted-feed-");
    long started = System.nanoTime();
    try (CapturedLog log =
            CapturedLog.start(
                Map.of(
                    "org.cdrflow", Level.INFO,
                    // job and task state changes: a failure or a restart shows here
                    "org.apache.flink.runtime.executiongraph", Level.INFO));
        RuntimeStack stack = RuntimeStack.open(CdrflowConfig.defaults(), work)) {
      CdrflowConfig config = stack.config();
      CdrflowConfig.JdbcSettings jdbc = config.jdbc();
      new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(REFERENCE);
      long stackReady = System.nanoTime();

      publish(config, messages);
      long published = System.nanoTime();

      new LocalStreamingRun(config, work.resolve("job-state"))
          .runToEndOfTopic(Duration.ofMinutes(10), msg -> {});
      long drained = System.nanoTime();
      System.out.printf(
          "HostileInputIT: %d messages (%s); stack and reference %.1f s, publish %.1f s,"
              + " job to end of topic and drain %.1f s%n",
          MESSAGES,
          feed.counts(),
          seconds(started, stackReady),
          seconds(stackReady, published),
          seconds(published, drained));

      List<String> jobLog = log.lines();
      assertTrue(
          jobLog.stream().anyMatch(l -> l.contains("to RUNNING")),
          "the capture sees the job's state changes");
      for (String line : jobLog) {
        assertTrue(
            !line.contains("to RESTARTING")
                && !line.contains("to FAILING")
                && !line.contains("to FAILED"),
            "the job never failed or restarted: " + line);
      }

      try (Connection c = DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password())) {
        long unanswered = assertAudit(c, valid, resent, hostile);
        assertRejects(c, feed, messages, unanswered);
        assertLinesAreTheValidRecords(c, feed);
        assertNoHostileContent(c);
      }
      for (String line : log.lines()) {
        for (String marker : HostileFeed.MARKERS) {
          assertTrue(!line.contains(marker), "a log line carries hostile content: " + line);
        }
        assertNoNumber(line, feed.numberDigits(), "log line");
      }
      System.out.printf("HostileInputIT: whole test %.1f s%n", seconds(started, System.nanoTime()));
    }
    // Passed: the half gigabyte of broker, database and job state is of no further use (a failed
    // run keeps it for a look).
    try (Stream<Path> files = Files.walk(work)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  /** The reject id the job gives the message's record, decoded as the job decodes it. */
  private static String rejectIdOf(Message m) {
    List<IncomingCdr> out = new ArrayList<>();
    new IncomingCdrDeserializer()
        .deserialize(
            new ConsumerRecord<>("cdr.raw", 0, 0L, null, m.value()), new ListCollector<>(out));
    return Rejection.idOf(out.get(0));
  }

  /** Raw bytes straight onto the raw topic, as the subprocessor's producer would send them. */
  private static void publish(CdrflowConfig config, List<Message> messages) {
    Properties client = config.kafkaClientProperties();
    client.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(4 * 1024 * 1024));
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (FeedProducer producer =
        new FeedProducer(
            config.require(CdrflowConfig.KAFKA_BOOTSTRAP),
            config.get(CdrflowConfig.TOPIC_RAW),
            client)) {
      for (Message m : messages) {
        producer.send(m.key(), m.value(), null, failure);
      }
      producer.flush();
    }
    assertNull(failure.get(), "every message reached the raw topic");
  }

  /**
   * Received = rated + rejected + duplicates + unanswered + pending, each message once; returns how
   * many were unanswered calls.
   */
  private static long assertAudit(Connection c, int valid, int resent, int hostile)
      throws Exception {
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select coalesce(sum(received), 0), coalesce(sum(rated), 0),"
                    + " coalesce(sum(rejected), 0), coalesce(sum(duplicates), 0),"
                    + " coalesce(sum(unanswered), 0), coalesce(sum(pending_partials), 0),"
                    + " coalesce(sum(reprocessed), 0) from mediation_audit")) {
      r.next();
      long received = r.getLong(1);
      long rated = r.getLong(2);
      long rejected = r.getLong(3);
      long duplicates = r.getLong(4);
      long unanswered = r.getLong(5);
      long pending = r.getLong(6);
      assertEquals(
          received,
          rated + rejected + duplicates + unanswered + pending,
          "the audit equation holds: received = rated + rejected + duplicates + unanswered"
              + " + pending");
      assertEquals(MESSAGES, received, "every message sent was received exactly once");
      assertEquals(valid, rated, "every valid record was rated, once");
      assertEquals(resent, duplicates, "every copy of a valid record is a duplicate");
      // A flipped bit can turn an SMS into a voice record without answer and duration: an
      // unanswered call, counted and not kept (docs/mediation.md), decided before the lookup of
      // the (made-up) subscriber. assertRejects checks that only flipped messages do that.
      assertEquals(hostile, rejected + unanswered, "every hostile message was rejected");
      assertEquals(0, pending);
      assertEquals(0, r.getLong(7), "nothing was reprocessed");
      return unanswered;
    }
  }

  /**
   * One reject row per hostile record: messages with the same identity (network element, call
   * reference, record type, sequence number; the same bytes for one without) are one record and one
   * row (docs/reliability.md, "A record fed twice is one reject"), e.g. every message without a
   * value. Every row has a reason the contract names and a readable detail; the only hostile
   * messages without a row are bit-flipped ones that became unanswered calls.
   */
  private static void assertRejects(
      Connection c, HostileFeed feed, List<Message> messages, long unanswered) throws Exception {
    List<String> ids = new ArrayList<>();
    for (Message m : messages) {
      ids.add(m.kind() == Kind.VALID || m.kind() == Kind.RESENT ? null : rejectIdOf(m));
    }
    Map<Kind, Map<String, Integer>> reasonsByKind = new TreeMap<>();
    Set<String> rejected = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("select reason, detail, source_offset, reject_id from rejected_cdr")) {
      while (r.next()) {
        String reason = r.getString(1);
        String detail = r.getString(2);
        long offset = r.getLong(3);
        assertTrue(reason != null && !reason.isBlank(), "a reject has a reason");
        assertTrue(detail != null && !detail.isBlank(), "a reject has a detail: " + reason);
        // One partition, published in order: the offset is the message's index (of the last
        // message of the record's identity that was rejected).
        Kind kind = messages.get((int) offset).kind();
        assertTrue(!kind.rated(), "a valid record was rejected " + reason + ": " + detail);
        assertEquals(
            ids.get((int) offset), r.getString(4), "the reject id is the record's identity");
        assertTrue(rejected.add(r.getString(4)), "one row per record");
        assertNoNumber(detail, feed.numberDigits(), "reject detail");
        reasonsByKind.computeIfAbsent(kind, k -> new TreeMap<>()).merge(reason, 1, Integer::sum);
      }
    }
    System.out.println("HostileInputIT: reject reasons by kind " + reasonsByKind);
    List<Kind> withoutReject = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      if (ids.get(i) != null && !rejected.contains(ids.get(i))) {
        withoutReject.add(messages.get(i).kind());
      }
    }
    System.out.println("HostileInputIT: hostile messages without a reject row " + withoutReject);
    assertTrue(
        withoutReject.size() <= unanswered,
        "every other hostile message is rejected: " + withoutReject.size() + " > " + unanswered);
    assertTrue(
        withoutReject.stream().allMatch(k -> k == Kind.BIT_FLIPPED),
        "only a flipped bit can make an unanswered call: " + withoutReject);
    Map<Kind, Set<String>> expected = new HashMap<>();
    Set<String> undecodable = Set.of("UNDECODABLE");
    for (Kind k :
        List.of(
            Kind.RANDOM_BYTES,
            Kind.NO_VALUE,
            Kind.TRUNCATED,
            Kind.WRONG_FINGERPRINT,
            Kind.OTHER_SCHEMA,
            Kind.EXTRA_ENUM_SYMBOL,
            Kind.ENUM_INDEX,
            Kind.INVALID_UTF8)) {
      expected.put(k, undecodable);
    }
    expected.put(Kind.TIME_LIMIT, Set.of("BAD_TIME"));
    expected.put(Kind.NEGATIVE_VALUE, Set.of("BAD_TIME", "BAD_VALUE"));
    expected.put(Kind.OVERSIZED_VOLUME, Set.of("BAD_VALUE"));
    expected.put(Kind.NUMBER_LENGTH, Set.of("BAD_NUMBER", "MISSING_FIELD"));
    // visitedPlmn that names no network: NO_RATE (docs/mediation.md)
    Set<String> content = Set.of("BAD_VALUE", "BAD_NUMBER", "MISSING_FIELD", "NO_RATE");
    expected.put(Kind.HOSTILE_STRING, content);
    expected.put(Kind.HUGE_STRING, content);
    expected.forEach(
        (kind, reasons) -> {
          Map<String, Integer> got = reasonsByKind.getOrDefault(kind, Map.of());
          assertTrue(
              reasons.containsAll(got.keySet()),
              kind + " is rejected for " + reasons + ", not " + got);
        });
  }

  /** Every invoice line is one of the valid records sent, and every valid record has its line. */
  private static void assertLinesAreTheValidRecords(Connection c, HostileFeed feed)
      throws Exception {
    Set<String> lines = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("select network_element, call_reference from invoice_line")) {
      while (r.next()) {
        String line = r.getString(1) + "|" + r.getString(2);
        assertTrue(feed.validLines().contains(line), "a line not from a valid record: " + line);
        assertTrue(lines.add(line), "one line per record: " + line);
      }
    }
    assertEquals(feed.validLines(), lines, "every valid record has its invoice line");
  }

  /** No text in any output table carries anything of the hostile strings. */
  private static void assertNoHostileContent(Connection c) throws Exception {
    for (String table : TableExport.OUTPUT_TABLES.keySet()) {
      try (Statement s = c.createStatement();
          ResultSet r = s.executeQuery("select * from " + table)) {
        ResultSetMetaData md = r.getMetaData();
        List<Integer> text = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          if (md.getColumnType(i) != Types.BINARY) {
            text.add(i);
          }
        }
        while (r.next()) {
          for (int i : text) {
            String v = r.getString(i);
            if (v == null) {
              continue;
            }
            for (String marker : HostileFeed.MARKERS) {
              assertTrue(
                  !v.contains(marker),
                  table + "." + md.getColumnName(i) + " carries hostile content");
            }
          }
        }
      }
    }
  }

  private static void assertNoNumber(String text, Set<String> numbers, String where) {
    Matcher m = DIGIT_RUN.matcher(text);
    while (m.find()) {
      String run = m.group();
      for (int from = 0; from < run.length(); from++) {
        for (int to = from + 8; to <= Math.min(run.length(), from + 40); to++) {
          assertTrue(
              !numbers.contains(run.substring(from, to)), "a " + where + " holds a number used");
        }
      }
    }
  }

  private static double seconds(long from, long to) {
    return (to - from) / 1e9;
  }
}
