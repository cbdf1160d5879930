package org.cdrflow.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cdrflow.numbers.NumberNormaliser;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.CdrFeedReader;
import org.cdrflow.schema.codec.FeedRecord;
import org.cdrflow.schema.codec.RawCdrCodec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscriber churn in the generator (docs/benchmarks.md, "Long run"): the reference data and the
 * feed agree, month after month, on who is a subscriber.
 */
class ChurnTest {
  private static final int SUBSCRIBERS = 1_000;
  private static final double CHURN = 0.05;

  /** Four months from mid-January: a partial month first, a leap February. */
  private static final GeneratorSettings SETTINGS =
      new GeneratorSettings(60_000, SUBSCRIBERS, 23, LocalDate.of(2028, 1, 10), 112, "HOME")
          .withChurn(CHURN);

  @TempDir static Path dir;

  private static GeneratedFeedSummary summary;
  private static final List<String[]> subscriptionRows = new ArrayList<>();
  private static final Map<String, List<RawCdr>> feedByMonth = new TreeMap<>();

  @BeforeAll
  static void generate() throws Exception {
    summary = FeedGenerator.writeMonthly(SETTINGS, dir.resolve("feed"), dir.resolve("reference"));
    List<String> rows = Files.readAllLines(dir.resolve("reference").resolve("subscription.csv"));
    for (String row : rows.subList(1, rows.size())) {
      subscriptionRows.add(row.split(",", -1));
    }
    try (var files = Files.list(dir.resolve("feed"))) {
      for (Path f : files.sorted().toList()) {
        List<RawCdr> records = new ArrayList<>();
        try (CdrFeedReader reader = CdrFeedReader.open(f)) {
          while (reader.hasNext()) {
            FeedRecord r = reader.next();
            if (r.decoded()) {
              records.add(RawCdrCodec.decode(r.value()));
            }
          }
        }
        feedByMonth.put(f.getFileName().toString(), records);
      }
    }
  }

  @Test
  void theFeedComesAsOneFilePerMonthHoldingThatMonthsTraffic() throws Exception {
    assertEquals(
        Set.of(
            "feed-2028-01.jsonl", "feed-2028-02.jsonl", "feed-2028-03.jsonl", "feed-2028-04.jsonl"),
        feedByMonth.keySet());
    long lines = 0;
    for (Path f : Files.list(dir.resolve("feed")).toList()) {
      lines += Files.readAllLines(f).size();
    }
    assertEquals(SETTINGS.records(), lines, "exactly the records asked for, over all files");
    for (Map.Entry<String, List<RawCdr>> e : feedByMonth.entrySet()) {
      YearMonth month = YearMonth.parse(e.getKey().substring(5, 12));
      long outside =
          e.getValue().stream()
              .filter(
                  r -> !YearMonth.from(eventTime(r).atZone(GeneratorSettings.OSLO)).equals(month))
              .count();
      // Only what is sent after midnight of the first belongs to the month before: duplicates
      // (an hour at most) and partials of calls in progress, and a few seconds of jitter.
      assertTrue(outside < e.getValue().size() / 100 + 5, e.getKey() + ": " + outside);
    }
  }

  @Test
  void subscribersLeaveAndJoinEachMonthAtTheGivenRate() {
    Map<YearMonth, Integer> left = new TreeMap<>();
    Map<YearMonth, Integer> joined = new TreeMap<>();
    Instant start = SETTINGS.startInstant();
    Set<String> seen = new HashSet<>();
    for (String[] row : subscriptionRows) {
      if (!row[6].isEmpty()) {
        left.merge(month(row[6]), 1, Integer::sum);
      }
      if (seen.add(row[0]) && !OffsetDateTime.parse(row[5]).toInstant().isBefore(start)) {
        joined.merge(month(row[5]), 1, Integer::sum);
      }
    }
    assertEquals(4, left.size(), "leavers in every month: " + left);
    assertEquals(4, joined.size(), "joiners in every month: " + joined);
    // A full month (February, March): about 5 % of the base each way.
    for (YearMonth m : List.of(YearMonth.of(2028, 2), YearMonth.of(2028, 3))) {
      assertTrue(Math.abs(left.get(m) - 50) <= 22, m + " left " + left.get(m));
      assertEquals(50, joined.get(m), m + " joined");
    }
    assertEquals(SUBSCRIBERS + joined.values().stream().mapToInt(i -> i).sum(), seen.size());
    assertEquals(seen.size(), summary.subscribers());
  }

  @Test
  void noSubscriptionHasTrafficOutsideItsValidity() {
    NumberNormaliser normaliser = new NumberNormaliser();
    Map<String, List<Instant[]>> validity = new HashMap<>();
    for (String[] row : subscriptionRows) {
      validity
          .computeIfAbsent(row[2], k -> new ArrayList<>())
          .add(
              new Instant[] {
                OffsetDateTime.parse(row[5]).toInstant(),
                row[6].isEmpty() ? Instant.MAX : OffsetDateTime.parse(row[6]).toInstant()
              });
    }
    Set<String> leaversWithTraffic = new TreeSet<>();
    Set<String> joinersWithTraffic = new TreeSet<>();
    Instant start = SETTINGS.startInstant();
    long checked = 0;
    for (List<RawCdr> records : feedByMonth.values()) {
      for (RawCdr r : records) {
        String served = normaliser.normalise(r.getServedMsisdn()).number();
        List<Instant[]> rows = validity.get(served);
        if (rows == null) {
          continue; // an unknown subscriber, injected on purpose
        }
        Instant from = rows.stream().map(v -> v[0]).min(Instant::compareTo).orElseThrow();
        Instant to = rows.stream().map(v -> v[1]).max(Instant::compareTo).orElseThrow();
        Instant t = eventTime(r);
        assertFalse(t.isBefore(from), served.hashCode() + ": traffic before it joined");
        // A long call ends within the subscription too: its last partial starts before the end.
        assertTrue(t.isBefore(to), "traffic after the subscription ended");
        if (to != Instant.MAX) {
          leaversWithTraffic.add(served);
        }
        if (!from.isBefore(start)) {
          joinersWithTraffic.add(served);
        }
        checked++;
      }
    }
    assertTrue(checked > 50_000, "checked " + checked);
    assertTrue(leaversWithTraffic.size() > 100, "leavers had traffic before they left");
    assertTrue(joinersWithTraffic.size() > 100, "joiners have traffic after they joined");
  }

  @Test
  void aJoinersAccountIsInvoicedFromItsFirstMonthOn() throws Exception {
    Map<String, YearMonth> joinedAccounts = new HashMap<>();
    Instant start = SETTINGS.startInstant();
    Set<String> seen = new HashSet<>();
    for (String[] row : subscriptionRows) {
      // A subscription's first row says when it joined (a plan change adds a later one).
      if (seen.add(row[0]) && !OffsetDateTime.parse(row[5]).toInstant().isBefore(start)) {
        joinedAccounts.put(row[1], month(row[5]));
      }
    }
    List<String> invoices = Files.readAllLines(dir.resolve("reference").resolve("invoice.csv"));
    Map<String, Set<YearMonth>> periods = new HashMap<>();
    for (String line : invoices.subList(1, invoices.size())) {
      String[] c = line.split(",", -1);
      periods.computeIfAbsent(c[1], k -> new TreeSet<>()).add(YearMonth.parse(c[2]));
    }
    for (Map.Entry<String, YearMonth> e : joinedAccounts.entrySet()) {
      Set<YearMonth> p = periods.get(e.getKey());
      assertTrue(p.contains(e.getValue()), "invoiced in its first month");
      assertTrue(p.stream().noneMatch(m -> m.isBefore(e.getValue())), "nothing before it");
    }
  }

  @Test
  void churnAndPlantedFraudDoNotMix(@TempDir Path other) {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            FeedGenerator.write(
                GeneratorSettings.of(1_000, 100, 1).withChurn(0.02),
                other.resolve("f.jsonl"),
                other.resolve("r"),
                true));
    assertThrows(IllegalArgumentException.class, () -> GeneratorSettings.of(1, 1, 1).withChurn(-1));
  }

  private static YearMonth month(String timestamp) {
    return YearMonth.from(
        OffsetDateTime.parse(timestamp).toInstant().atZone(GeneratorSettings.OSLO));
  }

  private static Instant eventTime(RawCdr r) {
    return r.getAnswerTime() != null ? r.getAnswerTime() : r.getSeizureTime();
  }
}
