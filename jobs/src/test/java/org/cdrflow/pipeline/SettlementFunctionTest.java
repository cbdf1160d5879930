package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.schema.RecordType;
import org.cdrflow.settlement.SettlementCall;
import org.junit.jupiter.api.Test;

/** Every assembled call that mediation resolved a partner for is settled (docs/settlement.md). */
class SettlementFunctionTest {
  private static final long T0 = Instant.parse("2026-10-05T08:00:00Z").toEpochMilli();

  @Test
  void aSettledCallGivesOneRowAndIsCountedWhateverItsRetailFlags() throws Exception {
    MediatedCall incomplete = call("C1", true);
    incomplete.incomplete = true;
    MediatedCall blocked = call("C2", true);
    blocked.simBlockedAtMillis = T0 - 1;
    try (OneInputStreamOperatorTestHarness<MediatedCall, SettlementCall> h =
        ProcessFunctionTestHarnesses.forProcessFunction(new SettlementFunction())) {
      h.processElement(incomplete, T0);
      h.processElement(blocked, T0);
      h.processElement(call("C3", false), T0);

      List<SettlementCall> rows = h.extractOutputValues();
      assertEquals(2, rows.size(), "the call without a partner is not settled");
      assertEquals(new BigDecimal("0.120000"), rows.get(0).amount);
      long counted =
          h.getSideOutput(Outcomes.AUDIT).stream()
              .map(StreamRecord::getValue)
              .filter(e -> e.counter == AuditCounter.SETTLEMENT_ROWS_WRITTEN)
              .mapToLong(e -> e.count)
              .sum();
      assertEquals(2, counted);
      assertTrue(rows.stream().allMatch(r -> r.units == 1));
    }
  }

  private static MediatedCall call(String ref, boolean settled) {
    MediatedCall c = new MediatedCall();
    c.networkElement = "MSC-OSL-1";
    c.callReference = ref;
    c.recordType = RecordType.MOC;
    c.lineId = ref;
    c.eventStartMillis = T0;
    c.durationSeconds = 120;
    c.msisdn = "+4791000101";
    c.counterpartNumber = "+4745000000";
    if (settled) {
      c.settlementPartnerId = "PTN-OPA";
      c.settlementDirection = "OUT";
      c.settlementProduct = "VOICE_TERM_MOBILE";
      c.settlementUnit = "MINUTE";
      c.settlementCurrency = "NOK";
      c.settlementPrice = new BigDecimal("0.06");
    }
    return c;
  }
}
