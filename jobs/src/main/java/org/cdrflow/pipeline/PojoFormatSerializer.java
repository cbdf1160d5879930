package org.cdrflow.pipeline;

import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A serializer of a keyed-state value that writes exactly the bytes Flink's POJO serializer writes
 * for it (a flags byte, then every field in the order of their names, each behind a null flag), but
 * field by field in code instead of by reflection, and into a buffer that goes to the stream in one
 * write. A heap checkpoint writes every entry of the state again (the 7-day duplicate memory of
 * {@code assemble-calls}, the usage and presence of every subscription); the POJO serializer's
 * reflective field access and per-field writes were most of that work (docs/benchmarks.md, "Sixth
 * round").
 *
 * <p>Because the bytes are the same, state written with the POJO serializer (release 52201b6 and
 * every build before this one) is taken over as it is, on the heap and in RocksDB, without a
 * migration ({@link #resolveAgainstPojo}); the tests compare the bytes of both serializers.
 */
abstract class PojoFormatSerializer<T> extends TypeSerializer<T> {
  private static final long serialVersionUID = 1L;

  /** The POJO serializer's flags: the value is null / of exactly the declared class. */
  static final int IS_NULL = 1;

  static final int NO_SUBCLASS = 2;

  /**
   * One buffer per thread: the task thread and the thread writing an asynchronous snapshot may both
   * hold this serializer.
   */
  private static final ThreadLocal<DataOutputSerializer> SCRATCH =
      ThreadLocal.withInitial(() -> new DataOutputSerializer(256));

  abstract Class<T> type();

  /** Writes the fields (in the order of their names), each as {@code false} then its value. */
  abstract void writeFields(T value, DataOutputView out) throws IOException;

  /** Reads what {@link #writeFields} wrote. */
  abstract T readFields(DataInputView in) throws IOException;

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<T> duplicate() {
    return this;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public T copy(T from, T reuse) {
    return copy(from);
  }

  @Override
  public void serialize(T value, DataOutputView out) throws IOException {
    if (value == null) {
      out.writeByte(IS_NULL);
      return;
    }
    if (value.getClass() != type()) {
      throw new IOException("not a " + type().getSimpleName() + ": " + value.getClass());
    }
    DataOutputSerializer buffer = SCRATCH.get();
    buffer.clear();
    buffer.writeByte(NO_SUBCLASS);
    writeFields(value, buffer);
    out.write(buffer.getSharedBuffer(), 0, buffer.length());
  }

  @Override
  public T deserialize(DataInputView in) throws IOException {
    int flags = in.readByte();
    if ((flags & IS_NULL) != 0) {
      return null;
    }
    if (flags != NO_SUBCLASS) {
      throw new IOException("unexpected POJO flags " + flags + " for " + type().getSimpleName());
    }
    return readFields(in);
  }

  @Override
  public T deserialize(T reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public boolean equals(Object o) {
    return o != null && o.getClass() == getClass();
  }

  @Override
  public int hashCode() {
    return getClass().hashCode();
  }

  /** The type to declare the state with. */
  TypeInformation<T> typeInformation() {
    return new SerializerType<>(type(), this, false);
  }

  /**
   * What state written by the POJO serializer of {@code type} needs: as it is when its fields are
   * the ones written here (the POJO serializer's own check against today's class says so);
   * otherwise a migration (Flink reads it with the old serializer and writes it with this one) or
   * nothing, as the POJO serializer would have decided.
   */
  static <T> TypeSerializerSchemaCompatibility<T> resolveAgainstPojo(
      Class<T> type, TypeSerializerSnapshot<T> previous) {
    TypeSerializerSnapshot<T> today =
        Types.POJO(type).createSerializer(new SerializerConfigImpl()).snapshotConfiguration();
    TypeSerializerSchemaCompatibility<T> pojo = today.resolveSchemaCompatibility(previous);
    if (pojo.isCompatibleAsIs()) {
      return TypeSerializerSchemaCompatibility.compatibleAsIs();
    }
    if (pojo.isCompatibleAfterMigration() || pojo.isCompatibleWithReconfiguredSerializer()) {
      return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
    }
    return TypeSerializerSchemaCompatibility.incompatible();
  }

  /**
   * The snapshot of every serializer of this kind: records the serializer's class (which must keep
   * its name and package: checkpoints name it), takes over the POJO serializer's state.
   */
  public static final class Snapshot<T> implements TypeSerializerSnapshot<T> {
    private PojoFormatSerializer<T> serializer;

    /** For Flink, which reads the class name written by {@link #writeSnapshot}. */
    public Snapshot() {}

    Snapshot(PojoFormatSerializer<T> serializer) {
      this.serializer = serializer;
    }

    @Override
    public int getCurrentVersion() {
      return 1;
    }

    @Override
    public void writeSnapshot(DataOutputView out) throws IOException {
      out.writeUTF(serializer.getClass().getName());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
        throws IOException {
      String name = in.readUTF();
      try {
        serializer =
            (PojoFormatSerializer<T>)
                Class.forName(name, true, classLoader).getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException e) {
        throw new IOException("cannot restore the state serializer " + name, e);
      }
    }

    @Override
    public TypeSerializer<T> restoreSerializer() {
      return serializer;
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
        TypeSerializerSnapshot<T> previous) {
      if (previous instanceof Snapshot<T> s && s.serializer.getClass() == serializer.getClass()) {
        return TypeSerializerSchemaCompatibility.compatibleAsIs();
      }
      if (previous instanceof PojoSerializerSnapshot<T>) {
        return resolveAgainstPojo(serializer.type(), previous);
      }
      return TypeSerializerSchemaCompatibility.incompatible();
    }
  }

  @Override
  public TypeSerializerSnapshot<T> snapshotConfiguration() {
    return new Snapshot<>(this);
  }
}
