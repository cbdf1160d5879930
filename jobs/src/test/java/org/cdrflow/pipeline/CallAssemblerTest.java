package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.schema.RecordType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CallAssemblerTest {
  private static final long T0 = 1_790_841_600_000L;
  private static final long SIX_HOURS = Duration.ofHours(6).toMillis();

  private KeyedOneInputStreamOperatorTestHarness<Long, MediatedCall, MediatedCall> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new CallAssembler(Duration.ofHours(6), Duration.ofDays(7)),
            CallKeyHash::of,
            Types.LONG);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void aCompleteRecordPassesAndItsDuplicateIsCountedNotEmitted() throws Exception {
    harness.processElement(record("C1", 0, true, T0, 60), T0);
    harness.processElement(record("C1", 0, true, T0, 60), T0);

    List<MediatedCall> out = harness.extractOutputValues();
    assertEquals(1, out.size());
    assertEquals(60, out.get(0).durationSeconds);
    assertEquals(null, out.get(0).payload, "original bytes are not carried past assembly");
    assertEquals(1, audit(AuditCounter.DUPLICATES));
  }

  @Test
  void partialsArrivingOutOfOrderAreJoinedWhenTheLastAndAllBeforeItArrived() throws Exception {
    harness.processElement(record("C2", 3, true, T0 + 3_600_000, 100), T0 + 3_600_000);
    harness.processElement(record("C2", 1, false, T0, 1800), T0);
    assertTrue(harness.extractOutputValues().isEmpty(), "sequence 2 is still missing");
    harness.processElement(record("C2", 2, false, T0 + 1_800_000, 1800), T0 + 1_800_000);

    List<MediatedCall> out = harness.extractOutputValues();
    assertEquals(1, out.size());
    MediatedCall call = out.get(0);
    assertEquals(3700, call.durationSeconds, "duration is the sum of the partials");
    assertEquals(T0, call.eventStartMillis, "the call starts at the answer time of partial 1");
    assertEquals(3, call.rawRecords);
    assertFalse(call.incomplete);
    assertEquals(0, harness.numEventTimeTimers(), "the timeout timer is removed");
    assertEquals(3, audit(AuditCounter.PARTIALS_JOINED));
    assertEquals(0, audit(AuditCounter.PENDING_PARTIALS), "pending goes up and back down");
  }

  @Test
  void anIncompleteCallIsEmittedFlaggedSixHoursAfterItsNewestPartial() throws Exception {
    harness.processElement(record("C3", 1, false, T0, 1800), T0);
    harness.processElement(record("C3", 2, false, T0 + 1_800_000, 1800), T0 + 1_800_000);

    harness.processWatermark(T0 + 1_800_000 + SIX_HOURS - 1);
    assertTrue(harness.extractOutputValues().isEmpty(), "not yet: 6 h after the newest partial");

    harness.processWatermark(T0 + 1_800_000 + SIX_HOURS);
    List<MediatedCall> out = harness.extractOutputValues();
    assertEquals(1, out.size());
    assertTrue(out.get(0).incomplete);
    assertEquals(3600, out.get(0).durationSeconds);
    assertEquals(0, harness.numEventTimeTimers());
  }

  @Test
  void aPartialAfterItsCallWasEmittedIsRejectedLatePartialWithItsBytes() throws Exception {
    harness.processElement(record("C4", 1, false, T0, 1800), T0);
    harness.processWatermark(T0 + SIX_HOURS);
    assertEquals(1, harness.extractOutputValues().size());

    MediatedCall late = record("C4", 2, true, T0 + 1_800_000, 60);
    harness.processElement(late, T0 + 1_800_000);

    List<Rejection> rejects =
        harness.getSideOutput(Outcomes.REJECTS).stream()
            .map(StreamRecord::getValue)
            .collect(Collectors.toList());
    assertEquals(1, rejects.size());
    assertEquals("LATE_PARTIAL", rejects.get(0).reason);
    assertArrayEquals(new byte[] {1, 2, 3}, rejects.get(0).payload);
    assertEquals(1, harness.extractOutputValues().size(), "nothing more is emitted");
  }

  @Test
  void aRepeatedPartialIsADuplicateNotASecondPartOfTheCall() throws Exception {
    harness.processElement(record("C5", 1, false, T0, 100), T0);
    harness.processElement(record("C5", 1, false, T0, 100), T0);
    harness.processElement(record("C5", 2, true, T0 + 100_000, 50), T0 + 100_000);

    List<MediatedCall> out = harness.extractOutputValues();
    assertEquals(1, out.size());
    assertEquals(150, out.get(0).durationSeconds);
    assertEquals(1, audit(AuditCounter.DUPLICATES));
  }

  @Test
  void aDataSessionInPartialsIsBilledOnTheVolumeOfAllItsPartials() throws Exception {
    MediatedCall first = record("D1", 1, false, T0, 0);
    first.recordType = RecordType.DATA;
    first.volumeBytes = 2_100_000;
    MediatedCall last = record("D1", 2, true, T0 + 600_000, 0);
    last.recordType = RecordType.DATA;
    last.volumeBytes = 1_050_000;
    harness.processElement(first, T0);
    harness.processElement(last, T0 + 600_000);

    List<MediatedCall> out = harness.extractOutputValues();
    assertEquals(1, out.size());
    assertEquals(3_150_000, out.get(0).volumeBytes, "uplink + downlink of both partials");
  }

  @Test
  void anIncompleteDataSessionSumsTheVolumeOfThePartialsThatArrived() throws Exception {
    for (int seq = 1; seq <= 2; seq++) {
      MediatedCall part = record("D2", seq, false, T0 + seq * 60_000L, 0);
      part.recordType = RecordType.DATA;
      part.volumeBytes = 1_000L * seq;
      harness.processElement(part, T0 + seq * 60_000L);
    }
    harness.processWatermark(T0 + 120_000 + SIX_HOURS);

    List<MediatedCall> out = harness.extractOutputValues();
    assertEquals(1, out.size());
    assertTrue(out.get(0).incomplete);
    assertEquals(3_000, out.get(0).volumeBytes);
  }

  private long audit(AuditCounter counter) {
    return harness.getSideOutput(Outcomes.AUDIT) == null
        ? 0
        : harness.getSideOutput(Outcomes.AUDIT).stream()
            .map(StreamRecord::getValue)
            .filter(e -> e.counter == counter)
            .mapToLong(e -> e.count)
            .sum();
  }

  static MediatedCall record(String ref, int seq, boolean last, long start, int seconds) {
    MediatedCall c = new MediatedCall();
    c.networkElement = "MSC-OSL-1";
    c.callReference = ref;
    c.recordType = RecordType.MOC;
    c.sequenceNumber = seq;
    c.lastPartial = last;
    c.eventStartMillis = start;
    c.durationSeconds = seconds;
    c.subscriptionId = "SUB-1";
    c.sourceTopic = "cdr.raw";
    c.sourceOffset = seq;
    c.payload = new byte[] {1, 2, 3};
    return c;
  }
}
