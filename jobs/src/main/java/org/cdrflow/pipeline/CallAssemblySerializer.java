package org.cdrflow.pipeline;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes {@code assemble-calls}' entry of a call ({@link CallAssemblyState}) in as few bytes as it
 * needs: one flags byte says which fields differ from a new entry, and only those follow, as
 * variable-length integers. The entry of almost every call (one record, seen and emitted) is that
 * one byte, against 38 in the POJO serializer's format of the earlier layout.
 *
 * <p>The top bit of the flags byte is kept for a later format, which would then read this one.
 */
public final class CallAssemblySerializer extends TypeSerializerSingleton<CallAssemblyState> {
  private static final long serialVersionUID = 1L;

  public static final CallAssemblySerializer INSTANCE = new CallAssemblySerializer();

  /** The type of {@code assemble-calls}' entry state. */
  public static final TypeInformation<CallAssemblyState> TYPE =
      new SerializerType<>(CallAssemblyState.class, INSTANCE, false);

  private static final int EMITTED = 1;
  private static final int SEEN_ONLY_FIRST = 2;
  private static final int SEEN_LOW = 4;
  private static final int SEEN_HIGH = 8;
  private static final int LAST_SEQUENCE = 16;
  private static final int NEWEST_PARTIAL = 32;
  private static final int TIMER_OR_PENDING = 64;
  private static final int LATER_FORMAT = 128;

  private CallAssemblySerializer() {}

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public CallAssemblyState createInstance() {
    return new CallAssemblyState();
  }

  @Override
  public CallAssemblyState copy(CallAssemblyState from) {
    if (from == null) {
      return null;
    }
    return from.copy();
  }

  @Override
  public CallAssemblyState copy(CallAssemblyState from, CallAssemblyState reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(CallAssemblyState v, DataOutputView out) throws IOException {
    int flags = 0;
    if (v.emitted) {
      flags |= EMITTED;
    }
    if (v.seenLow == 1L) {
      flags |= SEEN_ONLY_FIRST;
    } else if (v.seenLow != 0) {
      flags |= SEEN_LOW;
    }
    if (v.seenHigh != null) {
      flags |= SEEN_HIGH;
    }
    if (v.lastSequence != -1) {
      flags |= LAST_SEQUENCE;
    }
    if (v.newestPartialEventTime != Long.MIN_VALUE) {
      flags |= NEWEST_PARTIAL;
    }
    if (v.timer != Long.MIN_VALUE || v.pending != 0) {
      flags |= TIMER_OR_PENDING;
    }
    out.writeByte(flags);
    if ((flags & SEEN_LOW) != 0) {
      Varints.writeUnsigned(v.seenLow, out);
    }
    if ((flags & SEEN_HIGH) != 0) {
      Varints.writeUnsigned(v.seenHigh.length, out);
      for (int s : v.seenHigh) {
        Varints.writeSigned(s, out);
      }
    }
    if ((flags & LAST_SEQUENCE) != 0) {
      Varints.writeSigned(v.lastSequence, out);
    }
    if ((flags & NEWEST_PARTIAL) != 0) {
      Varints.writeSigned(v.newestPartialEventTime, out);
    }
    if ((flags & TIMER_OR_PENDING) != 0) {
      Varints.writeSigned(v.timer, out);
      Varints.writeSigned(v.pending, out);
    }
  }

  @Override
  public CallAssemblyState deserialize(DataInputView in) throws IOException {
    int flags = in.readUnsignedByte();
    if ((flags & LATER_FORMAT) != 0) {
      throw new IOException("a call entry of a later format: " + flags);
    }
    CallAssemblyState v = new CallAssemblyState();
    v.emitted = (flags & EMITTED) != 0;
    if ((flags & SEEN_ONLY_FIRST) != 0) {
      v.seenLow = 1L;
    }
    if ((flags & SEEN_LOW) != 0) {
      v.seenLow = Varints.readUnsigned(in);
    }
    if ((flags & SEEN_HIGH) != 0) {
      int[] high = new int[(int) Varints.readUnsigned(in)];
      for (int i = 0; i < high.length; i++) {
        high[i] = (int) Varints.readSigned(in);
      }
      v.seenHigh = high;
    }
    if ((flags & LAST_SEQUENCE) != 0) {
      v.lastSequence = (int) Varints.readSigned(in);
    }
    if ((flags & NEWEST_PARTIAL) != 0) {
      v.newestPartialEventTime = Varints.readSigned(in);
    }
    if ((flags & TIMER_OR_PENDING) != 0) {
      v.timer = Varints.readSigned(in);
      v.pending = (int) Varints.readSigned(in);
    }
    return v;
  }

  @Override
  public CallAssemblyState deserialize(CallAssemblyState reuse, DataInputView in)
      throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<CallAssemblyState> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores the serializer from a checkpoint's or savepoint's description of it. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<CallAssemblyState> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
