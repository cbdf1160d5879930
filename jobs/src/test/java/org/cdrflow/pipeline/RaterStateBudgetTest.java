package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.cdrflow.anonymisation.AnonymisationCutoff;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.reference.DataOverage;
import org.cdrflow.reference.PricePlan;
import org.cdrflow.reference.Rate;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceDataProvider;
import org.cdrflow.reference.Service;
import org.junit.jupiter.api.Test;

/**
 * What {@code rate} keeps of a subscription over a year (docs/architecture.md, "State that ends"):
 * twelve months of 20 calls a day for one subscription, the watermark following the calls, the end
 * check every day and the anonymisation cutoff moved every month as the monthly run moves it. The
 * keyed state of the subscription (read from a snapshot, as a checkpoint writes it) must stay
 * within its share of the 1 KB per active subscription, and must not grow once the first
 * anonymisation runs retire months.
 */
class RaterStateBudgetTest {
  private static final ZoneId OSLO = ZoneId.of("Europe/Oslo");
  private static final YearMonth FIRST = YearMonth.of(2025, 11);
  private static final int CALLS_A_DAY = 20;

  /** The rater's share of the 1 KB: the call assembler and settlement need the rest. */
  private static final long BUDGET_BYTES = 300;

  /** The cutoff of the latest anonymisation run, moved by the test month by month. */
  private static volatile Instant cutoff;

  @Test
  void aSubscriptionWithTwentyCallsADayKeepsUnder300BytesAndDoesNotGrow() throws Exception {
    List<Long> bytesByMonth = new ArrayList<>();
    try (var h = harness();
        var empty = harness()) {
      h.open();
      empty.open();
      long fixed = stateBytes(empty);
      long day = Duration.ofDays(1).toMillis();
      long processingTime = 0;
      int n = 0;
      for (int m = 0; m < 12; m++) {
        YearMonth month = FIRST.plusMonths(m);
        // The monthly run as of the first of the month (docs/anonymisation.md).
        cutoff = AnonymisationCutoff.cutoffAt(month.atDay(1)).toInstant();
        for (LocalDate d = month.atDay(1); !d.isAfter(month.atEndOfMonth()); d = d.plusDays(1)) {
          long dayStart = d.atStartOfDay(OSLO).toInstant().toEpochMilli();
          for (int i = 0; i < CALLS_A_DAY; i++) {
            long t = dayStart + (i + 1) * (day / (CALLS_A_DAY + 1));
            h.processElement(call("C" + n++, t), t);
            h.processWatermark(t);
          }
          processingTime += day;
          h.setProcessingTime(processingTime);
        }
        bytesByMonth.add(stateBytes(h) - fixed);
      }
      assertEquals(n, h.extractOutputValues().size(), "every call rated");
    }
    System.out.println("rate, bytes of one subscription by month: " + bytesByMonth);
    for (int m = 0; m < 12; m++) {
      assertTrue(
          bytesByMonth.get(m) <= BUDGET_BYTES,
          FIRST.plusMonths(m) + ": " + bytesByMonth.get(m) + " bytes > " + BUDGET_BYTES);
    }
    // From the seventh month on every run retires a month: no growth.
    long settled = bytesByMonth.get(6);
    for (int m = 7; m < 12; m++) {
      assertTrue(
          bytesByMonth.get(m) <= settled,
          "grew from " + settled + " to " + bytesByMonth.get(m) + " in " + FIRST.plusMonths(m));
    }
  }

  /** The keyed state in a snapshot of the harness, as a heap checkpoint writes it. */
  static long stateBytes(KeyedOneInputStreamOperatorTestHarness<?, ?, ?> h) throws Exception {
    OperatorSubtaskState s = h.snapshot(1, 1);
    long bytes = 0;
    for (KeyedStateHandle k : s.getManagedKeyedState()) {
      bytes += k.getStateSize();
    }
    for (KeyedStateHandle k : s.getRawKeyedState()) {
      bytes += k.getStateSize();
    }
    return bytes;
  }

  private static final ReferenceData REF =
      ReferenceData.builder()
          .plan(new PricePlan("P", "Plan", 100, 0, 0, null, DataOverage.THROTTLE, null))
          .rate(
              new Rate(
                  "P", Service.VOICE, "DOMESTIC", BigDecimal.ZERO, new BigDecimal("1.00"), 1, 1))
          .build();

  private static KeyedOneInputStreamOperatorTestHarness<String, MediatedCall, InvoiceLine> harness()
      throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new EventTimeRater(new MovingCutoff()), c -> c.subscriptionId, Types.STRING);
  }

  /** The reference data with the cutoff of the test's latest anonymisation run. */
  static final class MovingCutoff implements ReferenceDataProvider {
    private static final long serialVersionUID = 1L;
    private transient Instant built;
    private transient ReferenceData data;

    @Override
    public void open() {}

    @Override
    public ReferenceData current() {
      Instant now = cutoff;
      if (data == null || !java.util.Objects.equals(now, built)) {
        data =
            ReferenceData.builder()
                .plan(new PricePlan("P", "Plan", 100, 0, 0, null, DataOverage.THROTTLE, null))
                .rate(
                    new Rate(
                        "P",
                        Service.VOICE,
                        "DOMESTIC",
                        BigDecimal.ZERO,
                        new BigDecimal("1.00"),
                        1,
                        1))
                .anonymisationCutoff(now)
                .build();
        built = now;
      }
      return data;
    }

    @Override
    public void close() {}
  }

  private static MediatedCall call(String ref, long start) {
    return DomesticCall.priced(ref, start, 95, "SUB-0000001", REF);
  }
}
