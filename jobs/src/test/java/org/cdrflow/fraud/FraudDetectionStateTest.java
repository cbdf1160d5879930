package org.cdrflow.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.reference.FraudRule;
import org.cdrflow.reference.FraudRuleKind;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceDataProvider;
import org.junit.jupiter.api.Test;

/**
 * The detection state's layout (docs/fraud.md, "State"): its own serializer, the heap cache in
 * front of RocksDB and the state of earlier builds (Flink's POJO serializer) restored. Whatever the
 * backend, the cache size, a restore in the middle of the feed or the format the state was written
 * in, the same lines raise the same alerts and hand the plan's judge the same subscription-days.
 */
class FraudDetectionStateTest {
  private static final Instant RULES_FROM = Instant.parse("2026-01-01T00:00:00Z");
  private static final long T0 = Instant.parse("2026-10-05T00:00:00Z").toEpochMilli();
  private static final long MIN = 60_000L;
  private static final long HOUR = 60 * MIN;

  private static final ReferenceData REF = reference();

  private static ReferenceData reference() {
    var b = ReferenceData.builder().highRiskDestination("+254", "IRSF");
    for (FraudRuleKind k : FraudRuleKind.values()) {
      b.fraudRule(FraudRule.defaults(k.name(), RULES_FROM, k));
    }
    return b.build();
  }

  /** Ordinary traffic of 40 subscriptions over 3 days, with one planted case of several kinds. */
  private static List<InvoiceLine> feed() {
    Random rnd = new Random(7);
    List<InvoiceLine> lines = new ArrayList<>();
    String[] services = {"VOICE", "VOICE", "SMS", "DATA"};
    for (int i = 0; i < 2_000; i++) {
      long t = T0 + (long) (rnd.nextDouble() * 3 * 24 * HOUR);
      String service = services[rnd.nextInt(services.length)];
      InvoiceLine l =
          line(
              "SUB-" + rnd.nextInt(40),
              t,
              service,
              rnd.nextBoolean() ? "MO" : "MT",
              "+47" + (90_000_000 + rnd.nextInt(1_000)),
              service.equals("VOICE") ? rnd.nextInt(600) : 0);
      lines.add(l);
    }
    long day1 = T0 + 24 * HOUR;
    for (int i = 0; i < 12; i++) {
      lines.add(line("SUB-IRSF", day1 + 10 * HOUR + i * MIN, "VOICE", "MO", "+2547000" + i, 300));
    }
    for (int i = 0; i < 40; i++) {
      lines.add(line("SUB-SPRAY", day1 + 12 * HOUR + i * MIN, "VOICE", "MO", "+4799" + i, 2));
    }
    for (int i = 0; i < 140; i++) {
      lines.add(line("SUB-SIMBOX", day1 + 6 * HOUR + i * 5 * MIN, "VOICE", "MO", "+4798" + i, 120));
    }
    for (int i = 0; i < 15; i++) {
      InvoiceLine l = line("SUB-PREMIUM", day1 + 20 * HOUR + i * MIN, "VOICE", "MO", "+47820", 60);
      l.counterpartClass = "PREMIUM";
      lines.add(l);
    }
    for (int i = 0; i < 30; i++) {
      InvoiceLine l = line("SUB-ROAM", day1 + 2 * HOUR + i * 5 * MIN, "VOICE", "MO", "+46701", 600);
      l.roamingCountry = "SE";
      l.amount = new BigDecimal("150.00");
      lines.add(l);
    }
    for (int i = 0; i < 3; i++) {
      InvoiceLine l = line("SUB-BLOCKED", day1 + 15 * HOUR + i * MIN, "VOICE", "MO", "+4790", 60);
      l.flags = new String[] {"BLOCKED_SIM"};
      l.amount = BigDecimal.ZERO;
      lines.add(l);
    }
    lines.sort(Comparator.comparingLong((InvoiceLine l) -> l.eventStart));
    return lines;
  }

  private static InvoiceLine line(
      String sub, long t, String service, String direction, String number, int seconds) {
    InvoiceLine l = new InvoiceLine();
    l.lineId = sub + "-" + t;
    l.subscriptionId = sub;
    l.accountId = "ACC-" + sub;
    l.planId = "PLAN_S";
    l.msisdn = "+4791000101";
    l.eventStart = t;
    l.eventDate =
        (int) LocalDate.ofInstant(Instant.ofEpochMilli(t), ZoneId.of("Europe/Oslo")).toEpochDay();
    l.service = service;
    l.direction = direction;
    l.counterpartNumber = number;
    l.durationS = service.equals("VOICE") ? seconds : null;
    l.amount = new BigDecimal("1.25");
    l.flags = new String[0];
    return l;
  }

  /** How the state is kept in one part of a run. */
  private record Layout(String name, StateBackend backend, boolean pojoFormat, int cacheSize) {
    OneInputStreamOperator<InvoiceLine, FraudAlert> operator() {
      FraudDetectionFunction f =
          pojoFormat
              ? new EarlierBuildDetection(ReferenceDataProvider.fixed(REF))
              : new FraudDetectionFunction(ReferenceDataProvider.fixed(REF));
      return cacheSize > 0
          ? new FraudDetectionOperator(f, cacheSize)
          : new KeyedProcessOperator<>(f);
    }
  }

  /** The detection of the builds before the serializer of our own: Flink's POJO serializer. */
  private static final class EarlierBuildDetection extends FraudDetectionFunction {
    private static final long serialVersionUID = 1L;

    EarlierBuildDetection(ReferenceDataProvider reference) {
      super(reference);
    }

    @Override
    ValueStateDescriptor<SubscriptionActivity> declaredState() {
      return new ValueStateDescriptor<>(ACTIVITY_STATE, Types.POJO(SubscriptionActivity.class));
    }
  }

  private static Layout heap() {
    return new Layout("heap", new HashMapStateBackend(), false, 0);
  }

  /** The job's operator on the heap backend: no cache there, its deadlines on the heap. */
  private static Layout heapOperator() {
    return new Layout(
        "heap, operator",
        new HashMapStateBackend(),
        false,
        FraudDetectionOperator.CACHED_SUBSCRIPTIONS);
  }

  private static Layout rocksDb(int cacheSize) {
    return new Layout(
        "rocksdb cache " + cacheSize, new EmbeddedRocksDBStateBackend(), false, cacheSize);
  }

  /** What a run handed on: the alerts and the subscription-days, as comparable text. */
  private record Outcome(Set<String> alerts, Set<String> days) {}

  /**
   * Runs the feed with the first part's layout up to {@code restoreAt} lines, snapshots, and goes
   * on from the snapshot with the second part's layout (the same layout when restoreAt is 0).
   */
  private static Outcome run(List<InvoiceLine> lines, Layout first, Layout second, int restoreAt)
      throws Exception {
    Set<String> alerts = new TreeSet<>();
    Set<String> days = new TreeSet<>();
    java.util.Map<String, long[]> closed = new java.util.TreeMap<>();
    OperatorSubtaskState snapshot = null;
    int from = 0;
    if (restoreAt > 0) {
      try (var h = harness(first)) {
        h.open();
        feed(h, lines, 0, restoreAt);
        // As a task does before every checkpoint barrier (the harness's snapshot does not).
        h.prepareSnapshotPreBarrier(1);
        snapshot = h.snapshot(1, lines.get(restoreAt - 1).eventStart);
        collect(h, alerts, days, closed);
      }
      from = restoreAt;
    }
    try (var h = harness(second)) {
      if (snapshot != null) {
        h.initializeState(snapshot);
      }
      h.open();
      feed(h, lines, from, lines.size());
      h.processWatermark(lines.get(lines.size() - 1).eventStart + 40L * 24 * HOUR);
      collect(h, alerts, days, closed);
      try (var keys =
          ((AbstractStreamOperator<?>) h.getOperator())
              .getKeyedStateBackend()
              .getKeys(FraudDetectionFunction.ACTIVITY_STATE, VoidNamespace.INSTANCE)) {
        assertEquals(0, keys.count(), "every subscription retired a month after its last day");
      }
    }
    // Closed days reach the judge one by one from Flink's operator and summed per plan and day
    // from the job's: the judge reads only their sums.
    closed.forEach((k, v) -> days.add("closed " + k + ": " + v[0] + " øre, " + v[1] + " days"));
    return new Outcome(alerts, days);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, InvoiceLine, FraudAlert> harness(
      Layout layout) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            layout.operator(), (InvoiceLine l) -> l.subscriptionId, Types.STRING);
    h.setStateBackend(layout.backend());
    return h;
  }

  private static void feed(
      KeyedOneInputStreamOperatorTestHarness<String, InvoiceLine, FraudAlert> h,
      List<InvoiceLine> lines,
      int from,
      int to)
      throws Exception {
    for (int i = from; i < to; i++) {
      InvoiceLine l = lines.get(i);
      h.processElement(l, l.eventStart);
      if (i % 25 == 0) {
        h.processWatermark(l.eventStart - 2 * MIN);
      }
    }
  }

  private static void collect(
      KeyedOneInputStreamOperatorTestHarness<String, InvoiceLine, FraudAlert> h,
      Set<String> alerts,
      Set<String> days,
      java.util.Map<String, long[]> closed) {
    for (FraudAlert a : h.extractOutputValues()) {
      alerts.add(fields(a, "raisedAt"));
    }
    var side = h.getSideOutput(FraudDetectionFunction.SUBSCRIPTION_DAYS);
    if (side != null) {
      for (StreamRecord<SubscriptionDayUsage> r : side) {
        SubscriptionDayUsage u = r.getValue();
        if (u.closed) {
          long[] sum = closed.computeIfAbsent(u.planId + "|" + u.day, k -> new long[2]);
          sum[0] += u.amountOre;
          sum[1] += Math.max(1, u.subscriptionDays);
        } else {
          days.add(fields(u, ""));
        }
      }
    }
  }

  private static String fields(Object o, String except) {
    return java.util.Arrays.stream(o.getClass().getFields())
        .filter(f -> !f.getName().equals(except))
        .map(f -> f.getName() + "=" + value(f, o))
        .collect(Collectors.joining(","));
  }

  private static Object value(Field f, Object o) {
    try {
      return f.get(o);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Equal outcomes; on a difference, only what differs. */
  private static void assertSame(Outcome expected, Outcome actual, String what) {
    for (boolean alerts : new boolean[] {true, false}) {
      Set<String> e = alerts ? expected.alerts() : expected.days();
      Set<String> a = alerts ? actual.alerts() : actual.days();
      Set<String> missing = new TreeSet<>(e);
      missing.removeAll(a);
      Set<String> extra = new TreeSet<>(a);
      extra.removeAll(e);
      assertTrue(
          missing.isEmpty() && extra.isEmpty(),
          () ->
              what + (alerts ? " alerts" : " days") + ": missing " + missing + ", extra " + extra);
    }
  }

  private static Outcome reference(List<InvoiceLine> lines) throws Exception {
    Outcome o = run(lines, heap(), heap(), 0);
    Set<String> kinds =
        o.alerts().stream()
            .map(a -> a.replaceAll(".*,kind=([A-Z_]+),.*", "$1"))
            .collect(Collectors.toCollection(TreeSet::new));
    assertTrue(kinds.size() >= 5, () -> "the feed raises alerts of several kinds: " + kinds);
    assertTrue(!o.days().isEmpty());
    return o;
  }

  @Test
  void rocksDbWithTheCacheRaisesWhatTheHeapBackendRaises() throws Exception {
    List<InvoiceLine> lines = feed();
    Outcome expected = reference(lines);
    int middle = lines.size() / 2;
    // A cache of 3 of 46 subscriptions writes back on nearly every line; restored in the middle.
    assertSame(expected, run(lines, rocksDb(3), rocksDb(3), middle), "cache 3, restored");
    assertSame(
        expected, run(lines, rocksDb(1_000), rocksDb(1_000), middle), "cache 1000, restored");
    assertSame(expected, run(lines, rocksDb(1_000), rocksDb(1_000), 0), "cache 1000");
    // Without the operator (Flink's own): every line reads and writes RocksDB.
    assertSame(expected, run(lines, rocksDb(0), rocksDb(0), middle), "no cache, restored");
  }

  @Test
  void theOperatorsDeadlinesRaiseWhatFlinksTimersRaise() throws Exception {
    List<InvoiceLine> lines = feed();
    Outcome expected = reference(lines);
    int middle = lines.size() / 2;
    // Restored in the middle: the deadlines come back from the state alone.
    assertSame(expected, run(lines, heapOperator(), heapOperator(), middle), "heap, restored");
    assertSame(expected, run(lines, heapOperator(), heapOperator(), 0), "heap");
    // A savepoint of Flink's own operator (earlier builds: timers in the state backend).
    assertSame(expected, run(lines, rocksDb(0), rocksDb(1_000), middle), "from Flink's timers");
    assertSame(expected, run(lines, heap(), heapOperator(), middle), "from Flink's heap timers");
    // No line leaves a timer in the state backend (on RocksDB a write per subscription-day).
    for (Layout layout : List.of(heapOperator(), rocksDb(1_000))) {
      try (var h = harness(layout)) {
        h.open();
        feed(h, lines, 0, middle);
        assertEquals(0, h.numEventTimeTimers(), layout.name());
        assertTrue(((FraudDetectionOperator) h.getOperator()).pendingDeadlines() > 0);
      }
    }
  }

  @Test
  void stateOfEarlierBuildsRestoresToTheSameAlerts() throws Exception {
    List<InvoiceLine> lines = feed();
    Outcome expected = reference(lines);
    int middle = lines.size() / 2;
    Layout earlierRocksDb =
        new Layout("earlier build, rocksdb", new EmbeddedRocksDBStateBackend(), true, 0);
    Layout earlierHeap = new Layout("earlier build, heap", new HashMapStateBackend(), true, 0);
    assertSame(
        expected, run(lines, earlierRocksDb, rocksDb(1_000), middle), "earlier build on RocksDB");
    assertSame(expected, run(lines, earlierHeap, heap(), middle), "earlier build on the heap");
  }

  @Test
  void theSerializerWritesEveryFieldBack() throws Exception {
    SubscriptionActivity a = new SubscriptionActivity();
    a.accountId = "ACC-1";
    a.planId = null;
    a.add(T0, 60, 125, 12345, SubscriptionActivity.HIGH_RISK);
    a.add(T0 + MIN, 0, -300, -7, SubscriptionActivity.BLOCKED);
    a.day = 20_366;
    a.dayEvents = 3;
    a.dayOutgoingCalls = 2;
    a.dayIncoming = 1;
    a.dayAmountOre = 10_000_000_000L;
    a.daySeconds = 70;
    a.dayFirst = T0;
    a.dayLast = T0 + MIN;
    a.dayNumber(12345, 50);
    a.dayNumber(-7, 50);
    a.dailyOre = new int[SubscriptionActivity.HISTORY_DAYS];
    a.dailyOre[3] = 4_500;
    a.historyDay = 20_365;
    a.firstDay = 20_300;
    a.alerted("IRSF", T0 + HOUR);
    a.retireAt = T0 + 40L * 24 * HOUR;

    SubscriptionActivitySerializer s = SubscriptionActivitySerializer.INSTANCE;
    DataOutputSerializer out = new DataOutputSerializer(64);
    s.serialize(a, out);
    SubscriptionActivity back = s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertEquals(text(a), text(back));
    assertEquals(text(a), text(s.copy(a)));
    // The POJO serializer's bytes for the same value, for the size in docs/fraud.md.
    DataOutputSerializer pojo = new DataOutputSerializer(64);
    Types.POJO(SubscriptionActivity.class)
        .createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl())
        .serialize(a, pojo);
    assertTrue(out.length() < pojo.length() / 2, out.length() + " vs " + pojo.length());

    SubscriptionActivity empty = new SubscriptionActivity();
    out.clear();
    s.serialize(empty, out);
    assertEquals(
        text(empty), text(s.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()))));
  }

  @Test
  void thePojoSerializersStateIsMigratedNotRefused() {
    var pojoSnapshot =
        Types.POJO(SubscriptionActivity.class)
            .createSerializer(new org.apache.flink.api.common.serialization.SerializerConfigImpl())
            .snapshotConfiguration();
    assertTrue(pojoSnapshot instanceof PojoSerializerSnapshot);
    var compatibility =
        SubscriptionActivitySerializer.INSTANCE
            .snapshotConfiguration()
            .resolveSchemaCompatibility(pojoSnapshot);
    assertTrue(compatibility.isCompatibleAfterMigration());
    assertTrue(
        SubscriptionActivitySerializer.INSTANCE
            .snapshotConfiguration()
            .resolveSchemaCompatibility(
                SubscriptionActivitySerializer.INSTANCE.snapshotConfiguration())
            .isCompatibleAsIs());
  }

  /** The used part of every field. */
  private static String text(SubscriptionActivity a) {
    return String.join(
        "|",
        a.accountId + "," + a.planId,
        java.util.Arrays.toString(java.util.Arrays.copyOf(a.times, a.size)),
        java.util.Arrays.toString(java.util.Arrays.copyOf(a.seconds, a.size)),
        java.util.Arrays.toString(java.util.Arrays.copyOf(a.amountsOre, a.size)),
        java.util.Arrays.toString(java.util.Arrays.copyOf(a.numbers, a.size)),
        java.util.Arrays.toString(java.util.Arrays.copyOf(a.marks, a.size)),
        a.day
            + ","
            + a.dayEvents
            + ","
            + a.dayOutgoingCalls
            + ","
            + a.dayIncoming
            + ","
            + a.dayData,
        a.dayAmountOre + "," + a.daySeconds + "," + a.dayFirst + "," + a.dayLast,
        java.util.Arrays.toString(java.util.Arrays.copyOf(a.dayNumbers, a.dayNumberCount)),
        java.util.Arrays.toString(a.dailyOre),
        a.historyDay + "," + a.firstDay + "," + a.retireAt,
        java.util.Arrays.toString(a.alertedRules),
        java.util.Arrays.toString(a.alertedUntil));
  }
}
