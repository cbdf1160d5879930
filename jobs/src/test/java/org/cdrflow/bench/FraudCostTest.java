package org.cdrflow.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.reference.FraudRule;
import org.cdrflow.reference.FraudRuleKind;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceDataProvider;
import org.junit.jupiter.api.Test;

/**
 * The bench's isolated detection measurement runs at the parallelism asked and reports both clocks
 * (the keyed task threads, the whole JVM) for both runs.
 */
class FraudCostTest {
  @Test
  void detectionAloneReportsTheCpuOfBothRuns() throws Exception {
    Instant from = Instant.parse("2026-01-01T00:00:00Z");
    ReferenceData ref =
        ReferenceData.builder()
            .highRiskDestination("+254", "IRSF")
            .fraudRule(FraudRule.defaults("IRSF", from, FraudRuleKind.HIGH_RISK_DESTINATION))
            .fraudRule(FraudRule.defaults("SIMBOX", from, FraudRuleKind.SIM_BOX))
            .build();
    long t0 = Instant.parse("2026-10-05T08:00:00Z").toEpochMilli();
    List<InvoiceLine> lines = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      InvoiceLine l = new InvoiceLine();
      long t = t0 + i * 30_000L;
      l.lineId = "L" + i;
      l.subscriptionId = "SUB-" + (i % 7);
      l.accountId = "ACC";
      l.msisdn = "+4791000101";
      l.eventStart = t;
      l.eventDate =
          (int) LocalDate.ofInstant(Instant.ofEpochMilli(t), ZoneId.of("Europe/Oslo")).toEpochDay();
      l.service = "VOICE";
      l.direction = "MO";
      l.counterpartNumber = "+25470000" + i;
      l.durationS = 60;
      l.amount = new BigDecimal("1.00");
      l.flags = new String[0];
      lines.add(l);
    }
    FraudCost.PerLine ns =
        FraudCost.detectionNanosPerLine(
            lines,
            ReferenceDataProvider.fixed(ref),
            Map.of("state.backend.type", "hashmap"),
            new FraudCost.Runs(2, 100, 50, 1));
    assertTrue(ns.taskWith() > 0 && ns.taskIdle() > 0, ns::toString);
    assertTrue(ns.jvmWith() > 0 && ns.jvmIdle() > 0, ns::toString);
  }
}
