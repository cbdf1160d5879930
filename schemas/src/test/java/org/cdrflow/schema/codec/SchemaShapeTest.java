package org.cdrflow.schema.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.Schema.Type;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RejectedCdr;
import org.cdrflow.schema.UsageNotification;
import org.junit.jupiter.api.Test;

/** The schemas are a contract with producers and consumers: pin their shape (SPEC §3, §5, §6). */
class SchemaShapeTest {

  @Test
  void rawCdrHasExactlyTheFieldsOfTheSpecInOrder() {
    Schema s = RawCdr.getClassSchema();
    assertEquals("org.cdrflow.schema.RawCdr", s.getFullName());
    assertEquals(
        List.of(
            "networkElement:string",
            "callReference:string",
            "sequenceNumber:int",
            "lastPartial:boolean",
            "recordType:RecordType",
            "servedMsisdn:string",
            "servedImsi:?string",
            "callingNumber:?string",
            "calledNumber:?string",
            "seizureTime:timestamp-millis",
            "answerTime:?timestamp-millis",
            "durationSeconds:int",
            "causeForTerm:string",
            "visitedPlmn:?string",
            "inTrunk:?string",
            "outTrunk:?string",
            "uplinkBytes:?long",
            "downlinkBytes:?long"),
        describe(s));
    assertEquals(
        List.of("MOC", "MTC", "FWD", "SMS_MO", "SMS_MT", "DATA"),
        s.getField("recordType").schema().getEnumSymbols());
    assertContract(s);
  }

  @Test
  void rejectedCdrHasTheAgreedFields() {
    Schema s = RejectedCdr.getClassSchema();
    assertEquals(
        List.of(
            "rejectId:string",
            "reason:string",
            "detail:string",
            "sourceTopic:string",
            "sourcePartition:int",
            "sourceOffset:long",
            "payload:bytes",
            "eventTime:?timestamp-millis",
            "firstSeen:timestamp-millis"),
        describe(s));
    assertContract(s);
  }

  @Test
  void usageNotificationHasTheAgreedFields() {
    Schema s = UsageNotification.getClassSchema();
    assertEquals(
        List.of(
            "notificationId:string",
            "subscriptionId:string",
            "msisdn:string",
            "kind:NotificationKind",
            "billingPeriod:string",
            "country:?string",
            "eventTime:timestamp-millis"),
        describe(s));
    assertEquals(
        List.of("DATA_80", "DATA_100", "ROAMING_ENTER", "OVERAGE_CAP"),
        s.getField("kind").schema().getEnumSymbols());
    assertContract(s);
  }

  /** Docs everywhere; every nullable field is ["null", T] with default null. */
  private static void assertContract(Schema s) {
    assertFalse(s.getDoc() == null || s.getDoc().isBlank(), s.getName() + " doc");
    for (Schema.Field f : s.getFields()) {
      assertFalse(f.doc() == null || f.doc().isBlank(), f.name() + " doc");
      if (f.schema().getType() == Type.ENUM) {
        assertNotNull(f.schema().getDoc(), f.name() + " enum doc");
      }
      if (f.schema().getType() == Type.UNION) {
        List<Schema> branches = f.schema().getTypes();
        assertEquals(2, branches.size(), f.name());
        assertEquals(Type.NULL, branches.get(0).getType(), f.name() + ": null first");
        assertTrue(f.hasDefaultValue(), f.name() + " default");
        assertEquals(JsonProperties.NULL_VALUE, f.defaultVal(), f.name() + " default");
      }
    }
  }

  private static List<String> describe(Schema s) {
    return s.getFields().stream().map(f -> f.name() + ":" + type(f.schema())).toList();
  }

  private static String type(Schema t) {
    if (t.getType() == Type.UNION) {
      return "?" + type(t.getTypes().get(1));
    }
    if (t.getLogicalType() != null) {
      assertEquals(LogicalTypes.timestampMillis(), t.getLogicalType());
      return t.getLogicalType().getName();
    }
    return t.getType() == Type.ENUM ? t.getName() : t.getType().getName();
  }
}
