package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Allowances are drawn in event-time order, whatever order the feed delivers the events in. */
class EventTimeRaterTest {
  private static final long T0 = Instant.parse("2026-10-05T08:00:00Z").toEpochMilli();

  private KeyedOneInputStreamOperatorTestHarness<String, MediatedCall, InvoiceLine> harness;
  private ReferenceData ref;

  @BeforeEach
  void open() throws Exception {
    // One free minute a month; then 1.00 NOK per minute, billed per second.
    ref =
        ReferenceData.builder()
            .plan(new PricePlan("P", "Plan", 1, 0, 0, null, DataOverage.THROTTLE, null))
            .rate(
                new Rate(
                    "P", Service.VOICE, "DOMESTIC", BigDecimal.ZERO, new BigDecimal("1.00"), 1, 1))
            .build();
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new EventTimeRater(ReferenceDataProvider.fixed(ref)),
            c -> c.subscriptionId,
            Types.STRING);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void theEarliestCallGetsTheFreeMinuteEvenWhenItArrivesLast() throws Exception {
    harness.processElement(call("LATER", T0 + 60_000, 60), T0 + 60_000);
    harness.processElement(call("EARLIER", T0, 60), T0);
    assertTrue(harness.extractOutputValues().isEmpty(), "held until the watermark passes them");

    harness.processWatermark(T0 + 60_000);

    List<InvoiceLine> lines = harness.extractOutputValues();
    lines.sort(Comparator.comparing(l -> l.callReference));
    assertEquals("EARLIER", lines.get(0).callReference);
    assertEquals(60, lines.get(0).allowanceUnits);
    assertEquals(new BigDecimal("0.00"), lines.get(0).amount);
    assertEquals("LATER", lines.get(1).callReference);
    assertEquals(0, lines.get(1).allowanceUnits);
    assertEquals(new BigDecimal("1.00"), lines.get(1).amount);
    assertEquals(0, harness.numEventTimeTimers());
  }

  @Test
  void equalEventTimesAreBrokenByNetworkElementAndCallReference() throws Exception {
    harness.processElement(call("B", T0, 60), T0);
    harness.processElement(call("A", T0, 60), T0);
    harness.processWatermark(T0);

    List<InvoiceLine> lines = harness.extractOutputValues();
    assertEquals("A", lines.get(0).callReference);
    assertEquals(60, lines.get(0).allowanceUnits);
    assertEquals(0, lines.get(1).allowanceUnits);
  }

  @Test
  void aCallAlreadyBehindTheWatermarkIsRatedOnArrival() throws Exception {
    harness.processWatermark(T0 + 3_600_000);
    harness.processElement(call("LATE", T0, 30), T0);
    assertEquals(1, harness.extractOutputValues().size());
    assertEquals(30, harness.extractOutputValues().get(0).allowanceUnits);
  }

  @Test
  void aCallHeldByAnEarlierBuildWithoutATariffIsPricedOnRestore() throws Exception {
    MediatedCall held = call("OLD", T0, 30);
    held.tariff = null;
    harness.processWatermark(T0);
    harness.processElement(held, T0);
    assertEquals(1, harness.extractOutputValues().size());
    assertEquals("DOMESTIC", harness.extractOutputValues().get(0).ratingZone);
  }

  @Test
  void theRaterRejectsNothingAndSettlesNothing() throws Exception {
    harness.processWatermark(T0);
    harness.processElement(call("X", T0, 30), T0);
    assertEquals(1, harness.extractOutputValues().size());
    assertNull(harness.getSideOutput(Outcomes.REJECTS));
  }

  private MediatedCall call(String callReference, long start, int seconds) {
    return DomesticCall.priced(callReference, start, seconds, "SUB-1", ref);
  }

  private static MediatedCall unpriced(String ref, long start, int seconds) {
    return DomesticCall.unpriced(ref, start, seconds, "SUB-1");
  }
}
