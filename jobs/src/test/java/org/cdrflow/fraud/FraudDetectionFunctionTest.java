package org.cdrflow.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.reference.FraudRule;
import org.cdrflow.reference.FraudRuleKind;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceDataProvider;
import org.junit.jupiter.api.Test;

/** The detection stage on rated lines: event time, timers, state retired, restore. */
class FraudDetectionFunctionTest {
  private static final Instant RULES_FROM = Instant.parse("2026-01-01T00:00:00Z");
  private static final long T0 = Instant.parse("2026-10-05T08:00:00Z").toEpochMilli();
  private static final long MIN = 60_000L;

  private static final ReferenceData REF =
      ReferenceData.builder()
          .highRiskDestination("+254", "IRSF")
          .fraudRule(FraudRule.defaults("IRSF", RULES_FROM, FraudRuleKind.HIGH_RISK_DESTINATION))
          .fraudRule(FraudRule.defaults("SIMBOX", RULES_FROM, FraudRuleKind.SIM_BOX))
          .build();

  private static KeyedOneInputStreamOperatorTestHarness<String, InvoiceLine, FraudAlert> harness()
      throws Exception {
    var h = unopened();
    h.open();
    return h;
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, InvoiceLine, FraudAlert> unopened()
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new FraudDetectionFunction(ReferenceDataProvider.fixed(REF))),
        l -> l.subscriptionId,
        Types.STRING);
  }

  static InvoiceLine line(String sub, long t, String number, int seconds) {
    InvoiceLine l = new InvoiceLine();
    l.lineId = sub + t;
    l.subscriptionId = sub;
    l.accountId = "ACC-" + sub;
    l.msisdn = "+4791000101";
    l.eventStart = t;
    l.eventDate =
        (int) LocalDate.ofInstant(Instant.ofEpochMilli(t), ZoneId.of("Europe/Oslo")).toEpochDay();
    l.service = "VOICE";
    l.direction = "MO";
    l.counterpartNumber = number;
    l.durationS = seconds;
    l.amount = new BigDecimal("1.00");
    l.flags = new String[0];
    return l;
  }

  @Test
  void highRiskCallsRaiseOneAlertWithIdsOnly() throws Exception {
    try (var h = harness()) {
      for (int i = 0; i < 5; i++) {
        h.processElement(line("SUB-1", T0 + i * MIN, "+254700000" + i, 60), T0 + i * MIN);
      }
      h.processElement(line("SUB-2", T0, "+4722000000", 60), T0);
      List<FraudAlert> alerts = h.extractOutputValues();
      assertEquals(1, alerts.size());
      FraudAlert a = alerts.get(0);
      assertEquals("SUB-1", a.subscriptionId);
      assertEquals("ACC-SUB-1", a.accountId);
      assertEquals(FraudAlert.idOf("IRSF", "SUB-1", T0), a.alertId);
      assertEquals(T0 + 2 * MIN, a.lastEvent, "raised at the third call");
      assertEquals(RULES_FROM.toEpochMilli(), a.ruleVersion);
    }
  }

  @Test
  void aSimBoxDayIsJudgedWhenTheWatermarkPassesItsEnd() throws Exception {
    try (var h = harness()) {
      for (int i = 0; i < 120; i++) {
        h.processElement(line("SUB-1", T0 + i * MIN, "+47220000" + (100 + i), 90), T0 + i * MIN);
      }
      assertTrue(h.extractOutputValues().isEmpty());
      h.processWatermark(T0 + 24 * 3_600_000L);
      List<FraudAlert> alerts = h.extractOutputValues();
      assertEquals(1, alerts.size());
      assertEquals("SIM_BOX", alerts.get(0).kind);
    }
  }

  @Test
  void stateIsRetiredAMonthAfterTheLastEvent() throws Exception {
    try (var h = harness()) {
      h.processElement(line("SUB-1", T0, "+4722000000", 60), T0);
      assertEquals(1, h.numKeyedStateEntries());
      h.processWatermark(T0 + 20L * 24 * 3_600_000L);
      assertEquals(1, h.numKeyedStateEntries(), "the daily history is kept for USAGE_SPIKE");
      h.processWatermark(T0 + 33L * 24 * 3_600_000L);
      assertEquals(0, h.numKeyedStateEntries());
    }
  }

  @Test
  void aRestoreContinuesTheWindowAndRaisesTheSameAlert() throws Exception {
    OperatorSubtaskState snapshot;
    try (var h = harness()) {
      h.processElement(line("SUB-1", T0, "+254700000001", 60), T0);
      h.processElement(line("SUB-1", T0 + MIN, "+254700000002", 60), T0 + MIN);
      snapshot = h.snapshot(1, T0 + MIN);
    }
    try (var h = unopened()) {
      h.initializeState(snapshot);
      h.open();
      h.processElement(line("SUB-1", T0 + 2 * MIN, "+254700000003", 60), T0 + 2 * MIN);
      List<FraudAlert> alerts = h.extractOutputValues();
      assertEquals(1, alerts.size());
      assertEquals(FraudAlert.idOf("IRSF", "SUB-1", T0), alerts.get(0).alertId);
    }
  }
}
