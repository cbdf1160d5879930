package org.cdrflow.collector.ber;

import static org.cdrflow.collector.ber.Ber.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.beanit.asn1bean.ber.types.BerInteger;
import org.cdrflow.collector.asn1.cdrflowchargingrecords.CallEventRecord;
import org.cdrflow.collector.asn1.cschargingdatatypes.CauseForTerm;
import org.cdrflow.collector.asn1.cschargingdatatypes.MOCallRecord;
import org.cdrflow.collector.asn1.cschargingdatatypes.SSCode;
import org.cdrflow.collector.asn1.cschargingdatatypes.SuppServiceUsed;
import org.cdrflow.collector.asn1.genericchargingdatatypes.CallDuration;
import org.cdrflow.collector.asn1.genericchargingdatatypes.CallReferenceNumber;
import org.cdrflow.collector.asn1.genericchargingdatatypes.CauseForRecClosing;
import org.cdrflow.collector.asn1.genericchargingdatatypes.Diagnostics;
import org.cdrflow.collector.asn1.genericchargingdatatypes.MSISDN;
import org.cdrflow.collector.asn1.genericchargingdatatypes.TimeStamp;
import org.cdrflow.collector.asn1.gprschargingdatatypes.ChargingID;
import org.cdrflow.collector.asn1.gprschargingdatatypes.SGWRecord;
import org.cdrflow.schema.RawCdr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The mapping rules of docs/formats.md, case by case, on decoded records. */
class ChargingRecordMapperTest {

  private static MOCallRecord moCall(int cause, Integer gsm0408Cause, Integer sequence) {
    MOCallRecord r = new MOCallRecord();
    r.setServedMSISDN(new MSISDN(hex("91 74 19 32 54 76")));
    r.setSeizureTime(new TimeStamp(hex("26 03 15 10 20 30 2B 01 00")));
    r.setCallDuration(new CallDuration(0));
    r.setCauseForTerm(new CauseForTerm(cause));
    r.setCallReference(new CallReferenceNumber(hex("0A")));
    if (gsm0408Cause != null) {
      Diagnostics d = new Diagnostics();
      d.setGsm0408Cause(new BerInteger(gsm0408Cause));
      r.setDiagnostics(d);
    }
    if (sequence != null) {
      r.setSequenceNumber(new BerInteger(sequence));
    }
    return r;
  }

  private static RawCdr map(MOCallRecord r) {
    CallEventRecord e = new CallEventRecord();
    e.setMoCallRecord(r);
    return ChargingRecordMapper.map(e, "MSC-OSL-1");
  }

  @ParameterizedTest(name = "causeForTerm {0}, diagnostics {1}, sequence {2}")
  @CsvSource(
      nullValues = "-",
      value = {
        // cause, gsm0408, seq -> causeForTerm, sequenceNumber, lastPartial
        "0, -,  -, NORMAL,        0, true", // a complete call
        "0, -,  3, NORMAL,        3, true", // the last partial of a call
        "1, -,  1, PARTIAL,       1, false", // partialRecord
        "2, -,  2, PARTIAL,       2, false", // partialRecordCallReestablishment
        "3, 17, -, BUSY,          0, true", // unsuccessful, user busy
        "3, 18, -, NO_ANSWER,     0, true", // no user responding
        "3, 19, -, NO_ANSWER,     0, true", // no answer (alerted)
        "3, 21, -, UNSUCCESSFUL,  0, true", // call rejected
        "3, -,  -, UNSUCCESSFUL,  0, true",
        "4, -,  -, ABNORMAL,      0, true", // stableCallAbnormalTermination
        "5, -,  -, CAMEL_RELEASE, 0, true",
        "52, -, -, CAUSE_52,      0, true",
      })
  void callCauses(
      int cause, Integer diagnostics, Integer sequence, String term, int seq, boolean last) {
    RawCdr c = map(moCall(cause, diagnostics, sequence));
    assertEquals(term, c.getCauseForTerm());
    assertEquals(seq, c.getSequenceNumber());
    assertEquals(last, c.getLastPartial());
  }

  @ParameterizedTest(name = "partial without or with a bad sequence: cause {0}, sequence {1}")
  @CsvSource(
      nullValues = "-",
      value = {"1, -", "0, 0", "1, -3"})
  void partialRecordsNeedASequenceNumberOfAtLeastOne(int cause, Integer sequence) {
    assertThrows(IllegalArgumentException.class, () -> map(moCall(cause, null, sequence)));
  }

  @ParameterizedTest(name = "SS-Code {0}")
  @CsvSource({
    "20, FWD", // all forwarding
    "21, FWD", // CFU
    "28, FWD", // all conditional
    "29, FWD", // CFB
    "2A, FWD", // CFNRy
    "2B, FWD", // CFNRc
    "11, MOC", // CLIP
    "41, MOC", // call waiting
  })
  void forwardingServicesMakeAForwardedLeg(String ssCode, String recordType) {
    MOCallRecord r = moCall(0, null, null);
    MOCallRecord.SupplServicesUsed used = new MOCallRecord.SupplServicesUsed();
    SuppServiceUsed s = new SuppServiceUsed();
    s.setSsCode(new SSCode(hex(ssCode)));
    used.getSuppServiceUsed().add(s);
    r.setSupplServicesUsed(used);
    assertEquals(recordType, map(r).getRecordType().name());
  }

  @ParameterizedTest(name = "causeForRecClosing {0}")
  @CsvSource(
      nullValues = "-",
      value = {
        "0,  -, NORMAL,        0, true",
        "0,  4, NORMAL,        4, true", // the last of four
        "4,  -, ABNORMAL,      0, true",
        "16, 1, PARTIAL,       1, false", // volumeLimit
        "17, 2, PARTIAL,       2, false", // timeLimit
        "18, 1, PARTIAL,       1, false", // servingNodeChange
        "19, 1, PARTIAL,       1, false", // maxChangeCond
        "22, 1, PARTIAL,       1, false", // rATChange
        "24, 1, PARTIAL,       1, false", // sGSNPLMNIDChange
        "5,  -, CAMEL_RELEASE, 0, true",
        "52, -, CAUSE_52,      0, true",
      })
  void bearerCauses(int cause, Integer sequence, String term, int seq, boolean last) {
    SGWRecord r = new SGWRecord();
    r.setServedMSISDN(new MSISDN(hex("91 74 19 32 54 76")));
    r.setChargingID(new ChargingID(4_000_000_000L));
    r.setRecordOpeningTime(new TimeStamp(hex("26 03 15 10 20 30 2B 01 00")));
    r.setDuration(new CallDuration(60));
    r.setCauseForRecClosing(new CauseForRecClosing(cause));
    if (sequence != null) {
      r.setRecordSequenceNumber(new BerInteger(sequence));
    }
    CallEventRecord e = new CallEventRecord();
    e.setSGWRecord(r);
    RawCdr c = ChargingRecordMapper.map(e, "SGW-1");
    assertEquals("EE6B2800", c.getCallReference());
    assertEquals(term, c.getCauseForTerm());
    assertEquals(seq, c.getSequenceNumber());
    assertEquals(last, c.getLastPartial());
  }
}
