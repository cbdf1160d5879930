package org.cdrflow.pipeline;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The serializer of the string keys of keyed state (a call's networkElement|callReference|
 * recordType, a subscription id): byte for byte Flink's {@link StringSerializer} format, so
 * checkpoints, savepoints and RocksDB entries written with either are read by the other and a
 * running job keeps its state across the change; but the bytes of a key are written in one piece
 * instead of one call per byte. A heap checkpoint writes every key of the 7-day duplicate memory
 * again; that per-byte writing was a tenth of the job's CPU (docs/benchmarks.md, "Optimisations").
 */
public final class StateKeySerializer extends TypeSerializer<String> {
  private static final long serialVersionUID = 1L;

  /** The type to key a stream by, for {@code keyBy(selector, TYPE)}. */
  public static final TypeInformation<String> TYPE =
      new SerializerType<>(String.class, new StateKeySerializer(), true);

  /**
   * One buffer per thread: the task thread and the thread writing an asynchronous snapshot may both
   * hold this serializer.
   */
  private static final ThreadLocal<DataOutputSerializer> SCRATCH =
      ThreadLocal.withInitial(() -> new DataOutputSerializer(256));

  @Override
  public boolean isImmutableType() {
    return true;
  }

  @Override
  public TypeSerializer<String> duplicate() {
    return this;
  }

  @Override
  public String createInstance() {
    return "";
  }

  @Override
  public String copy(String from) {
    return from;
  }

  @Override
  public String copy(String from, String reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  /**
   * Flink's own encoding ({@link StringValue#writeString}) into a buffer in memory, then one write:
   * the same bytes, without a call per byte on the stream (41 instead of 547 ns for a call key).
   */
  @Override
  public void serialize(String s, DataOutputView out) throws IOException {
    DataOutputSerializer buffer = SCRATCH.get();
    buffer.clear();
    StringValue.writeString(s, buffer);
    out.write(buffer.getSharedBuffer(), 0, buffer.length());
  }

  @Override
  public String deserialize(DataInputView in) throws IOException {
    return StringValue.readString(in);
  }

  @Override
  public String deserialize(String reuse, DataInputView in) throws IOException {
    return StringValue.readString(in);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    StringValue.copyString(source, target);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StateKeySerializer;
  }

  @Override
  public int hashCode() {
    return StateKeySerializer.class.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<String> snapshotConfiguration() {
    return new Snapshot();
  }

  /**
   * Takes over state written with Flink's string serializer as it is: the bytes are the same.
   * Checkpoints record this class by name, so it must keep its name and package; a build without it
   * cannot restore them (docs/operations.md, "Upgrade").
   */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<String> {
    public Snapshot() {
      super(StateKeySerializer::new);
    }

    @Override
    public TypeSerializerSchemaCompatibility<String> resolveSchemaCompatibility(
        TypeSerializerSnapshot<String> previous) {
      if (previous instanceof StringSerializer.StringSerializerSnapshot) {
        return TypeSerializerSchemaCompatibility.compatibleAsIs();
      }
      return super.resolveSchemaCompatibility(previous);
    }
  }
}
