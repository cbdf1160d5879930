package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.reference.DataOverage;
import org.cdrflow.reference.PricePlan;
import org.cdrflow.reference.Rate;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceDataProvider;
import org.cdrflow.reference.Service;
import org.cdrflow.settlement.DailySettlement;
import org.cdrflow.settlement.SettlementCall;
import org.cdrflow.settlement.SettlementDailyRow;
import org.cdrflow.settlement.WholesaleAmount;
import org.junit.jupiter.api.Test;

/**
 * Keyed state that ends (docs/architecture.md, "State that ends"): every key's state and timers go
 * once the late-data rule says nothing can change them, and not before.
 */
class StateEndTest {
  private static final long FLUSH_MS = 1_000;
  private static final Instant DAY = Instant.parse("2026-09-01T09:00:00Z");
  private static final long AFTER_DAY = Instant.parse("2026-09-03T00:00:00Z").toEpochMilli();

  @Test
  void aSettlementDayEndsOnceTheCutoffIsPastItAndTheWatermarkToo() throws Exception {
    try (var h = settlementHarness(Instant.parse("2026-09-03T00:00:00Z"))) {
      h.open();
      h.processElement(voice("A", DAY, 60), DAY.toEpochMilli());
      h.setProcessingTime(FLUSH_MS);
      assertEquals(1, h.extractOutputValues().size(), "the day is written");
      h.processWatermark(AFTER_DAY);

      h.setProcessingTime(DailySettlementAggregator.END_CHECK_MS);

      assertEquals(0, h.numKeyedStateEntries(), "the day's totals are gone");
      assertEquals(0, h.numProcessingTimeTimers());
      assertEquals(0, h.numEventTimeTimers());
    }
  }

  @Test
  void aSettlementDayStaysWhileALateRecordCouldStillLandInIt() throws Exception {
    // The cutoff is less than a day after the day's end: a record of that day may be on its way.
    try (var h = settlementHarness(Instant.parse("2026-09-02T12:00:00Z"))) {
      h.open();
      h.processElement(voice("A", DAY, 60), DAY.toEpochMilli());
      h.processWatermark(AFTER_DAY);
      h.setProcessingTime(DailySettlementAggregator.END_CHECK_MS);
      assertEquals(1, h.numProcessingTimeTimers(), "checked again later");
      assertEquals(0, h.numEventTimeTimers(), "no end-of-input timer once written");

      // The late record adds to the kept totals: the row is never rewritten with a partial value.
      SettlementCall late = voice("L", DAY.minusSeconds(3600), 40);
      h.processElement(late, late.eventStart);
      h.setProcessingTime(DailySettlementAggregator.END_CHECK_MS + FLUSH_MS);
      List<SettlementDailyRow> rows = h.extractOutputValues();
      assertEquals(2, rows.get(rows.size() - 1).events);
    }
  }

  @Test
  void withoutAnAnonymisationRunNoSettlementDayEnds() throws Exception {
    try (var h = settlementHarness(null)) {
      h.open();
      h.processElement(voice("A", DAY, 60), DAY.toEpochMilli());
      h.processWatermark(Instant.parse("2027-09-01T00:00:00Z").toEpochMilli());
      h.setProcessingTime(DailySettlementAggregator.END_CHECK_MS);
      assertEquals(1, h.numProcessingTimeTimers());
      assertEquals(1, h.extractOutputValues().size());
    }
  }

  @Test
  void aDrainWritesTheDayKeepsItAndLeavesOnlyTheEndCheck() throws Exception {
    try (var h = settlementHarness(Instant.parse("2026-09-03T00:00:00Z"))) {
      h.open();
      h.processElement(voice("A", DAY, 60), DAY.toEpochMilli());
      h.processWatermark(new Watermark(Long.MAX_VALUE));
      assertEquals(1, h.extractOutputValues().size());
      assertEquals(0, h.numEventTimeTimers());
      assertEquals(1, h.numProcessingTimeTimers(), "the end check, kept in the savepoint");
    }
  }

  @Test
  void anAuditHourEndsADayAfterIt() throws Exception {
    try (var h =
        new KeyedOneInputStreamOperatorTestHarness<Long, AuditEvent, HourlyAudit>(
            new KeyedProcessOperator<>(new HourlyAuditAggregator(FLUSH_MS)),
            e -> e.hour,
            Types.LONG)) {
      h.open();
      AuditEvent e = AuditEvent.of(AuditCounter.RECEIVED, 3, 0);
      h.processElement(e, 0);
      h.processWatermark(1);
      long hourEnds = Duration.ofHours(1).toMillis();
      long check = HourlyAuditAggregator.END_CHECK_MS;
      for (long t = check; t < hourEnds + LateDataRule.AUDIT_HOUR_KEPT.toMillis(); t += check) {
        h.setProcessingTime(t);
        assertEquals(1, h.numProcessingTimeTimers(), "kept at " + t);
      }
      h.setProcessingTime(hourEnds + LateDataRule.AUDIT_HOUR_KEPT.toMillis());
      assertEquals(0, h.numKeyedStateEntries());
      assertEquals(0, h.numProcessingTimeTimers());
      assertEquals(0, h.numEventTimeTimers());
      assertEquals(3, h.extractOutputValues().get(0).received);
    }
  }

  @Test
  void aSubscriptionThatLeftHoldsNoStateOnceNoRuleCanReadIt() throws Exception {
    long t0 = Instant.parse("2026-10-05T08:00:00Z").toEpochMilli();
    // October's usage ends with October; the presence day of 5 October is read by fair use for
    // events up to 3 January 2027. Either + 1 day in flight: final once the cutoff is 4 January
    // 2027 24:00 Oslo time.
    Instant lastRead = Instant.parse("2027-01-04T23:00:00Z");
    try (var kept = raterHarness(lastRead.minus(Duration.ofHours(1)));
        var ended = raterHarness(lastRead)) {
      for (var h : List.of(kept, ended)) {
        h.processElement(call("A", t0), t0);
        h.processWatermark(t0);
        assertEquals(1, h.extractOutputValues().size());
        h.processWatermark(Instant.parse("2027-02-01T00:00:00Z").toEpochMilli());
        h.setProcessingTime(EventTimeRater.END_CHECK_MS);
      }
      assertEquals(1, kept.numProcessingTimeTimers(), "presence may still be read");
      assertEquals(0, ended.numKeyedStateEntries(), "usage and presence are gone");
      assertEquals(0, ended.numProcessingTimeTimers());
      assertEquals(0, ended.numEventTimeTimers());
    }
  }

  @Test
  void theEndCheckComesAtTheConfiguredInterval() throws Exception {
    // state.end-check-interval (the bench's long run compresses the clock with it).
    long t0 = Instant.parse("2026-10-05T08:00:00Z").toEpochMilli();
    try (var h = raterHarness(Instant.parse("2027-02-01T00:00:00Z"), 1_000)) {
      h.processElement(call("A", t0), t0);
      h.processWatermark(Instant.parse("2027-02-01T00:00:00Z").toEpochMilli());
      h.setProcessingTime(999);
      assertEquals(1, h.numProcessingTimeTimers(), "not before the interval");

      h.setProcessingTime(1_000);

      assertEquals(0, h.numKeyedStateEntries(), "usage and presence are gone");
      assertEquals(0, h.numProcessingTimeTimers());
    }
  }

  @Test
  void lateDataRuleTable() {
    Instant cutoff = Instant.parse("2026-10-01T00:00:00Z");
    long wm = Instant.parse("2026-10-05T00:00:00Z").toEpochMilli();
    record Case(String day, long watermark, Instant cutoff, boolean isFinal) {}
    for (Case c :
        List.of(
            new Case("2026-09-28", wm, cutoff, true), // ends 28/29 Sep Oslo, + 1 day < cutoff
            new Case("2026-09-29", wm, cutoff, true), // ends 29 Sep 22:00 UTC, +1 day = cutoff
            new Case("2026-09-30", wm, cutoff, false), // a record may still be on its way
            new Case(
                "2026-09-28",
                Instant.parse("2026-09-28T12:00:00Z").toEpochMilli(),
                cutoff,
                false), // the watermark has not passed the day
            new Case("2026-09-01", wm, null, false))) { // no anonymisation run: no limit
      assertEquals(
          c.isFinal(),
          LateDataRule.settlementDayIsFinal(
              java.time.LocalDate.parse(c.day()),
              c.watermark(),
              java.util.Optional.ofNullable(c.cutoff())),
          c.toString());
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, SettlementCall, SettlementDailyRow>
      settlementHarness(Instant cutoff) throws Exception {
    ReferenceData ref = ReferenceData.builder().anonymisationCutoff(cutoff).build();
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(
            new DailySettlementAggregator(FLUSH_MS, ReferenceDataProvider.fixed(ref), null)),
        DailySettlement::keyOf,
        Types.STRING);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, MediatedCall, InvoiceLine>
      raterHarness(Instant cutoff) throws Exception {
    return raterHarness(cutoff, EventTimeRater.END_CHECK_MS);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, MediatedCall, InvoiceLine>
      raterHarness(Instant cutoff, long endCheckMs) throws Exception {
    ReferenceData ref =
        ReferenceData.builder()
            .plan(new PricePlan("P", "Plan", 1, 0, 0, null, DataOverage.THROTTLE, null))
            .rate(
                new Rate(
                    "P", Service.VOICE, "DOMESTIC", BigDecimal.ZERO, new BigDecimal("1.00"), 1, 1))
            .anonymisationCutoff(cutoff)
            .build();
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new EventTimeRater(ReferenceDataProvider.fixed(ref), endCheckMs),
        c -> c.subscriptionId,
        Types.STRING);
  }

  private static MediatedCall call(String ref, long start) {
    return DomesticCall.unpriced(ref, start, 60, "SUB-1");
  }

  private static SettlementCall voice(String reference, Instant answer, int seconds) {
    SettlementCall c = new SettlementCall();
    c.settlementId = reference;
    c.lineId = reference;
    c.partnerId = "PTN-OPA";
    c.direction = "OUT";
    c.product = "VOICE_TERM_MOBILE";
    c.currency = "NOK";
    c.eventStart = answer.toEpochMilli();
    c.eventDate = SettlementCall.dayOf(c.eventStart).toString();
    c.seconds = seconds;
    c.units = 1;
    c.price = new BigDecimal("0.059000");
    c.amount = WholesaleAmount.perSecond(seconds, c.price);
    return c;
  }
}
