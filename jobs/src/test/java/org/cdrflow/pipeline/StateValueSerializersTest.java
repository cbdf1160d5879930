package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The state value serializers must write exactly what Flink's POJO serializer writes: checkpoints
 * and savepoints of every earlier build (release 52201b6 included) are restored with them as they
 * are, on the heap and in RocksDB.
 */
class StateValueSerializersTest {
  private static final long T0 = 1_790_841_600_000L;

  private static final List<TypeInformation<?>> TYPES =
      List.of(
          StateValueSerializers.CALL_ASSEMBLY,
          StateValueSerializers.PERIOD_USAGE,
          StateValueSerializers.PRESENCE_DAYS);

  @SuppressWarnings("unchecked")
  private static <T> TypeSerializer<T> ours(TypeInformation<?> type) {
    return ((TypeInformation<T>) type).createSerializer(new SerializerConfigImpl());
  }

  @SuppressWarnings("unchecked")
  private static <T> TypeSerializer<T> pojo(TypeInformation<?> type) {
    return Types.POJO((Class<T>) type.getTypeClass()).createSerializer(new SerializerConfigImpl());
  }

  /** Every public instance field set to a random value (null now and then, arrays of any size). */
  private static Object randomValue(Class<?> type, Random random) throws Exception {
    Object v = type.getDeclaredConstructor().newInstance();
    for (Field f : type.getFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      Class<?> t = f.getType();
      if (t == long.class) {
        f.setLong(v, random.nextLong());
      } else if (t == int.class) {
        f.setInt(v, random.nextInt());
      } else if (t == boolean.class) {
        f.setBoolean(v, random.nextBoolean());
      } else if (t == String.class) {
        f.set(v, random.nextInt(3) == 0 ? null : "SE,DE,ø" + random.nextInt(1000));
      } else if (t == int[].class) {
        f.set(
            v,
            random.nextInt(3) == 0
                ? null
                : random.ints(random.nextInt(70), 64, 10_000).sorted().toArray());
      } else if (t == long[].class) {
        f.set(v, random.nextInt(3) == 0 ? null : random.longs(random.nextInt(5)).toArray());
      } else {
        throw new AssertionError("a field type the test does not know: " + f);
      }
    }
    return v;
  }

  private static byte[] bytes(TypeSerializer<Object> serializer, Object value) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(16);
    serializer.serialize(value, out);
    return out.getCopyOfBuffer();
  }

  @Test
  void writesTheBytesOfFlinksPojoSerializerAndReadsThem() throws Exception {
    Random random = new Random(17);
    for (TypeInformation<?> type : TYPES) {
      TypeSerializer<Object> ours = ours(type);
      TypeSerializer<Object> pojo = pojo(type);
      assertArrayEquals(bytes(pojo, null), bytes(ours, null));
      for (int i = 0; i < 2_000; i++) {
        Object value = randomValue(type.getTypeClass(), random);
        byte[] expected = bytes(pojo, value);
        assertArrayEquals(expected, bytes(ours, value), type.toString());
        Object back = ours.deserialize(new DataInputDeserializer(expected));
        assertArrayEquals(expected, bytes(pojo, back), "read back " + type);
        assertArrayEquals(expected, bytes(pojo, ours.copy(value)), "copied " + type);
      }
    }
  }

  @Test
  void takesOverThePojoSerializersSnapshotAndItsOwn() throws Exception {
    for (TypeInformation<?> type : TYPES) {
      TypeSerializer<Object> ours = ours(type);
      assertTrue(
          ours.snapshotConfiguration()
              .resolveSchemaCompatibility(pojo(type).snapshotConfiguration())
              .isCompatibleAsIs(),
          type.toString());
      // Written and read back as a checkpoint's metadata does.
      DataOutputSerializer out = new DataOutputSerializer(64);
      TypeSerializerSnapshot.writeVersionedSnapshot(out, ours.snapshotConfiguration());
      TypeSerializerSnapshot<Object> read =
          TypeSerializerSnapshot.readVersionedSnapshot(
              new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
      assertEquals(ours, read.restoreSerializer());
      assertTrue(
          ours.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs(),
          type.toString());
    }
  }

  /**
   * A checkpoint written with the POJO serializer (as every build before this one wrote) is
   * restored: the duplicate entry of a call, with its time-to-live, and a subscription's usage and
   * presence read back field for field.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"heap", "rocksdb"})
  void aCheckpointWrittenWithThePojoSerializerIsRestored(String backend) throws Exception {
    Random random = new Random(52201);
    List<Object> values = new ArrayList<>();
    for (TypeInformation<?> type : TYPES) {
      values.add(randomValue(type.getTypeClass(), random));
    }
    OperatorSubtaskState checkpoint;
    try (var before = harness(new Values(false, values), backend)) {
      before.open();
      before.processElement("write", T0);
      checkpoint = before.snapshot(1L, T0);
    }
    try (var after = harness(new Values(true, values), backend)) {
      after.initializeState(checkpoint);
      after.open();
      after.processElement("read", T0);
      List<Object> read = after.extractOutputValues();
      assertEquals(values.size(), read.size());
      for (int i = 0; i < values.size(); i++) {
        TypeSerializer<Object> pojo = pojo(TYPES.get(i));
        assertArrayEquals(bytes(pojo, values.get(i)), bytes(pojo, read.get(i)), "" + TYPES.get(i));
      }
    }
  }

  private static StateBackend backend(String name) {
    return "rocksdb".equals(name) ? new EmbeddedRocksDBStateBackend() : new HashMapStateBackend();
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, Object, Object> harness(
      Values values, String backend) throws Exception {
    var h =
        new KeyedOneInputStreamOperatorTestHarness<String, Object, Object>(
            new KeyedProcessOperator<>(values), i -> "SUB-1", StateKeySerializer.TYPE);
    h.setStateBackend(backend(backend));
    return h;
  }

  /**
   * Declares one value state per type, under the names and time-to-live the job uses for the call
   * entry ("assembly") and otherwise the type's name: with the POJO serializer it writes the given
   * values, with ours it emits what it reads.
   */
  static final class Values extends KeyedProcessFunction<String, Object, Object> {
    private static final long serialVersionUID = 1L;
    private final boolean ours;
    private final List<Object> values;
    private transient List<ValueState<Object>> states;

    Values(boolean ours, List<Object> values) {
      this.ours = ours;
      this.values = values;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void open(OpenContext ctx) {
      states = new ArrayList<>();
      for (Object v : values) {
        TypeInformation<?> type =
            TYPES.stream().filter(t -> t.getTypeClass() == v.getClass()).findFirst().orElseThrow();
        TypeInformation<Object> declared =
            (TypeInformation<Object>)
                (ours ? type : Types.POJO((Class<Object>) type.getTypeClass()));
        boolean call = v instanceof CallAssemblyState;
        ValueStateDescriptor<Object> d =
            new ValueStateDescriptor<>(call ? "assembly" : type.getTypeClass().getName(), declared);
        if (call) {
          d.enableTimeToLive(
              StateTtlConfig.newBuilder(Duration.ofDays(7))
                  .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                  .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                  .cleanupIncrementally(2, false)
                  .build());
        }
        states.add(getRuntimeContext().getState(d));
      }
    }

    @Override
    public void processElement(Object in, Context ctx, Collector<Object> out) throws Exception {
      for (int i = 0; i < values.size(); i++) {
        if (ours) {
          out.collect(states.get(i).value());
        } else {
          states.get(i).update(values.get(i));
        }
      }
    }
  }
}
