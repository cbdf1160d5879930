package org.cdrflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.pipeline.EventTimeRater;
import org.cdrflow.pipeline.StateKeySerializer;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.ReferenceDataProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long run tells the calls {@code rate} holds for the watermark apart from the state that must
 * end (docs/benchmarks.md, "Long run: state over twelve months"): read from a snapshot of the real
 * rater, written as a checkpoint's {@code _metadata}.
 */
class HeldCallsTest {
  private static final long T0 = 1_775_000_000_000L;

  @Test
  void countsEveryCallTheRaterHoldsAndNothingElse(@TempDir Path dir) throws Exception {
    OperatorSubtaskState snapshot;
    try (KeyedOneInputStreamOperatorTestHarness<String, MediatedCall, InvoiceLine> rater =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new EventTimeRater(ReferenceDataProvider.fixed(ReferenceData.builder().build())),
            c -> c.subscriptionId,
            StateKeySerializer.TYPE)) {
      // No watermark yet: every call waits for it, two of S1's at the same event time.
      rater.processElement(call("S1", "A", T0), T0);
      rater.processElement(call("S1", "B", T0), T0);
      rater.processElement(call("S1", "C", T0 + 60_000), T0 + 60_000);
      rater.processElement(call("S2", "D", T0), T0);
      snapshot = rater.snapshot(1, 1);
    }
    OperatorState rate = new OperatorState(null, null, FraudCost.operatorId(HeldCalls.RATE), 1, 1);
    rate.putState(0, snapshot);
    try (DataOutputStream out =
        new DataOutputStream(Files.newOutputStream(dir.resolve("_metadata")))) {
      Checkpoints.storeCheckpointMetadata(new CheckpointMetadata(1, List.of(rate), List.of()), out);
    }

    HeldCalls.Count count = HeldCalls.in(dir);

    assertEquals(4, count.calls());
    var serializer =
        Types.LIST(EventTimeRater.CALL_STATE_TYPE).createSerializer(new SerializerConfigImpl());
    DataOutputSerializer one = new DataOutputSerializer(512);
    serializer.serialize(List.of(call("S1", "A", T0)), one);
    // Four calls in three map entries: the calls' own bytes, plus for each entry its event time,
    // flag and list header and the timer that rates it (its time and the subscription's key), and
    // a map header for each of the two subscriptions.
    long perCall = one.length() - Integer.BYTES;
    long least = 4 * perCall + 3 * (Long.BYTES + 1 + Long.BYTES + 2);
    assertTrue(count.bytes() >= least, count.toString());
    assertTrue(
        count.bytes() <= least + 3 * (Integer.BYTES + 4) + 2 * Integer.BYTES, count.toString());
  }

  private static MediatedCall call(String subscription, String reference, long start) {
    MediatedCall c = new MediatedCall();
    c.networkElement = "MSC01";
    c.callReference = reference;
    c.subscriptionId = subscription;
    c.eventStartMillis = start;
    c.durationSeconds = 60;
    return c;
  }
}
