package org.cdrflow.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.pipeline.EventTimeRater;
import org.cdrflow.pipeline.StateKeySerializer;

/**
 * The calls {@code rate} holds for the watermark in a checkpoint, read with Flink's State Processor
 * API: records in flight, whose number follows the feed's pace and the watermark's lag, not the
 * months the job has run (docs/benchmarks.md, "Long run: state over twelve months").
 */
final class HeldCalls {
  static final String RATE = "rate";

  /** How many calls, and their bytes as the heap snapshot writes the {@code held} map. */
  record Count(long calls, long bytes) {}

  private HeldCalls() {}

  /** The held calls of every subscription in the checkpoint or savepoint {@code dir}. */
  static Count in(Path dir) throws Exception {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    env.setParallelism(1);
    SavepointReader reader =
        SavepointReader.read(
            env, dir.toAbsolutePath().toUri().toString(), new HashMapStateBackend());
    long calls = 0;
    long bytes = 0;
    try (CloseableIterator<long[]> perKey =
        reader
            .readKeyedState(
                OperatorIdentifier.forUid(RATE),
                new Reader(),
                StateKeySerializer.TYPE,
                TypeInformation.of(long[].class))
            .executeAndCollect("cdrflow bench: calls held for the watermark")) {
      while (perKey.hasNext()) {
        long[] k = perKey.next();
        calls += k[0];
        bytes += k[1];
      }
    }
    return new Count(calls, bytes);
  }

  /**
   * Per subscription: held calls and their bytes (event time, flag, list of calls per entry, and
   * the event-time timer that rates them: its time and the subscription's key).
   */
  static final class Reader extends KeyedStateReaderFunction<String, long[]> {
    private transient MapState<Long, List<MediatedCall>> held;
    private transient TypeSerializer<List<MediatedCall>> lists;
    private transient TypeSerializer<String> keys;
    private transient DataOutputSerializer buffer;

    @Override
    public void open(OpenContext ctx) {
      TypeInformation<List<MediatedCall>> type = Types.LIST(EventTimeRater.CALL_STATE_TYPE);
      held = getRuntimeContext().getMapState(new MapStateDescriptor<>("held", Types.LONG, type));
      lists = type.createSerializer(new SerializerConfigImpl());
      keys = StateKeySerializer.TYPE.createSerializer(new SerializerConfigImpl());
      buffer = new DataOutputSerializer(4096);
    }

    @Override
    public void readKey(String key, Context ctx, Collector<long[]> out) throws Exception {
      buffer.clear();
      keys.serialize(key, buffer);
      int timerBytes = Long.BYTES + buffer.length();
      long calls = 0;
      long bytes = 0;
      for (Map.Entry<Long, List<MediatedCall>> e : held.entries()) {
        buffer.clear();
        lists.serialize(e.getValue(), buffer);
        calls += e.getValue().size();
        bytes += Long.BYTES + 1 + buffer.length() + timerBytes;
      }
      if (calls > 0) {
        out.collect(new long[] {calls, bytes + Integer.BYTES});
      }
    }
  }
}
