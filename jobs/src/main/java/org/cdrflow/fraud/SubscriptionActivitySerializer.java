package org.cdrflow.fraud;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The detection state of a subscription in a compact binary form of its own (docs/fraud.md,
 * "State"): on RocksDB every rated line reads and writes it, and Flink's POJO serializer, with a
 * null flag per field and reflective field access, was most of detection's cost there
 * (docs/benchmarks.md, "Fraud detection"). Counters as variable-length integers, event times as
 * differences from the previous event, only the used part of each array.
 *
 * <p>Format version 1: a version byte, then the fields in the order of {@link #write}. The class
 * keeps its name and package: checkpoints name it. State written by earlier builds with the POJO
 * serializer is converted by Flink on restore ({@link Snapshot#resolveSchemaCompatibility};
 * docs/operations.md, "Upgrade").
 */
public final class SubscriptionActivitySerializer extends TypeSerializer<SubscriptionActivity> {
  private static final long serialVersionUID = 1L;

  static final int FORMAT = 1;

  /** One instance is enough: the serializer holds no state of its own. */
  public static final SubscriptionActivitySerializer INSTANCE =
      new SubscriptionActivitySerializer();

  /**
   * One buffer per thread: the task thread and the thread writing an asynchronous snapshot may both
   * hold this serializer. The value goes to the stream in one write.
   */
  private static final ThreadLocal<DataOutputSerializer> SCRATCH =
      ThreadLocal.withInitial(() -> new DataOutputSerializer(256));

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<SubscriptionActivity> duplicate() {
    return this;
  }

  @Override
  public SubscriptionActivity createInstance() {
    return new SubscriptionActivity();
  }

  @Override
  public SubscriptionActivity copy(SubscriptionActivity from) {
    if (from == null) {
      return null;
    }
    SubscriptionActivity c = new SubscriptionActivity();
    c.accountId = from.accountId;
    c.planId = from.planId;
    c.times = from.times.clone();
    c.seconds = from.seconds.clone();
    c.amountsOre = from.amountsOre.clone();
    c.numbers = from.numbers.clone();
    c.marks = from.marks.clone();
    c.size = from.size;
    c.day = from.day;
    c.dayEvents = from.dayEvents;
    c.dayOutgoingCalls = from.dayOutgoingCalls;
    c.dayIncoming = from.dayIncoming;
    c.dayData = from.dayData;
    c.dayAmountOre = from.dayAmountOre;
    c.daySeconds = from.daySeconds;
    c.dayFirst = from.dayFirst;
    c.dayLast = from.dayLast;
    c.dayNumbers = from.dayNumbers.clone();
    c.dayNumberCount = from.dayNumberCount;
    c.dailyOre = from.dailyOre.clone();
    c.historyDay = from.historyDay;
    c.firstDay = from.firstDay;
    c.alertedRules = from.alertedRules.clone();
    c.alertedUntil = from.alertedUntil.clone();
    c.retireAt = from.retireAt;
    return c;
  }

  @Override
  public SubscriptionActivity copy(SubscriptionActivity from, SubscriptionActivity reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(SubscriptionActivity a, DataOutputView target) throws IOException {
    DataOutputSerializer out = SCRATCH.get();
    out.clear();
    write(a, out);
    target.write(out.getSharedBuffer(), 0, out.length());
  }

  private static void write(SubscriptionActivity a, DataOutputSerializer out) throws IOException {
    out.writeByte(FORMAT);
    StringValue.writeString(a.accountId, out);
    StringValue.writeString(a.planId, out);
    writeVarInt(a.size, out);
    long previous = 0;
    for (int i = 0; i < a.size; i++) {
      writeVarLong(zigZag(a.times[i] - previous), out);
      previous = a.times[i];
      writeVarInt(zigZag(a.seconds[i]), out);
      writeVarInt(zigZag(a.amountsOre[i]), out);
      out.writeInt(a.numbers[i]);
      out.writeByte(a.marks[i]);
    }
    writeVarInt(zigZag(a.day), out);
    if (a.day >= 0) {
      writeVarInt(a.dayEvents, out);
      writeVarInt(a.dayOutgoingCalls, out);
      writeVarInt(a.dayIncoming, out);
      writeVarInt(a.dayData, out);
      writeVarLong(zigZag(a.dayAmountOre), out);
      writeVarInt(zigZag(a.daySeconds), out);
      writeVarLong(zigZag(a.dayFirst), out);
      writeVarLong(zigZag(a.dayLast - a.dayFirst), out);
      writeVarInt(a.dayNumberCount, out);
      for (int i = 0; i < a.dayNumberCount; i++) {
        out.writeInt(a.dayNumbers[i]);
      }
    }
    writeVarInt(a.dailyOre.length, out);
    for (int ore : a.dailyOre) {
      writeVarInt(zigZag(ore), out);
    }
    writeVarInt(zigZag(a.historyDay), out);
    writeVarInt(zigZag(a.firstDay), out);
    writeVarInt(a.alertedRules.length, out);
    for (int i = 0; i < a.alertedRules.length; i++) {
      StringValue.writeString(a.alertedRules[i], out);
      writeVarLong(zigZag(a.alertedUntil[i]), out);
    }
    writeVarLong(zigZag(a.retireAt), out);
  }

  @Override
  public SubscriptionActivity deserialize(DataInputView in) throws IOException {
    int format = in.readUnsignedByte();
    if (format != FORMAT) {
      throw new IOException("unknown format " + format + " of a subscription's detection state");
    }
    SubscriptionActivity a = new SubscriptionActivity();
    a.accountId = StringValue.readString(in);
    a.planId = StringValue.readString(in);
    int size = readVarInt(in);
    if (size > 0) {
      a.times = new long[size];
      a.seconds = new int[size];
      a.amountsOre = new int[size];
      a.numbers = new int[size];
      a.marks = new byte[size];
      long previous = 0;
      for (int i = 0; i < size; i++) {
        previous += unZigZag(readVarLong(in));
        a.times[i] = previous;
        a.seconds[i] = unZigZag(readVarInt(in));
        a.amountsOre[i] = unZigZag(readVarInt(in));
        a.numbers[i] = in.readInt();
        a.marks[i] = in.readByte();
      }
    }
    a.size = size;
    a.day = unZigZag(readVarInt(in));
    if (a.day >= 0) {
      a.dayEvents = readVarInt(in);
      a.dayOutgoingCalls = readVarInt(in);
      a.dayIncoming = readVarInt(in);
      a.dayData = readVarInt(in);
      a.dayAmountOre = unZigZag(readVarLong(in));
      a.daySeconds = unZigZag(readVarInt(in));
      a.dayFirst = unZigZag(readVarLong(in));
      a.dayLast = a.dayFirst + unZigZag(readVarLong(in));
      int numbers = readVarInt(in);
      if (numbers > 0) {
        a.dayNumbers = new int[numbers];
        for (int i = 0; i < numbers; i++) {
          a.dayNumbers[i] = in.readInt();
        }
      }
      a.dayNumberCount = numbers;
    }
    int days = readVarInt(in);
    if (days > 0) {
      a.dailyOre = new int[days];
      for (int i = 0; i < days; i++) {
        a.dailyOre[i] = unZigZag(readVarInt(in));
      }
    }
    a.historyDay = unZigZag(readVarInt(in));
    a.firstDay = unZigZag(readVarInt(in));
    int alerted = readVarInt(in);
    if (alerted > 0) {
      a.alertedRules = new String[alerted];
      a.alertedUntil = new long[alerted];
      for (int i = 0; i < alerted; i++) {
        a.alertedRules[i] = StringValue.readString(in);
        a.alertedUntil[i] = unZigZag(readVarLong(in));
      }
    }
    a.retireAt = unZigZag(readVarLong(in));
    return a;
  }

  @Override
  public SubscriptionActivity deserialize(SubscriptionActivity reuse, DataInputView in)
      throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SubscriptionActivitySerializer;
  }

  @Override
  public int hashCode() {
    return SubscriptionActivitySerializer.class.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<SubscriptionActivity> snapshotConfiguration() {
    return new Snapshot();
  }

  private static int zigZag(int v) {
    return (v << 1) ^ (v >> 31);
  }

  private static long zigZag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  private static int unZigZag(int v) {
    return (v >>> 1) ^ -(v & 1);
  }

  private static long unZigZag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  private static void writeVarInt(int v, DataOutputView out) throws IOException {
    while ((v & ~0x7F) != 0) {
      out.writeByte((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  private static void writeVarLong(long v, DataOutputView out) throws IOException {
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) (v & 0x7F) | 0x80);
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  private static int readVarInt(DataInputView in) throws IOException {
    int v = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IOException("a variable-length int longer than 5 bytes");
  }

  private static long readVarLong(DataInputView in) throws IOException {
    long v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      int b = in.readUnsignedByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IOException("a variable-length long longer than 10 bytes");
  }

  /**
   * Records the format version. State of earlier builds, written by Flink's POJO serializer of
   * {@link SubscriptionActivity}, is compatible after migration: Flink reads every value with the
   * old serializer and writes it with this one when the job restores (heap and RocksDB alike).
   */
  public static final class Snapshot implements TypeSerializerSnapshot<SubscriptionActivity> {
    public Snapshot() {}

    @Override
    public int getCurrentVersion() {
      return FORMAT;
    }

    @Override
    public void writeSnapshot(DataOutputView out) {}

    @Override
    public void readSnapshot(int readVersion, DataInputView in, ClassLoader classLoader)
        throws IOException {
      if (readVersion != FORMAT) {
        throw new IOException("unknown format " + readVersion + " of the detection state");
      }
    }

    @Override
    public TypeSerializer<SubscriptionActivity> restoreSerializer() {
      return INSTANCE;
    }

    @Override
    public TypeSerializerSchemaCompatibility<SubscriptionActivity> resolveSchemaCompatibility(
        TypeSerializerSnapshot<SubscriptionActivity> previous) {
      if (previous instanceof Snapshot) {
        return TypeSerializerSchemaCompatibility.compatibleAsIs();
      }
      if (previous instanceof PojoSerializerSnapshot<SubscriptionActivity>) {
        return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
      }
      return TypeSerializerSchemaCompatibility.incompatible();
    }
  }
}
