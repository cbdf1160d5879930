package org.cdrflow.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.Tariff;
import org.junit.jupiter.api.Test;

/**
 * Every field of a mediated call must reach rating as mediation set it: a field the serializer
 * forgot would silently rate with a default. The fields are found by reflection, so a field added
 * to {@link MediatedCall} later fails here until the serializer writes it.
 */
class MediatedCallSerializerTest {
  private final MediatedCallSerializer serializer = MediatedCallSerializer.INSTANCE;

  @Test
  void everyFieldSurvivesTheWayBetweenOperators() throws Exception {
    MediatedCall call = everyFieldSet();
    MediatedCall back = roundTrip(call);
    for (Field f : fields()) {
      assertTrue(
          Objects.deepEquals(f.get(call), f.get(back)),
          f.getName() + ": " + f.get(call) + " became " + f.get(back));
    }
  }

  @Test
  void eachFieldThatMayBeMissingStaysMissing() throws Exception {
    for (Field f : fields()) {
      if (f.getType().isPrimitive()) {
        continue;
      }
      MediatedCall call = everyFieldSet();
      f.set(call, null);
      MediatedCall back = roundTrip(call);
      assertNull(f.get(back), f.getName());
      for (Field other : fields()) {
        assertTrue(
            Objects.deepEquals(other.get(call), other.get(back)),
            other.getName() + " with " + f.getName() + " missing");
      }
    }
  }

  /** Each flag alone, and every constant of every enum field, so no two can be mixed up. */
  @Test
  void eachFlagAndEachEnumConstantTravelsOnItsOwn() throws Exception {
    for (Field f : fields()) {
      Class<?> t = f.getType();
      if (t == boolean.class) {
        MediatedCall call = everyFieldSet();
        for (Field g : fields()) {
          if (g.getType() == boolean.class) {
            g.set(call, g.equals(f));
          }
        }
        MediatedCall back = roundTrip(call);
        for (Field g : fields()) {
          if (g.getType() == boolean.class) {
            assertEquals(
                g.equals(f), g.get(back), g.getName() + " when only " + f.getName() + " is set");
          }
        }
      } else if (t.isEnum()) {
        for (Object constant : t.getEnumConstants()) {
          MediatedCall call = everyFieldSet();
          f.set(call, constant);
          assertEquals(constant, f.get(roundTrip(call)), f.getName());
        }
      }
    }
  }

  @Test
  void aCopyIsEqualButSharesNoMutableBytes() throws Exception {
    MediatedCall call = everyFieldSet();
    MediatedCall copy = serializer.copy(call);
    for (Field f : fields()) {
      assertTrue(Objects.deepEquals(f.get(call), f.get(copy)), f.getName());
    }
    assertNotSame(call.payload, copy.payload);
  }

  @Test
  void aCheckpointDescribingTheSerializerRestoresIt() throws Exception {
    TypeSerializerSnapshot<MediatedCall> snapshot = serializer.snapshotConfiguration();
    DataOutputSerializer out = new DataOutputSerializer(64);
    TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
    TypeSerializerSnapshot<MediatedCall> read =
        TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
    assertEquals(serializer, read.restoreSerializer());
    assertTrue(
        serializer.snapshotConfiguration().resolveSchemaCompatibility(read).isCompatibleAsIs());
  }

  private MediatedCall roundTrip(MediatedCall call) throws Exception {
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(call, out);
    serializer.serialize(call, out);
    DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
    MediatedCall first = serializer.deserialize(in);
    MediatedCall second = serializer.deserialize(in);
    assertEquals(0, in.available(), "every byte written is read back");
    for (Field f : fields()) {
      assertTrue(Objects.deepEquals(f.get(first), f.get(second)), f.getName());
    }
    return first;
  }

  @Test
  void everyFieldOfTheTariffTravelsAndMayBeMissing() throws Exception {
    for (Field f : fields(Tariff.class)) {
      MediatedCall call = everyFieldSet();
      assertEquals(call.tariff, roundTrip(call).tariff, "all set");
      Class<?> t = f.getType();
      if (t == boolean.class) {
        f.set(call.tariff, false);
      } else if (t.isEnum()) {
        for (Object constant : t.getEnumConstants()) {
          f.set(call.tariff, constant);
          assertEquals(constant, f.get(roundTrip(call).tariff), f.getName());
        }
        f.set(call.tariff, null);
      } else {
        f.set(call.tariff, null);
      }
      assertEquals(call.tariff, roundTrip(call).tariff, f.getName() + " missing or false");
    }
  }

  /** Every field with a value no constructor or default gives it, different from field to field. */
  private static MediatedCall everyFieldSet() throws Exception {
    return filled(MediatedCall.class);
  }

  private static <T> T filled(Class<T> type) throws Exception {
    T c = type.getConstructor().newInstance();
    int n = 0;
    for (Field f : fields(type)) {
      n++;
      Class<?> t = f.getType();
      Object v;
      if (t == String.class) {
        v = f.getName() + "-Tromsø-" + n;
      } else if (t == long.class || t == Long.class) {
        v = -1_700_000_000_000L - n;
      } else if (t == int.class) {
        v = 1000 + n;
      } else if (t == boolean.class) {
        v = true;
      } else if (t == BigDecimal.class) {
        v = new BigDecimal("-12345678901234567890.0123");
      } else if (t == byte[].class) {
        v = new byte[] {(byte) n, 0, -1};
      } else if (t.isEnum()) {
        Object[] constants = t.getEnumConstants();
        v = constants[constants.length - 1];
      } else if (t == Integer.class) {
        v = -2000 - n;
      } else if (t == Tariff.class) {
        v = filled(Tariff.class);
      } else {
        throw new AssertionError("no test value for field " + f.getName() + " of " + t);
      }
      f.set(c, v);
    }
    return c;
  }

  private static List<Field> fields() {
    return fields(MediatedCall.class);
  }

  private static List<Field> fields(Class<?> type) {
    List<Field> fields = new ArrayList<>();
    for (Field f : type.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        fields.add(f);
      }
    }
    return fields;
  }
}
