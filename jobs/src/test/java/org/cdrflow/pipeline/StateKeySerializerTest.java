package org.cdrflow.pipeline;

import static org.cdrflow.pipeline.CallAssemblerTest.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.cdrflow.domain.MediatedCall;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The state key serializer must write exactly what Flink's string serializer writes: a job that ran
 * before it was introduced restores its checkpoints with it, and RocksDB finds its entries by those
 * bytes.
 */
class StateKeySerializerTest {
  private static final long T0 = 1_790_841_600_000L;

  private static List<String> keys() {
    List<String> keys =
        new ArrayList<>(
            Arrays.asList(
                "",
                "a",
                "MSC-OSL-1|REF-0000123456|MOC",
                "SUB-0000001",
                "Tromsø|Å|é",
                "日本語",
                "\uD83D\uDCDE call",
                "\u007f\u0080\u3fff\u4000\uffff",
                null));
    keys.add("x".repeat(200)); // a length of more than one byte
    keys.add("ø".repeat(20_000)); // longer than the first scratch buffer
    return keys;
  }

  @Test
  void writesTheBytesOfFlinksStringSerializer() throws Exception {
    for (String key : keys()) {
      DataOutputSerializer flink = new DataOutputSerializer(16);
      StringSerializer.INSTANCE.serialize(key, flink);
      DataOutputSerializer ours = new DataOutputSerializer(16);
      new StateKeySerializer().serialize(key, ours);
      assertArrayEquals(flink.getCopyOfBuffer(), ours.getCopyOfBuffer(), String.valueOf(key));
      assertEquals(
          key,
          new StateKeySerializer().deserialize(new DataInputDeserializer(flink.getCopyOfBuffer())));
    }
  }

  @Test
  void takesOverTheSnapshotOfFlinksStringSerializer() {
    assertTrue(
        new StateKeySerializer()
            .snapshotConfiguration()
            .resolveSchemaCompatibility(StringSerializer.INSTANCE.snapshotConfiguration())
            .isCompatibleAsIs());
    assertTrue(
        new StateKeySerializer()
            .snapshotConfiguration()
            .resolveSchemaCompatibility(new StateKeySerializer().snapshotConfiguration())
            .isCompatibleAsIs());
  }

  /**
   * A job keyed by Flink's string type checkpoints a call already seen and a pending partial with
   * its timer; the job keyed by the state key type restores it: the call is still a duplicate and
   * the partial is still emitted INCOMPLETE when its timeout passes.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"heap", "rocksdb"})
  void aCheckpointWrittenWithStringKeysIsRestored(String backend) throws Exception {
    OperatorSubtaskState checkpoint;
    try (var before = harness(Types.STRING, backend)) {
      before.open();
      before.processElement(record("C1", 0, true, T0, 60), T0);
      before.processElement(record("C2", 1, false, T0, 100), T0);
      checkpoint = before.snapshot(1L, T0);
    }
    try (var after = harness(StateKeySerializer.TYPE, backend)) {
      after.initializeState(checkpoint);
      after.open();
      after.processElement(record("C1", 0, true, T0, 60), T0);
      after.processWatermark(T0 + Duration.ofHours(6).toMillis() + 1);

      List<MediatedCall> out = after.extractOutputValues();
      assertEquals(1, out.size(), "only the pending partial, flagged incomplete");
      assertEquals("C2", out.get(0).callReference);
      assertTrue(out.get(0).incomplete);
      assertEquals(
          1,
          after.getSideOutput(Outcomes.AUDIT).stream()
              .map(StreamRecord::getValue)
              .filter(e -> e.counter == AuditCounter.DUPLICATES)
              .mapToLong(e -> e.count)
              .sum(),
          "the call seen before the restore is a duplicate");
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, MediatedCall, MediatedCall> harness(
      TypeInformation<String> keyType, String backend) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new CallAssembler(Duration.ofHours(6), Duration.ofDays(7))),
            MediatedCall::callKey,
            keyType);
    StateBackend b =
        "rocksdb".equals(backend) ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
    h.setStateBackend(b);
    return h;
  }
}
