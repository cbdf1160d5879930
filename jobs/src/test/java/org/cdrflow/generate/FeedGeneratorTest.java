package org.cdrflow.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.cdrflow.cli.Cdrflow;
import org.cdrflow.numbers.BadNumberReason;
import org.cdrflow.numbers.MobileCountryCodes;
import org.cdrflow.numbers.NormalisedNumber;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.numbers.NumberNormaliser;
import org.cdrflow.numbers.VisitedNetwork;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;
import org.cdrflow.schema.codec.CdrFeedReader;
import org.cdrflow.schema.codec.FeedRecord;
import org.cdrflow.schema.codec.RawCdrCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FeedGeneratorTest {
  private static final long RECORDS = 40_000;
  private static final GeneratorSettings SETTINGS = GeneratorSettings.of(RECORDS, 800, 11);
  private static final NumberNormaliser NORMALISER = new NumberNormaliser();

  @TempDir static Path shared;

  private static GeneratedFeedSummary summary;
  private static Path referenceDir;

  /** The feed in file order; {@code cdr} is null for a line that is not a record. */
  private static final List<Line> lines = new ArrayList<>();

  private static final Set<String> subscribed = new HashSet<>();
  private static final Set<String> unknownReferences = new HashSet<>();
  private static final Set<String> malformedReferences = new HashSet<>();

  private record Line(FeedRecord raw, RawCdr cdr) {
    String key() {
      return cdr.getNetworkElement()
          + "|"
          + cdr.getCallReference()
          + "|"
          + cdr.getRecordType()
          + "|"
          + cdr.getSequenceNumber();
    }

    long eventTime() {
      Instant t = cdr.getAnswerTime() != null ? cdr.getAnswerTime() : cdr.getSeizureTime();
      return t.toEpochMilli();
    }
  }

  @BeforeAll
  static void generate() throws Exception {
    Path feed = shared.resolve("feed.jsonl");
    referenceDir = shared.resolve("reference");
    summary = FeedGenerator.write(SETTINGS, feed, referenceDir);
    try (CdrFeedReader reader = CdrFeedReader.open(feed)) {
      while (reader.hasNext()) {
        FeedRecord r = reader.next();
        lines.add(new Line(r, r.decoded() ? RawCdrCodec.decode(r.value()) : null));
      }
    }
    for (String[] row : csv(referenceDir.resolve("subscription.csv"))) {
      subscribed.add(row[2]);
    }
    for (InjectedReject i : summary.injectedRejects()) {
      (i.kind() == null ? unknownReferences : malformedReferences).add(i.callReference());
    }
  }

  @Test
  void theSameSeedGivesTheSameBytesAndAnotherSeedOtherBytes(@TempDir Path dir) throws Exception {
    GeneratorSettings s = GeneratorSettings.of(5_000, 200, 3);
    for (String name : List.of("feed.jsonl", "feed.avro")) {
      FeedGenerator.write(s, dir.resolve("a").resolve(name), dir.resolve("a-ref"));
      FeedGenerator.write(s, dir.resolve("b").resolve(name), dir.resolve("b-ref"));
      FeedGenerator.write(
          GeneratorSettings.of(5_000, 200, 4),
          dir.resolve("c").resolve(name),
          dir.resolve("c-ref"));
      byte[] a = Files.readAllBytes(dir.resolve("a").resolve(name));
      assertArrayEquals(a, Files.readAllBytes(dir.resolve("b").resolve(name)), name);
      assertFalse(Arrays.equals(a, Files.readAllBytes(dir.resolve("c").resolve(name))), name);
    }
    try (Stream<Path> files = Files.list(dir.resolve("a-ref"))) {
      for (Path f : files.toList()) {
        assertArrayEquals(
            Files.readAllBytes(f),
            Files.readAllBytes(dir.resolve("b-ref").resolve(f.getFileName())),
            f.getFileName().toString());
      }
    }
    assertFalse(
        Arrays.equals(
            Files.readAllBytes(dir.resolve("a-ref").resolve("subscription.csv")),
            Files.readAllBytes(dir.resolve("c-ref").resolve("subscription.csv"))));
  }

  @Test
  void theFeedHoldsExactlyTheRequestedRecords() {
    assertEquals(RECORDS, lines.size());
    assertEquals(RECORDS, summary.records());
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 17, 250})
  void evenATinyFeedHoldsExactlyTheRequestedRecords(long n, @TempDir Path dir) throws Exception {
    Path feed = dir.resolve("tiny.jsonl");
    GeneratedFeedSummary s = FeedGenerator.write(GeneratorSettings.of(n, 3, n), feed, dir);
    try (Stream<FeedRecord> records = CdrFeedReader.stream(feed)) {
      assertEquals(n, records.count());
    }
    assertEquals(n, s.records());
  }

  @Test
  void theMixIsThatOfAnOperatorsTraffic() {
    Map<RecordType, Long> byType = new TreeMap<>();
    long moc = 0;
    long mocUnanswered = 0;
    for (Line l : lines) {
      if (l.cdr != null) {
        byType.merge(l.cdr.getRecordType(), 1L, Long::sum);
        if (l.cdr.getRecordType() == RecordType.MOC && l.cdr.getSequenceNumber() == 0) {
          moc++;
          if (l.cdr.getAnswerTime() == null) {
            mocUnanswered++;
          }
        }
      }
    }
    double n = RECORDS;
    assertShare(0.45, 0.03, byType.get(RecordType.MOC) / n, "MOC");
    assertShare(0.20, 0.03, byType.get(RecordType.MTC) / n, "MTC");
    assertShare(
        0.15,
        0.02,
        (byType.get(RecordType.SMS_MO) + byType.get(RecordType.SMS_MT)) / n,
        "SMS_MO + SMS_MT");
    assertShare(0.15, 0.02, byType.get(RecordType.DATA) / n, "DATA");
    assertShare(0.03, 0.02, byType.get(RecordType.FWD) / n, "FWD");
    assertShare(0.10, 0.02, mocUnanswered / (double) moc, "unanswered share of MOC");
    assertEquals(byType, summary.recordsByType());
  }

  @Test
  void duplicatesAreExactCopiesSentLaterAndCountedInTheSummary() {
    Map<String, byte[]> first = new HashMap<>();
    long duplicates = 0;
    for (Line l : lines) {
      if (l.cdr == null) {
        continue;
      }
      byte[] earlier = first.putIfAbsent(l.key(), l.raw.value());
      if (earlier != null) {
        duplicates++;
        assertArrayEquals(earlier, l.raw.value(), "a duplicate is the same record");
      }
    }
    assertEquals(summary.duplicates(), duplicates);
    assertShare(0.005, 0.002, duplicates / (double) RECORDS, "duplicates");
  }

  @Test
  void everyInjectedRecordIsInTheFeedOnceWithItsOneDefect() {
    assertShare(0.003, 0.0015, summary.malformed() / (double) RECORDS, "malformed");
    assertShare(0.003, 0.0015, summary.unknownSubscriber() / (double) RECORDS, "unknown");
    assertEquals(
        summary.malformed() + summary.unknownSubscriber(), summary.injectedRejects().size());
    assertEquals(
        summary.injectedRejects().size(), malformedReferences.size() + unknownReferences.size());
    for (MalformedKind kind : MalformedKind.values()) {
      assertTrue(summary.malformedByKind().getOrDefault(kind, 0L) > 0, kind + " injected");
    }

    Map<String, MalformedKind> kindOf = new HashMap<>();
    summary.injectedRejects().stream()
        .filter(i -> i.kind() != null)
        .forEach(i -> kindOf.put(i.callReference(), i.kind()));
    Map<String, Integer> seen = new HashMap<>();
    long undecodable = 0;
    for (Line l : lines) {
      if (l.cdr == null) {
        undecodable++;
        String text = new String(l.raw.value(), StandardCharsets.UTF_8);
        String ref = kindOf.keySet().stream().filter(text::contains).findFirst().orElseThrow();
        assertEquals("UNDECODABLE", kindOf.get(ref).rejectReason());
        seen.merge(ref, 1, Integer::sum);
        continue;
      }
      String ref = l.cdr.getCallReference();
      MalformedKind kind = kindOf.get(ref);
      if (unknownReferences.contains(ref)) {
        seen.merge(ref, 1, Integer::sum);
      }
      if (kind == null) {
        continue;
      }
      seen.merge(ref, 1, Integer::sum);
      RawCdr c = l.cdr;
      switch (kind) {
        case MISSING_CALLED_NUMBER -> assertNull(c.getCalledNumber());
        case LETTER_IN_NUMBER ->
            assertEquals(
                BadNumberReason.LETTERS, NORMALISER.normalise(c.getCalledNumber()).badReason());
        case NEGATIVE_DURATION -> assertTrue(c.getDurationSeconds() < 0);
        case ANSWER_BEFORE_SEIZURE -> assertTrue(c.getAnswerTime().isBefore(c.getSeizureTime()));
        default -> throw new AssertionError(kind + " should not be a decodable record");
      }
    }
    assertEquals(
        summary.malformedByKind().get(MalformedKind.TRUNCATED_LINE)
            + summary.malformedByKind().get(MalformedKind.UNKNOWN_RECORD_TYPE),
        undecodable,
        "the lines that are not records are the injected ones");
    assertEquals(summary.injectedRejects().size(), seen.size(), "every injected record is there");
    assertTrue(seen.values().stream().allMatch(n -> n == 1), "and only once");
  }

  @Test
  void everySubscriberNumberNormalisesAndIsInTheSubscriptionFile() {
    BundledReference reference = BundledReference.load();
    for (String msisdn : subscribed) {
      assertEquals(NumberClass.MOBILE, NORMALISER.normalise(msisdn).numberClass());
      assertEquals("HOME", reference.operatorOf(msisdn), "in our own ranges");
    }
    Set<String> forms = new TreeSet<>();
    for (Line l : lines) {
      if (l.cdr == null) {
        continue;
      }
      String raw = l.cdr.getServedMsisdn();
      NormalisedNumber served = NORMALISER.normalise(raw);
      forms.add(
          raw.startsWith("+")
              ? "+47"
              : raw.startsWith("00") ? "0047" : raw.length() == 8 ? "national" : "47");
      if (unknownReferences.contains(l.cdr.getCallReference())) {
        assertFalse(subscribed.contains(served.number()), "an unknown subscriber has no row");
        assertEquals("HOME", reference.operatorOf(served.number()), "but is in our ranges");
      } else {
        assertTrue(subscribed.contains(served.number()), "the served number has a subscription");
      }
      if (!malformedReferences.contains(l.cdr.getCallReference())) {
        for (String other : new String[] {l.cdr.getCallingNumber(), l.cdr.getCalledNumber()}) {
          if (other != null) {
            NormalisedNumber n = NORMALISER.normalise(other);
            assertFalse(n.isBad(), "counterpart parses");
            assertTrue(n.numberClass() != NumberClass.UNKNOWN, "counterpart is a valid number");
          }
        }
      }
    }
    assertEquals(Set.of("+47", "0047", "47", "national"), forms, "raw forms are varied");
  }

  @Test
  void longCallsComeAsPartialRecordsThatAddUpToTheCall() {
    Map<String, List<RawCdr>> calls = new HashMap<>();
    Set<String> keys = new HashSet<>();
    for (Line l : lines) {
      if (l.cdr != null && l.cdr.getSequenceNumber() > 0 && keys.add(l.key())) {
        String call =
            l.cdr.getNetworkElement()
                + "|"
                + l.cdr.getCallReference()
                + "|"
                + l.cdr.getRecordType();
        calls.computeIfAbsent(call, k -> new ArrayList<>()).add(l.cdr);
      }
    }
    assertEquals(summary.partialCalls(), calls.size());
    assertTrue(calls.size() > 50, "enough long calls to see: " + calls.size());
    long records = 0;
    for (List<RawCdr> parts : calls.values()) {
      records += parts.size();
      assertTrue(parts.size() >= 2, "a long call has at least two partials");
      long answer = parts.get(0).getAnswerTime().toEpochMilli();
      int total = 0;
      for (int k = 1; k <= parts.size(); k++) {
        RawCdr p = parts.get(k - 1);
        assertEquals(k, p.getSequenceNumber(), "in order 1..n in the file");
        assertEquals(k == parts.size(), p.getLastPartial(), "only the last is flagged");
        assertEquals(
            answer + (k - 1) * TrafficModel.PARTIAL_SECONDS * 1000L,
            p.getAnswerTime().toEpochMilli(),
            "each partial starts where the one before ended");
        assertTrue(p.getDurationSeconds() > 0);
        if (k < parts.size()) {
          assertEquals(TrafficModel.PARTIAL_SECONDS, p.getDurationSeconds());
        }
        total += p.getDurationSeconds();
      }
      assertTrue(total > TrafficModel.PARTIAL_SECONDS, "the call is longer than one partial");
    }
    assertEquals(summary.partialRecords(), records);
  }

  @Test
  void eventTimesFollowTheFileWithinSecondsAndStayInsideTheFeedsDays() {
    long start = SETTINGS.startInstant().toEpochMilli();
    long end = SETTINGS.endInstant().toEpochMilli();
    Set<String> keys = new HashSet<>();
    long newest = Long.MIN_VALUE;
    long worstDisorder = 0;
    for (Line l : lines) {
      if (l.cdr == null || !keys.add(l.key())) {
        continue; // duplicates come late on purpose
      }
      long t = l.eventTime();
      assertTrue(t >= start && t < end, "inside the feed's days");
      if (newest != Long.MIN_VALUE) {
        worstDisorder = Math.max(worstDisorder, newest - t);
      }
      newest = Math.max(newest, t);
    }
    assertTrue(worstDisorder > 0, "some disorder, as in a real feed");
    assertTrue(worstDisorder <= 10_000, "a few seconds at most: " + worstDisorder + " ms");
    assertTrue(summary.firstEvent().toEpochMilli() - start < 3_600_000, "starts at the start");
    assertTrue(end - summary.lastEvent().toEpochMilli() < 3_600_000, "runs to the end");
  }

  @Test
  void roamingIsMostlyInTheEuZoneWithSomeWorldAndRareMaritime() throws Exception {
    Map<String, String> zoneOf = new HashMap<>();
    for (String[] row : csv(referenceDir.resolve("country_zone.csv"))) {
      zoneOf.put(row[0], row[1]);
    }
    MobileCountryCodes mcc = MobileCountryCodes.standard();
    Map<String, Long> byZone = new TreeMap<>();
    long roaming = 0;
    for (Line l : lines) {
      if (l.cdr == null) {
        continue;
      }
      VisitedNetwork v = mcc.visitedNetwork(l.cdr.getVisitedPlmn());
      switch (v.location()) {
        case HOME -> {}
        case INTERNATIONAL -> byZone.merge("MARITIME", 1L, Long::sum);
        case ROAMING -> {
          String zone = zoneOf.get(v.country());
          assertNotNull(zone, "every visited country has a zone");
          byZone.merge(zone, 1L, Long::sum);
        }
        default -> throw new AssertionError("visitedPlmn is not a known network");
      }
      if (v.location() != VisitedNetwork.Location.HOME) {
        roaming++;
      }
    }
    assertEquals(summary.roaming(), roaming);
    assertShare(0.08, 0.03, roaming / (double) RECORDS, "roaming");
    assertTrue(byZone.get("EU") > roaming / 2, "mostly EU: " + byZone);
    assertTrue(byZone.get("WORLD1") + byZone.get("WORLD2") > 0, "some WORLD: " + byZone);
    long maritime = byZone.getOrDefault("MARITIME", 0L);
    assertTrue(maritime > 0 && maritime < roaming / 10, "rare maritime: " + byZone);
  }

  @Test
  void everyRoamingDestinationResolvesToAZonedCountry() {
    BundledReference reference = BundledReference.load();
    for (RoamingModel.Destination d : RoamingModel.candidates()) {
      assertTrue(
          RoamingModel.isUsable(d, reference, MobileCountryCodes.standard()),
          "destination " + d.country());
    }
  }

  @Test
  void theReferenceDirectoryIsCompleteAndMatchesTheFeed() throws Exception {
    for (String table : BundledReference.TABLES) {
      assertTrue(Files.exists(referenceDir.resolve(table + ".csv")), table);
    }
    List<String[]> subscriptions = csv(referenceDir.resolve("subscription.csv"));
    assertEquals(SETTINGS.subscribers(), subscribed.size());
    Set<String> accounts = new TreeSet<>();
    Instant start = SETTINGS.startInstant();
    for (String[] row : subscriptions) {
      accounts.add(row[1]);
      if (!row[6].isEmpty()) {
        // Only plan changes end a row: within the feed, continued by the next row.
        assertTrue(OffsetDateTime.parse(row[6]).toInstant().isAfter(start), "no gap in the feed");
        assertTrue(hasLaterRow(subscriptions, row), "a plan change continues the subscription");
      }
      if (!hasEarlierRow(subscriptions, row)) {
        assertTrue(
            OffsetDateTime.parse(row[5]).toInstant().isBefore(start),
            "a subscription starts before the feed");
      }
    }
    assertTrue(subscriptions.size() > subscribed.size(), "some plans change during the feed");
    assertEquals(summary.accounts(), accounts.size());
    assertTrue(accounts.size() < subscribed.size(), "some accounts hold several subscriptions");

    List<String[]> blocks = csv(referenceDir.resolve("sim_block.csv"));
    assertFalse(blocks.isEmpty(), "a few blocked SIMs");
    for (String[] b : blocks) {
      assertTrue(subscribed.contains(b[0]));
    }

    List<String[]> invoices = csv(referenceDir.resolve("invoice.csv"));
    Set<String> invoiced = new HashSet<>();
    Map<String, Long> statuses = new TreeMap<>();
    for (String[] row : invoices) {
      invoiced.add(row[1] + "|" + row[2]);
      statuses.merge(row[3], 1L, Long::sum);
      assertEquals(row[3].equals("PAID"), !row[4].isEmpty(), "paid_at exactly when paid");
    }
    // October's lines are late (its period is closed) and land in November.
    for (String account : accounts) {
      for (YearMonth m : List.of(YearMonth.of(2026, 10), YearMonth.of(2026, 11))) {
        assertTrue(invoiced.contains(account + "|" + m), "invoice of every account and month");
      }
    }
    assertEquals(invoices.size(), invoiced.size(), "one invoice per account and month");
    assertTrue(statuses.get("PAID") > invoices.size() * 0.8, "mostly paid: " + statuses);
    for (String status : List.of("OPEN", "OVERDUE", "DISPUTED")) {
      assertTrue(statuses.getOrDefault(status, 0L) > 0, "some " + status + ": " + statuses);
    }
  }

  @Test
  void aContainerFeedHoldsOnlyRecords(@TempDir Path dir) throws Exception {
    Path feed = dir.resolve("feed.avro");
    GeneratedFeedSummary s =
        FeedGenerator.write(GeneratorSettings.of(20_000, 300, 5), feed, dir.resolve("reference"));
    long n = 0;
    try (CdrFeedReader reader = CdrFeedReader.open(feed)) {
      assertEquals(CdrFeedReader.Format.CONTAINER, reader.format());
      while (reader.hasNext()) {
        assertTrue(reader.next().decoded());
        n++;
      }
    }
    assertEquals(20_000, n);
    assertEquals(0, s.malformedByKind().getOrDefault(MalformedKind.TRUNCATED_LINE, 0L));
    assertEquals(0, s.malformedByKind().getOrDefault(MalformedKind.UNKNOWN_RECORD_TYPE, 0L));
    assertTrue(s.malformed() > 0, "the other defects are still injected");
  }

  @Test
  void theCommandWritesTheReferenceNextToTheFeed(@TempDir Path dir) {
    Path feed = dir.resolve("out").resolve("feed.jsonl");
    int exit =
        Cdrflow.run(
            "generate",
            "--records",
            "300",
            "--subscribers",
            "20",
            "--seed",
            "9",
            "--out",
            feed.toString(),
            "--start",
            "2026-09-01",
            "--days",
            "3");
    assertEquals(0, exit);
    assertTrue(Files.exists(feed));
    Path reference = dir.resolve("out").resolve("reference");
    assertTrue(Files.exists(reference.resolve("subscription.csv")));
    assertTrue(Files.exists(reference.resolve("rate.csv")));
    assertTrue(Files.exists(reference.resolve("invoice.csv")));
  }

  @Test
  void settingsAreChecked() {
    LocalDate d = GeneratorSettings.DEFAULT_START;
    assertThrowsIllegal(() -> new GeneratorSettings(0, 1, 1, d, 30, "HOME"));
    assertThrowsIllegal(() -> new GeneratorSettings(1, 0, 1, d, 30, "HOME"));
    assertThrowsIllegal(() -> new GeneratorSettings(1, 1, 1, d, 0, "HOME"));
    assertThrowsIllegal(() -> new GeneratorSettings(1, 1, 1, null, 30, "HOME"));
    assertThrowsIllegal(() -> new GeneratorSettings(1, 1, 1, d, 30, " "));
  }

  private static void assertThrowsIllegal(Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException expected) {
      return;
    }
    throw new AssertionError("expected IllegalArgumentException");
  }

  private static boolean hasEarlierRow(List<String[]> rows, String[] row) {
    return rows.stream().anyMatch(r -> r[0].equals(row[0]) && r[6].equals(row[5]));
  }

  private static boolean hasLaterRow(List<String[]> rows, String[] row) {
    return rows.stream().anyMatch(r -> r[0].equals(row[0]) && r[5].equals(row[6]));
  }

  private static void assertShare(double expected, double tolerance, double actual, String what) {
    assertTrue(
        Math.abs(actual - expected) <= tolerance,
        what + ": " + actual + " is not within " + tolerance + " of " + expected);
  }

  private static List<String[]> csv(Path file) throws Exception {
    List<String> all = Files.readAllLines(file);
    List<String[]> rows = new ArrayList<>();
    for (String line : all.subList(1, all.size())) {
      if (!line.isBlank()) {
        rows.add(line.split(",", -1));
      }
    }
    return rows;
  }
}
