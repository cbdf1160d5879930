package org.cdrflow.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.Tariff;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.reference.DataOverage;
import org.cdrflow.schema.RecordType;

/**
 * Writes a {@link MediatedCall} between operators (mediate → assemble-calls → rate) field by field:
 * one bitmap for the fields that may be null, strings as their UTF-8 bytes in one piece. Flink's
 * POJO serializer reaches every field by reflection and writes strings a character at a time; this
 * is what the job spends on every record at each of those two shuffles (docs/benchmarks.md,
 * "Optimisations"). Keyed state keeps the POJO serializer, so savepoints are unaffected. Records in
 * flight are never in a checkpoint either, as long as checkpoints stay aligned (they are: unaligned
 * checkpoints would store them with this layout, which changes whenever a field does).
 */
public final class MediatedCallSerializer extends TypeSerializerSingleton<MediatedCall> {
  private static final long serialVersionUID = 1L;

  public static final MediatedCallSerializer INSTANCE = new MediatedCallSerializer();

  /** The type of streams of mediated calls, with this serializer. */
  public static final TypeInformation<MediatedCall> TYPE =
      new SerializerType<>(MediatedCall.class, INSTANCE, false);

  private static final RecordType[] RECORD_TYPES = RecordType.values();
  private static final NumberClass[] NUMBER_CLASSES = NumberClass.values();
  private static final VisitedZone[] VISITED_ZONES = VisitedZone.values();
  private static final DataOverage[] DATA_OVERAGES = DataOverage.values();

  private MediatedCallSerializer() {}

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public MediatedCall createInstance() {
    return new MediatedCall();
  }

  /**
   * Through the bytes, so that the fields are listed once, in {@link #serialize} and {@link
   * #deserialize}. Flink copies only where records are not reused, which this job does not do.
   */
  @Override
  public MediatedCall copy(MediatedCall from) {
    try {
      DataOutputSerializer bytes = new DataOutputSerializer(256);
      serialize(from, bytes);
      return deserialize(new DataInputDeserializer(bytes.getSharedBuffer(), 0, bytes.length()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public MediatedCall copy(MediatedCall from, MediatedCall reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(MediatedCall c, DataOutputView out) throws IOException {
    Object[] nullable = nullableFields(c);
    int present = 0;
    for (int i = 0; i < nullable.length; i++) {
      if (nullable[i] != null) {
        present |= 1 << i;
      }
    }
    out.writeInt(present);
    out.writeByte(
        (c.roamingNordicBaltic ? 1 : 0) | (c.incomplete ? 2 : 0) | (c.lastPartial ? 4 : 0));
    out.writeLong(c.eventStartMillis);
    out.writeInt(c.durationSeconds);
    out.writeLong(c.volumeBytes);
    out.writeLong(c.subscriptionValidFromMillis);
    out.writeInt(c.rawRecords);
    out.writeInt(c.sourcePartition);
    out.writeLong(c.sourceOffset);
    out.writeInt(c.sequenceNumber);
    for (Object field : nullable) {
      if (field instanceof String s) {
        writeString(s, out);
      } else if (field instanceof Enum<?> e) {
        out.writeByte(e.ordinal());
      } else if (field instanceof Long l) {
        out.writeLong(l);
      } else if (field instanceof BigDecimal d) {
        writeDecimal(d, out);
      } else if (field instanceof byte[] b) {
        out.writeInt(b.length);
        out.write(b);
      } else if (field instanceof Tariff t) {
        writeTariff(t, out);
      }
    }
  }

  private static void writeTariff(Tariff t, DataOutputView out) throws IOException {
    Object[] nullable = tariffFields(t);
    int present = 0;
    for (int i = 0; i < nullable.length; i++) {
      if (nullable[i] != null) {
        present |= 1 << i;
      }
    }
    out.writeInt(present);
    out.writeByte((t.drawsAllowance ? 1 : 0) | (t.euData ? 2 : 0));
    for (Object field : nullable) {
      if (field instanceof String s) {
        writeString(s, out);
      } else if (field instanceof Enum<?> e) {
        out.writeByte(e.ordinal());
      } else if (field instanceof Integer i) {
        out.writeInt(i);
      } else if (field instanceof BigDecimal d) {
        writeDecimal(d, out);
      } else if (field instanceof Long l) {
        out.writeLong(l);
      }
    }
  }

  /** The fields of a tariff that may be null, in the order they are written. */
  private static Object[] tariffFields(Tariff t) {
    return new Object[] {
      t.zone,
      t.connectFee,
      t.price,
      t.firstInterval,
      t.nextInterval,
      t.euDataConnectFee,
      t.euDataPrice,
      t.fairUsePrice,
      t.voiceMinutes,
      t.smsCount,
      t.dataMb,
      t.euDataLimitMb,
      t.dataOverage,
      t.dataOverageCap,
      t.planId,
      t.rateValidFromMillis,
      t.referenceVersion
    };
  }

  private static Tariff readTariff(DataInputView in) throws IOException {
    Tariff t = new Tariff();
    int present = in.readInt();
    int flags = in.readByte();
    t.drawsAllowance = (flags & 1) != 0;
    t.euData = (flags & 2) != 0;
    int bit = 0;
    t.zone = string(present, bit++, in);
    t.connectFee = decimal(present, bit++, in);
    t.price = decimal(present, bit++, in);
    t.firstInterval = has(present, bit++) ? in.readInt() : null;
    t.nextInterval = has(present, bit++) ? in.readInt() : null;
    t.euDataConnectFee = decimal(present, bit++, in);
    t.euDataPrice = decimal(present, bit++, in);
    t.fairUsePrice = decimal(present, bit++, in);
    t.voiceMinutes = has(present, bit++) ? in.readInt() : null;
    t.smsCount = has(present, bit++) ? in.readInt() : null;
    t.dataMb = has(present, bit++) ? in.readInt() : null;
    t.euDataLimitMb = has(present, bit++) ? in.readInt() : null;
    t.dataOverage = has(present, bit++) ? DATA_OVERAGES[in.readByte()] : null;
    t.dataOverageCap = decimal(present, bit++, in);
    t.planId = string(present, bit++, in);
    t.rateValidFromMillis = has(present, bit++) ? in.readLong() : null;
    t.referenceVersion = has(present, bit) ? in.readLong() : null;
    return t;
  }

  private static void writeDecimal(BigDecimal d, DataOutputView out) throws IOException {
    byte[] unscaled = d.unscaledValue().toByteArray();
    out.writeInt(d.scale());
    out.writeInt(unscaled.length);
    out.write(unscaled);
  }

  private static BigDecimal decimal(int present, int bit, DataInputView in) throws IOException {
    if (!has(present, bit)) {
      return null;
    }
    int scale = in.readInt();
    return new BigDecimal(new BigInteger(bytes(in)), scale);
  }

  /** The fields that may be null, in the order they are written; bit i of the bitmap is field i. */
  private static Object[] nullableFields(MediatedCall c) {
    return new Object[] {
      c.lineId,
      c.networkElement,
      c.callReference,
      c.recordType,
      c.msisdn,
      c.imsi,
      c.subscriptionId,
      c.accountId,
      c.planId,
      c.simBlockedAtMillis,
      c.counterpartNumber,
      c.counterpartClass,
      c.counterpartCountry,
      c.counterpartZone,
      c.visitedZone,
      c.roamingCountry,
      c.inTrunk,
      c.outTrunk,
      c.settlementPartnerId,
      c.settlementDirection,
      c.settlementProduct,
      c.settlementUnit,
      c.settlementCurrency,
      c.settlementPrice,
      c.sourceTopic,
      c.payload,
      c.tariff,
      c.settlementRateValidFromMillis
    };
  }

  @Override
  public MediatedCall deserialize(DataInputView in) throws IOException {
    MediatedCall c = new MediatedCall();
    int present = in.readInt();
    int flags = in.readByte();
    c.roamingNordicBaltic = (flags & 1) != 0;
    c.incomplete = (flags & 2) != 0;
    c.lastPartial = (flags & 4) != 0;
    c.eventStartMillis = in.readLong();
    c.durationSeconds = in.readInt();
    c.volumeBytes = in.readLong();
    c.subscriptionValidFromMillis = in.readLong();
    c.rawRecords = in.readInt();
    c.sourcePartition = in.readInt();
    c.sourceOffset = in.readLong();
    c.sequenceNumber = in.readInt();
    int bit = 0;
    c.lineId = string(present, bit++, in);
    c.networkElement = string(present, bit++, in);
    c.callReference = string(present, bit++, in);
    c.recordType = has(present, bit++) ? RECORD_TYPES[in.readByte()] : null;
    c.msisdn = string(present, bit++, in);
    c.imsi = string(present, bit++, in);
    c.subscriptionId = string(present, bit++, in);
    c.accountId = string(present, bit++, in);
    c.planId = string(present, bit++, in);
    c.simBlockedAtMillis = has(present, bit++) ? in.readLong() : null;
    c.counterpartNumber = string(present, bit++, in);
    c.counterpartClass = has(present, bit++) ? NUMBER_CLASSES[in.readByte()] : null;
    c.counterpartCountry = string(present, bit++, in);
    c.counterpartZone = string(present, bit++, in);
    c.visitedZone = has(present, bit++) ? VISITED_ZONES[in.readByte()] : null;
    c.roamingCountry = string(present, bit++, in);
    c.inTrunk = string(present, bit++, in);
    c.outTrunk = string(present, bit++, in);
    c.settlementPartnerId = string(present, bit++, in);
    c.settlementDirection = string(present, bit++, in);
    c.settlementProduct = string(present, bit++, in);
    c.settlementUnit = string(present, bit++, in);
    c.settlementCurrency = string(present, bit++, in);
    c.settlementPrice = decimal(present, bit++, in);
    c.sourceTopic = string(present, bit++, in);
    c.payload = has(present, bit++) ? bytes(in) : null;
    c.tariff = has(present, bit++) ? readTariff(in) : null;
    c.settlementRateValidFromMillis = has(present, bit) ? in.readLong() : null;
    return c;
  }

  @Override
  public MediatedCall deserialize(MediatedCall reuse, DataInputView in) throws IOException {
    return deserialize(in);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public TypeSerializerSnapshot<MediatedCall> snapshotConfiguration() {
    return new Snapshot();
  }

  private static boolean has(int present, int bit) {
    return (present & (1 << bit)) != 0;
  }

  private static String string(int present, int bit, DataInputView in) throws IOException {
    return has(present, bit) ? new String(bytes(in), StandardCharsets.UTF_8) : null;
  }

  private static byte[] bytes(DataInputView in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return b;
  }

  private static void writeString(String s, DataOutputView out) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  /** Restores the serializer from a checkpoint's or savepoint's description of it. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<MediatedCall> {
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
