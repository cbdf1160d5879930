package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.cdrflow.settlement.DailySettlement;
import org.cdrflow.settlement.SettlementCall;
import org.cdrflow.settlement.SettlementDailyRow;
import org.cdrflow.settlement.WholesaleAmount;
import org.junit.jupiter.api.Test;

/**
 * The daily settlement operator across runs: {@code cdrflow replay} drains the job at the end of
 * the feed (processing-time timers do not fire then) and the next replay resumes from that
 * savepoint. A late record for a day already written by the earlier run must still reach {@code
 * settlement_daily} with the day's new absolute totals (docs/settlement.md, "Late events").
 */
class DailySettlementAggregatorTest {
  private static final long FLUSH_INTERVAL_MS = 1_000;

  @Test
  void aLateEventForADayOfAnEarlierRunIsWrittenWhenTheNextRunDrains() throws Exception {
    SettlementCall settled = voice("W02", "2026-09-01T09:00:00Z", 400);
    SettlementCall late = voice("L01", "2026-09-01T07:30:00Z", 125);

    OperatorSubtaskState savepoint;
    try (KeyedOneInputStreamOperatorTestHarness<String, SettlementCall, SettlementDailyRow> first =
        harness()) {
      first.open();
      first.processElement(settled, settled.eventStart);
      first.processWatermark(new Watermark(Long.MAX_VALUE)); // the drain at the end of the feed
      assertEquals(List.of("1 events, 400 s, 0.393333"), rows(first));
      savepoint = first.snapshot(1, 1);
    }

    try (KeyedOneInputStreamOperatorTestHarness<String, SettlementCall, SettlementDailyRow> next =
        harness()) {
      next.initializeState(savepoint);
      next.open();
      next.processElement(late, late.eventStart);
      next.processWatermark(new Watermark(Long.MAX_VALUE)); // drained before the flush interval

      List<String> written = rows(next);
      assertTrue(!written.isEmpty(), "the day's row is written again");
      assertEquals(
          "2 events, 525 s, 0.516250",
          written.get(written.size() - 1),
          "the last write is the day's total over both runs");
    }
  }

  @Test
  void aLateEventForADayOfAnEarlierRunIsWrittenAfterTheFlushIntervalWithoutADrain()
      throws Exception {
    SettlementCall settled = voice("W02", "2026-09-01T09:00:00Z", 400);
    SettlementCall late = voice("L01", "2026-09-01T07:30:00Z", 125);

    OperatorSubtaskState savepoint;
    try (KeyedOneInputStreamOperatorTestHarness<String, SettlementCall, SettlementDailyRow> first =
        harness()) {
      first.open();
      first.processElement(settled, settled.eventStart);
      first.processWatermark(new Watermark(Long.MAX_VALUE));
      savepoint = first.snapshot(1, 1);
    }

    try (KeyedOneInputStreamOperatorTestHarness<String, SettlementCall, SettlementDailyRow> next =
        harness()) {
      next.initializeState(savepoint);
      next.open();
      next.processElement(late, late.eventStart);
      assertEquals(List.of(), rows(next), "held for the flush interval");

      next.setProcessingTime(FLUSH_INTERVAL_MS);
      assertEquals(List.of("2 events, 525 s, 0.516250"), rows(next));
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, SettlementCall, SettlementDailyRow>
      harness() throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new DailySettlementAggregator(FLUSH_INTERVAL_MS)),
        DailySettlement::keyOf,
        Types.STRING);
  }

  private static List<String> rows(
      KeyedOneInputStreamOperatorTestHarness<String, SettlementCall, SettlementDailyRow> h) {
    return h.extractOutputValues().stream()
        .map(r -> r.events + " events, " + r.seconds + " s, " + r.amount.toPlainString())
        .toList();
  }

  /** A call to PTN-OPA's mobile network at the worked example's 0.059 NOK per minute. */
  private static SettlementCall voice(String reference, String answer, int seconds) {
    SettlementCall c = new SettlementCall();
    c.settlementId = reference;
    c.lineId = reference;
    c.partnerId = "PTN-OPA";
    c.direction = "OUT";
    c.product = "VOICE_TERM_MOBILE";
    c.currency = "NOK";
    c.eventStart = Instant.parse(answer).toEpochMilli();
    c.eventDate = SettlementCall.dayOf(c.eventStart).toString();
    c.seconds = seconds;
    c.units = 1;
    c.price = new BigDecimal("0.059000");
    c.amount = WholesaleAmount.perSecond(seconds, c.price);
    return c;
  }
}
