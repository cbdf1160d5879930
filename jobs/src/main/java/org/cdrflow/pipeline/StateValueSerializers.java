package org.cdrflow.pipeline;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;
import org.cdrflow.rating.PeriodUsage;
import org.cdrflow.rating.PresenceDays;

/**
 * The serializers of the big keyed-state values, in the POJO serializer's format ({@link
 * PojoFormatSerializer}): the duplicate entry of every call, and the usage and presence of every
 * subscription. A field added to one of these classes must be added here as well (the tests compare
 * the bytes with the POJO serializer's, so a forgotten one fails them).
 */
public final class StateValueSerializers {
  private StateValueSerializers() {}

  /** {@code assemble-calls}' entry of a call. */
  public static final TypeInformation<CallAssemblyState> CALL_ASSEMBLY =
      new CallAssemblyStateSerializer().typeInformation();

  /** {@code rate}'s allowances of a subscription and a month. */
  public static final TypeInformation<PeriodUsage> PERIOD_USAGE =
      new PeriodUsageSerializer().typeInformation();

  /** {@code rate}'s presence days of a subscription. */
  public static final TypeInformation<PresenceDays> PRESENCE_DAYS =
      new PresenceDaysSerializer().typeInformation();

  private static void writeIntArray(int[] values, DataOutputView out) throws IOException {
    if (values == null) {
      out.writeBoolean(true);
      return;
    }
    out.writeBoolean(false);
    out.writeInt(values.length);
    for (int v : values) {
      out.writeInt(v);
    }
  }

  private static int[] readIntArray(DataInputView in) throws IOException {
    if (in.readBoolean()) {
      return null;
    }
    int[] values = new int[in.readInt()];
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readInt();
    }
    return values;
  }

  private static void writeLongArray(long[] values, DataOutputView out) throws IOException {
    if (values == null) {
      out.writeBoolean(true);
      return;
    }
    out.writeBoolean(false);
    out.writeInt(values.length);
    for (long v : values) {
      out.writeLong(v);
    }
  }

  private static long[] readLongArray(DataInputView in) throws IOException {
    if (in.readBoolean()) {
      return null;
    }
    long[] values = new long[in.readInt()];
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readLong();
    }
    return values;
  }

  private static void writeString(String value, DataOutputView out) throws IOException {
    if (value == null) {
      out.writeBoolean(true);
      return;
    }
    out.writeBoolean(false);
    StringValue.writeString(value, out);
  }

  private static String readString(DataInputView in) throws IOException {
    return in.readBoolean() ? null : StringValue.readString(in);
  }

  private static void writeLong(long value, DataOutputView out) throws IOException {
    out.writeBoolean(false);
    out.writeLong(value);
  }

  private static long readLong(DataInputView in) throws IOException {
    notNull(in);
    return in.readLong();
  }

  private static void writeInt(int value, DataOutputView out) throws IOException {
    out.writeBoolean(false);
    out.writeInt(value);
  }

  private static int readInt(DataInputView in) throws IOException {
    notNull(in);
    return in.readInt();
  }

  private static void writeBoolean(boolean value, DataOutputView out) throws IOException {
    out.writeBoolean(false);
    out.writeBoolean(value);
  }

  private static boolean readBoolean(DataInputView in) throws IOException {
    notNull(in);
    return in.readBoolean();
  }

  private static void notNull(DataInputView in) throws IOException {
    if (in.readBoolean()) {
      throw new IOException("a primitive field written as null");
    }
  }

  /** Fields by name: emitted, lastSequence, newestPartialEventTime, pending, seenHigh, ... */
  public static final class CallAssemblyStateSerializer
      extends PojoFormatSerializer<CallAssemblyState> {
    private static final long serialVersionUID = 1L;

    @Override
    Class<CallAssemblyState> type() {
      return CallAssemblyState.class;
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
    void writeFields(CallAssemblyState v, DataOutputView out) throws IOException {
      writeBoolean(v.emitted, out);
      writeInt(v.lastSequence, out);
      writeLong(v.newestPartialEventTime, out);
      writeInt(v.pending, out);
      writeIntArray(v.seenHigh, out);
      writeLong(v.seenLow, out);
      writeLong(v.timer, out);
    }

    @Override
    CallAssemblyState readFields(DataInputView in) throws IOException {
      CallAssemblyState v = new CallAssemblyState();
      v.emitted = readBoolean(in);
      v.lastSequence = readInt(in);
      v.newestPartialEventTime = readLong(in);
      v.pending = readInt(in);
      v.seenHigh = readIntArray(in);
      v.seenLow = readLong(in);
      v.timer = readLong(in);
      return v;
    }
  }

  /** Fields by name: dataKb, euDataKb, notified, overageOre, roamingCountries, smsCount, ... */
  public static final class PeriodUsageSerializer extends PojoFormatSerializer<PeriodUsage> {
    private static final long serialVersionUID = 1L;

    @Override
    Class<PeriodUsage> type() {
      return PeriodUsage.class;
    }

    @Override
    public PeriodUsage createInstance() {
      return new PeriodUsage();
    }

    @Override
    public PeriodUsage copy(PeriodUsage from) {
      if (from == null) {
        return null;
      }
      return RatingLedger.copyOf(from);
    }

    @Override
    void writeFields(PeriodUsage v, DataOutputView out) throws IOException {
      writeLong(v.dataKb, out);
      writeLong(v.euDataKb, out);
      writeInt(v.notified, out);
      writeLong(v.overageOre, out);
      writeString(v.roamingCountries, out);
      writeLong(v.smsCount, out);
      writeLong(v.voiceSeconds, out);
    }

    @Override
    PeriodUsage readFields(DataInputView in) throws IOException {
      PeriodUsage v = new PeriodUsage();
      v.dataKb = readLong(in);
      v.euDataKb = readLong(in);
      v.notified = readInt(in);
      v.overageOre = readLong(in);
      v.roamingCountries = readString(in);
      v.smsCount = readLong(in);
      v.voiceSeconds = readLong(in);
      return v;
    }
  }

  /** Fields by name: bits, firstDay, forgotten. */
  public static final class PresenceDaysSerializer extends PojoFormatSerializer<PresenceDays> {
    private static final long serialVersionUID = 1L;

    @Override
    Class<PresenceDays> type() {
      return PresenceDays.class;
    }

    @Override
    public PresenceDays createInstance() {
      return new PresenceDays();
    }

    @Override
    public PresenceDays copy(PresenceDays from) {
      if (from == null) {
        return null;
      }
      PresenceDays c = new PresenceDays();
      c.bits = from.bits == null ? null : from.bits.clone();
      c.firstDay = from.firstDay;
      c.forgotten = from.forgotten;
      return c;
    }

    @Override
    void writeFields(PresenceDays v, DataOutputView out) throws IOException {
      writeLongArray(v.bits, out);
      writeInt(v.firstDay, out);
      writeBoolean(v.forgotten, out);
    }

    @Override
    PresenceDays readFields(DataInputView in) throws IOException {
      PresenceDays v = new PresenceDays();
      v.bits = readLongArray(in);
      v.firstDay = readInt(in);
      v.forgotten = readBoolean(in);
      return v;
    }
  }
}
