package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.schema.RecordType;
import org.junit.jupiter.api.Test;

/**
 * The duplicate memory of {@code assemble-calls} (docs/architecture.md, "State"): a call seen in
 * the dedup window costs a 64-bit key and a one-byte entry with its time-to-live, and the hash is
 * the same whether computed from the call or from the string key earlier builds wrote.
 */
class CallAssemblyStateBudgetTest {
  private static final long T0 = 1_790_841_600_000L;

  @Test
  void aSeenCallCostsUnder20BytesInACheckpoint() throws Exception {
    int calls = 2_000;
    try (var h = harness();
        var empty = harness()) {
      h.open();
      empty.open();
      long fixed = RaterStateBudgetTest.stateBytes(empty);
      for (int i = 0; i < calls; i++) {
        MediatedCall c = CallAssemblerTest.record("CR" + (1_000_000 + i), 0, true, T0 + i, 60);
        h.processElement(c, c.eventStartMillis);
        // Every tenth call is delivered twice: dropped, and nothing more kept for it.
        if (i % 10 == 0) {
          MediatedCall again =
              CallAssemblerTest.record("CR" + (1_000_000 + i), 0, true, T0 + i, 60);
          h.processElement(again, again.eventStartMillis);
        }
      }
      assertEquals(calls, h.extractOutputValues().size());
      double perCall = (double) (RaterStateBudgetTest.stateBytes(h) - fixed) / calls;
      System.out.println("assemble-calls, bytes per seen call: " + perCall);
      // 8 bytes of key, 8 of time-to-live, 1 of entry, and the backend's framing.
      assertTrue(perCall <= 20, perCall + " bytes per call");
    }
  }

  @Test
  void theHashOfACallIsTheHashOfItsEarlierStringKey() {
    Random random = new Random(17);
    for (int i = 0; i < 20_000; i++) {
      MediatedCall c = new MediatedCall();
      c.networkElement = random.nextInt(20) == 0 ? null : "MSC-" + random.nextInt(1_000);
      c.callReference = random.nextInt(20) == 0 ? null : Long.toHexString(random.nextLong()) + "é";
      c.recordType =
          random.nextInt(20) == 0
              ? null
              : RecordType.values()[random.nextInt(RecordType.values().length)];
      assertEquals(CallKeyHash.of(c.callKey()), CallKeyHash.of(c), c.callKey());
    }
  }

  @Test
  void entriesOfEveryShapeReadBackAsWritten() throws Exception {
    Random random = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      CallAssemblyState v = new CallAssemblyState();
      int seen = random.nextInt(4);
      for (int s = 0; s < seen * 30; s += 1 + random.nextInt(40)) {
        v.markSeen(s);
      }
      v.emitted = random.nextBoolean();
      if (random.nextBoolean()) {
        v.lastSequence = random.nextInt(200);
        v.newestPartialEventTime = T0 + random.nextInt();
        v.timer = random.nextBoolean() ? Long.MIN_VALUE : T0 + random.nextInt();
        v.pending = random.nextInt(100);
      }
      DataOutputSerializer out = new DataOutputSerializer(64);
      CallAssemblySerializer.INSTANCE.serialize(v, out);
      CallAssemblyState read =
          CallAssemblySerializer.INSTANCE.deserialize(
              new DataInputDeserializer(out.getCopyOfBuffer()));
      assertEquals(v.seenLow, read.seenLow);
      assertTrue(Arrays.equals(v.seenHigh, read.seenHigh));
      assertEquals(v.emitted, read.emitted);
      assertEquals(v.lastSequence, read.lastSequence);
      assertEquals(v.newestPartialEventTime, read.newestPartialEventTime);
      assertEquals(v.timer, read.timer);
      assertEquals(v.pending, read.pending);
    }
    CallAssemblyState single = new CallAssemblyState();
    single.markSeen(0);
    single.emitted = true;
    DataOutputSerializer out = new DataOutputSerializer(8);
    CallAssemblySerializer.INSTANCE.serialize(single, out);
    assertEquals(1, out.length(), "a call of one record, seen and emitted: one byte");
  }

  private static org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness<
          Long, MediatedCall, MediatedCall>
      harness() throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new CallAssembler(Duration.ofHours(6), Duration.ofDays(7)), CallKeyHash::of, Types.LONG);
  }
}
