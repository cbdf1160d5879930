package org.cdrflow.bench;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.reference.FraudRule;
import org.cdrflow.reference.FraudRuleKind;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceDataProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The detection function's added CPU per line on a synthetic feed, without the embedded stack
 * (docs/benchmarks.md, "Fraud detection"): runs only when asked, e.g. {@code -DargLine="-Xmx3g
 * -Dprobe.lines=120000"} ({@code -Dprobe.backends=hashmap} for one backend, {@code
 * -Dprobe.subscriptions=20000 -Dprobe.days=30} for a feed like the bench's, {@code
 * -Dprobe.parallelism=2}, {@code -Dprobe.flink=KEY=VALUE,...} for more Flink settings).
 */
class FraudCostProbeTest {
  @Test
  @EnabledIfSystemProperty(named = "probe.lines", matches = "[0-9]+")
  void detectionCpuPerLine() throws Exception {
    Instant from = Instant.parse("2026-01-01T00:00:00Z");
    var b = ReferenceData.builder().highRiskDestination("+254", "IRSF");
    for (FraudRuleKind k : FraudRuleKind.values()) {
      b.fraudRule(FraudRule.defaults(k.name(), from, k));
    }
    ReferenceData ref = b.build();
    long t0 = Instant.parse("2026-10-05T00:00:00Z").toEpochMilli();
    Random rnd = new Random(1);
    List<InvoiceLine> lines = new ArrayList<>();
    int n = Integer.getInteger("probe.lines", 60_000);
    // 6,000 subscriptions over 3 days by default: several lines per subscription a day. The bench's
    // feed is sparser: -Dprobe.subscriptions=20000 -Dprobe.days=30 gives about one line per
    // subscription every three days, so that nearly every line opens a day.
    int subscriptions = Integer.getInteger("probe.subscriptions", 6_000);
    int days = Integer.getInteger("probe.days", 3);
    String[] svc = {"VOICE", "VOICE", "SMS", "DATA"};
    for (int i = 0; i < n; i++) {
      InvoiceLine l = new InvoiceLine();
      long t = t0 + (long) i * (days * 86_400_000L / n);
      l.lineId = "L" + i;
      l.subscriptionId = "SUB-" + rnd.nextInt(subscriptions);
      l.accountId = "ACC" + l.subscriptionId;
      l.planId = "PLAN_S";
      l.msisdn = "+4791000101";
      l.eventStart = t;
      l.eventDate =
          (int) LocalDate.ofInstant(Instant.ofEpochMilli(t), ZoneId.of("Europe/Oslo")).toEpochDay();
      l.service = svc[rnd.nextInt(4)];
      l.direction = rnd.nextBoolean() ? "MO" : "MT";
      l.counterpartNumber = "+47" + (90000000 + rnd.nextInt(1000000));
      l.durationS = l.service.equals("VOICE") ? rnd.nextInt(600) : null;
      l.amount = new BigDecimal("1.25");
      l.flags = new String[0];
      lines.add(l);
    }
    for (String backend : System.getProperty("probe.backends", "rocksdb,hashmap").split(",")) {
      // More Flink settings for both runs, e.g.
      // -Dprobe.flink=state.backend.rocksdb.timer-service.factory=HEAP
      Map<String, String> flink = new java.util.HashMap<>();
      flink.put("state.backend.type", backend);
      for (String kv : System.getProperty("probe.flink", "").split(",")) {
        if (kv.contains("=")) {
          flink.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
      }
      FraudCost.PerLine ns =
          FraudCost.detectionNanosPerLine(
              lines,
              ReferenceDataProvider.fixed(ref),
              flink,
              new FraudCost.Runs(
                  Integer.getInteger("probe.parallelism", 1),
                  Integer.getInteger("probe.cache", 16_384),
                  Long.getLong("probe.lines-per-checkpoint", 0),
                  Integer.getInteger("probe.repeats", 3)));
      System.out.printf(
          "PROBE %s (checkpoint every %d ms): task %.0f ns with, %.0f ns idle, added %.0f ns/line; JVM %.0f / %.0f, added %.0f"
              + " ns/line%n",
          backend,
          ns.checkpointMs(),
          ns.taskWith(),
          ns.taskIdle(),
          ns.taskAdded(),
          ns.jvmWith(),
          ns.jvmIdle(),
          ns.jvmAdded());
    }
  }
}
