package org.cdrflow.collector.ber;

import static org.cdrflow.collector.ber.Ber.ascii;
import static org.cdrflow.collector.ber.Ber.concat;
import static org.cdrflow.collector.ber.Ber.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Records built byte by byte as an element writes them (TS 32.298 tags), decoded into RawCdr: every
 * record type, field and encoding cdrflow reads (docs/formats.md).
 */
class ChargingFileDecoderTest {

  private static final String FILE = "MSC-OSL-1_-_0042.20260315_-_1020+0100.ber";

  // Field contents, by hand (comments give what they say).
  private static final String IMSI = "42 02 11 32 54 76 98 F0"; // 242011234567890
  private static final String MSISDN = "91 74 19 32 54 76"; // +4791234567
  private static final String OTHER = "81 89 67 45 F3"; // 9876543 (odd: filler)
  private static final String PLMN_TELENOR = "42 F2 10"; // 24201
  private static final String SEIZED = "26 03 15 10 20 30 2B 01 00"; // 09:20:30Z
  private static final String ANSWERED = "26 03 15 10 20 35 2B 01 00"; // 09:20:35Z
  private static final String REF = "01 02 03 04 05 06 07 08";

  private final ChargingFileDecoder decoder = new ChargingFileDecoder();

  private static byte[] moCall(Ber ber, byte[]... extra) {
    return ber.c(
        "A0",
        concat(
            ber.p("80", "00"), // recordType moCallRecord
            ber.p("81", IMSI),
            ber.p("83", MSISDN),
            ber.p("84", MSISDN), // callingNumber
            ber.p("85", OTHER), // calledNumber
            ber.c("AA", ber.p("81", ascii("OSLTRK1"))), // mscIncomingTKGP: tkgpName
            ber.c("AB", ber.p("80", "07")), // mscOutgoingTKGP: tkgpNumber 7
            ber.c("AC", ber.p("80", "0001"), ber.p("81", "0002"), ber.p("82", PLMN_TELENOR)),
            ber.p("96", SEIZED),
            ber.p("97", ANSWERED),
            ber.p("99", "00 B4"), // callDuration 180
            ber.p("9E", "00"), // causeForTerm normalRelease
            ber.p("9F 20", REF), // callReference [32]: a two-octet tag
            concat(extra)));
  }

  @ParameterizedTest(name = "{0} lengths")
  @EnumSource(Ber.Lengths.class)
  void moCallRecordInShortLongAndIndefiniteLengths(Ber.Lengths lengths) {
    RawCdr c = single(moCall(new Ber(lengths)));
    assertEquals("MSC-OSL-1", c.getNetworkElement());
    assertEquals("0102030405060708", c.getCallReference());
    assertEquals(RecordType.MOC, c.getRecordType());
    assertEquals(0, c.getSequenceNumber());
    assertTrue(c.getLastPartial());
    assertEquals("242011234567890", c.getServedImsi());
    assertEquals("+4791234567", c.getServedMsisdn());
    assertEquals("+4791234567", c.getCallingNumber());
    assertEquals("9876543", c.getCalledNumber());
    assertEquals("OSLTRK1", c.getInTrunk());
    assertEquals("7", c.getOutTrunk());
    assertEquals("24201", c.getVisitedPlmn());
    assertEquals(Instant.parse("2026-03-15T09:20:30Z"), c.getSeizureTime());
    assertEquals(Instant.parse("2026-03-15T09:20:35Z"), c.getAnswerTime());
    assertEquals(180, c.getDurationSeconds());
    assertEquals("NORMAL", c.getCauseForTerm());
    assertNull(c.getUplinkBytes());
  }

  @Test
  void aCallForwardingSupplementaryServiceMakesTheMoCallAForwardedLeg() {
    Ber ber = new Ber(Ber.Lengths.SHORT);
    // supplServicesUsed [17] SEQUENCE OF SuppServiceUsed { ssCode [0] cfb 29H }
    RawCdr c = single(moCall(ber, ber.c("B1", ber.c("30", ber.p("80", "29")))));
    assertEquals(RecordType.FWD, c.getRecordType());
    // Another supplementary service (CLIP, 11H) leaves it a MOC.
    assertEquals(
        RecordType.MOC,
        single(moCall(ber, ber.c("B1", ber.c("30", ber.p("80", "11"))))).getRecordType());
  }

  @Test
  void unknownComponentsOfNewerReleasesAndVendorsAreSkipped() {
    Ber ber = new Ber(Ber.Lengths.SHORT);
    byte[] record =
        moCall(
            ber,
            ber.p("82", "53 91 12 34 56 78 90 F1"), // servedIMEI, not mapped
            ber.p("9F 3D", "01"), // systemType [61]
            ber.c("BF 45", ber.p("80", "05"), ber.c("A1", ber.p("80", "01"))), // [69] constructed
            ber.p("9F 81 10", "FF")); // [144]: a three-octet tag
    RawCdr c = single(record);
    assertEquals("+4791234567", c.getServedMsisdn());
    assertEquals(180, c.getDurationSeconds());
  }

  @ParameterizedTest(name = "{0} lengths")
  @EnumSource(Ber.Lengths.class)
  void mtCallRecordIsTheServedSubscribersCall(Ber.Lengths lengths) {
    Ber ber = new Ber(lengths);
    byte[] record =
        ber.c(
            "A1",
            ber.p("80", "01"),
            ber.p("81", IMSI),
            ber.p("83", MSISDN),
            ber.p("84", OTHER), // callingNumber
            ber.c("A7", ber.p("81", ascii("TELIA-IN"))), // mscIncomingTKGP [7]
            ber.p("93", SEIZED), // seizureTime [19]
            ber.p("96", "00"), // callDuration [22]: 0
            ber.p("9B", "03"), // causeForTerm [27] unsuccessfulCallAttempt
            ber.c("BC", ber.p("80", "11")), // diagnostics [28] gsm0408Cause 17: user busy
            ber.p("9D", "AB CD")); // callReference [29]
    RawCdr c = single(record);
    assertEquals(RecordType.MTC, c.getRecordType());
    assertEquals("ABCD", c.getCallReference());
    assertEquals("9876543", c.getCallingNumber());
    assertEquals("+4791234567", c.getCalledNumber());
    assertEquals("TELIA-IN", c.getInTrunk());
    assertNull(c.getAnswerTime());
    assertEquals("BUSY", c.getCauseForTerm());
  }

  @Test
  void partialCallRecordsCarryTheirSequenceAndTheLastIsFlagged() {
    Ber ber = new Ber(Ber.Lengths.SHORT);
    byte[] first =
        replace(moCall(ber, ber.p("9F 21", "01")), "9E 01 00", "9E 01 01"); // partialRecord, seq 1
    byte[] last = moCall(ber, ber.p("9F 21", "02")); // normalRelease, seq 2
    ChargingFile file = decoder.decode(FILE, concat(first, last), false);
    assertEquals(List.of(), file.rejections());
    RawCdr a = file.records().get(0).cdr();
    RawCdr b = file.records().get(1).cdr();
    assertEquals(1, a.getSequenceNumber());
    assertFalse(a.getLastPartial());
    assertEquals("PARTIAL", a.getCauseForTerm());
    assertEquals(2, b.getSequenceNumber());
    assertTrue(b.getLastPartial());
    assertEquals("NORMAL", b.getCauseForTerm());
  }

  @ParameterizedTest(name = "{0} lengths")
  @EnumSource(Ber.Lengths.class)
  void smsRecordsBothWays(Ber.Lengths lengths) {
    Ber ber = new Ber(lengths);
    byte[] mo =
        ber.c(
            "A6",
            ber.p("80", "06"),
            ber.p("81", IMSI),
            ber.p("83", MSISDN),
            ber.p("85", "91 74 F0"), // serviceCentre
            ber.p("88", "2A"), // messageReference
            ber.p("89", SEIZED), // originationTime
            ber.p("8C", "0A 91 74 09 21 43 65")); // destinationNumber: +4790123456
    // MT: the sender in cdrflow's extension (recordExtensions [10])
    byte[] extension = ber.c("30", ber.p("80", OTHER), ber.p("81", ascii("TELIA-SMS")));
    byte[] mt =
        ber.c(
            "A7",
            ber.p("80", "07"),
            ber.p("82", IMSI),
            ber.p("84", MSISDN),
            ber.p("88", SEIZED), // deliveryTime
            ber.c(
                "AA",
                ber.c(
                    "30",
                    ber.p("06", "2B 06 01 04 01 81 FD 59 16 01"), // 1.3.6.1.4.1.32473.22.1
                    ber.c("A2", extension))));
    ChargingFile file = decoder.decode("SMSC-BGO-1_-_7.ber", concat(mo, mt), false);
    assertEquals(List.of(), file.rejections());
    RawCdr m = file.records().get(0).cdr();
    assertEquals(RecordType.SMS_MO, m.getRecordType());
    assertEquals("SMSC-BGO-1", m.getNetworkElement());
    assertEquals("+4791234567", m.getCallingNumber());
    assertEquals("+4790123456", m.getCalledNumber());
    assertEquals("2A" + SEIZED.replace(" ", ""), m.getCallReference());
    assertEquals(Instant.parse("2026-03-15T09:20:30Z"), m.getSeizureTime());
    RawCdr t = file.records().get(1).cdr();
    assertEquals(RecordType.SMS_MT, t.getRecordType());
    assertEquals("9876543", t.getCallingNumber());
    assertEquals("+4791234567", t.getCalledNumber());
    assertEquals("TELIA-SMS", t.getInTrunk());
  }

  @ParameterizedTest(name = "{0} lengths")
  @EnumSource(Ber.Lengths.class)
  void sgwRecordSumsItsTrafficVolumes(Ber.Lengths lengths) {
    Ber ber = new Ber(lengths);
    byte[] record =
        ber.c(
            "BF 4E", // sGWRecord [78]
            ber.p("80", "54"), // recordType 84
            ber.p("83", IMSI),
            ber.p("85", "00 DE AD BE"), // chargingID
            ber.c(
                "AC", // listOfTrafficVolumes [12]
                ber.c(
                    "30",
                    ber.c("A1", ber.p("80", "01")), // qosRequested: not declared, skipped
                    ber.p("83", "03 E8"), // uplink 1000
                    ber.p("84", "01 86 A0"), // downlink 100000
                    ber.p("85", "01"), // tariffTime
                    ber.p("86", SEIZED)),
                ber.c(
                    "30",
                    ber.p("83", "00 C8"), // 200
                    ber.p("84", "27 10"), // 10000
                    ber.p("85", "02"),
                    ber.p("86", ANSWERED))),
            ber.p("8D", "26 07 01 00 10 00 2B 02 00"), // recordOpeningTime, summer time
            ber.p("8E", "0E 10"), // duration 3600
            ber.p("8F", "11"), // causeForRecClosing timeLimit: a partial
            ber.p("91", "03"), // recordSequenceNumber 3
            ber.p("92", ascii("SGW-OSL-1")), // nodeID
            ber.p("96", MSISDN), // servedMSISDN [22]
            ber.p("9B", "42 F2 20")); // servingNodePLMNIdentifier: 24202
    RawCdr c = single(record);
    assertEquals(RecordType.DATA, c.getRecordType());
    assertEquals("SGW-OSL-1", c.getNetworkElement());
    assertEquals("00DEADBE", c.getCallReference());
    assertEquals(1200L, c.getUplinkBytes());
    assertEquals(110000L, c.getDownlinkBytes());
    assertEquals(Instant.parse("2026-06-30T22:10:00Z"), c.getSeizureTime());
    assertEquals(3600, c.getDurationSeconds());
    assertEquals(3, c.getSequenceNumber());
    assertFalse(c.getLastPartial());
    assertEquals("PARTIAL", c.getCauseForTerm());
    assertEquals("24202", c.getVisitedPlmn());
  }

  @Test
  void pgwRecordSumsItsServiceData() {
    Ber ber = new Ber(Ber.Lengths.SHORT);
    byte[] service =
        ber.c(
            "30",
            ber.p("81", "01"), // ratingGroup
            ber.p("88", "00 00 00 00 00"), // serviceConditionChange (BIT STRING)
            ber.p("8C", "05 00"), // uplink 1280
            ber.p("8D", "50 00"), // downlink 20480
            ber.p("8E", ANSWERED)); // timeOfReport
    byte[] record =
        ber.c(
            "BF 4F",
            ber.p("80", "55"),
            ber.p("83", IMSI),
            ber.p("85", "7F"),
            ber.p("8D", SEIZED),
            ber.p("8E", "3C"),
            ber.p("8F", "00"), // normalRelease
            ber.p("96", MSISDN),
            ber.c("BF 22", service, service)); // listOfServiceData [34]
    RawCdr c = single(record);
    assertEquals("MSC-OSL-1", c.getNetworkElement()); // no nodeID: the file's node
    assertEquals("0000007F", c.getCallReference());
    assertEquals(2560L, c.getUplinkBytes());
    assertEquals(40960L, c.getDownlinkBytes());
    assertEquals("NORMAL", c.getCauseForTerm());
    assertTrue(c.getLastPartial());
  }

  @Test
  void aBadRecordIsRejectedWithItsIndexAndOffsetAndTheFileGoesOn() {
    Ber ber = new Ber(Ber.Lengths.SHORT);
    byte[] good = moCall(ber);
    byte[] badTime = replace(moCall(ber), "96 09 " + SEIZED, "96 09 26 13 15 10 20 30 2B 01 00");
    byte[] roaming = ber.c("A2", ber.p("80", "02")); // roamingRecord: not collected
    byte[] file = concat(good, badTime, hex("00 00 FF"), roaming, good);
    ChargingFile decoded = decoder.decode(FILE, file, false);
    assertEquals(2, decoded.records().size());
    assertEquals(0, decoded.records().get(0).index());
    assertEquals(3, decoded.records().get(1).index());
    assertEquals(file.length - good.length, decoded.records().get(1).offset());
    assertEquals(
        List.of(
            new ChargingFile.Rejection(
                1,
                good.length,
                badTime.length,
                "MOCallRecord: seizureTime: TimeStamp is not a" + " valid date, time and offset"),
            new ChargingFile.Rejection(
                2,
                good.length * 2 + 3,
                roaming.length,
                "record type [2] is not one cdrflow collects")),
        decoded.rejections());
    assertEquals(3, decoded.fillerBytes());
    assertTrue(decoded.complete());
  }

  @Test
  void aRecordWithBrokenFramingIsRejectedUpToTheNextRecord() {
    Ber ber = new Ber(Ber.Lengths.SHORT);
    byte[] good = moCall(ber);
    byte[] broken = good.clone();
    broken[1] = (byte) 0x85; // a length of five octets: not BER
    ChargingFile decoded = decoder.decode(FILE, concat(good, broken, good), false);
    assertEquals(2, decoded.records().size());
    assertEquals(1, decoded.rejections().size());
    ChargingFile.Rejection r = decoded.rejections().get(0);
    assertEquals(1, r.index());
    assertEquals(good.length, r.offset());
    assertEquals(good.length, r.length());
    assertEquals(2, decoded.records().get(1).index());
  }

  @Test
  void aCutOffFileIsIncompleteUntilReleased() {
    Ber ber = new Ber(Ber.Lengths.SHORT);
    byte[] good = moCall(ber);
    byte[] file = Arrays.copyOf(concat(good, good), good.length * 2 - 7);
    ChargingFile held = decoder.decode(FILE, file, false);
    assertFalse(held.complete());
    assertEquals(good.length, held.incompleteAt());
    assertEquals(1, held.records().size());
    assertEquals(List.of(), held.rejections());

    ChargingFile released = decoder.decode(FILE, file, true);
    assertTrue(released.complete());
    assertEquals(1, released.records().size());
    assertEquals(1, released.rejections().size());
    assertEquals(good.length, released.rejections().get(0).offset());
    assertEquals(good.length - 7, released.rejections().get(0).length());
  }

  @Test
  void aMissingMandatoryFieldOrAnOutOfRangeValueIsRejected() {
    Ber ber = new Ber(Ber.Lengths.SHORT);
    byte[] noMsisdn = replace(moCall(ber), "83 06 " + MSISDN, "");
    byte[] longRef = replace(moCall(ber), "9F 20 08 " + REF, "9F 20 09 " + REF + " 09");
    byte[] digitAfterFiller = replace(moCall(ber), "85 05 " + OTHER, "85 05 81 89 67 F5 43");
    ChargingFile decoded = decoder.decode(FILE, concat(noMsisdn, longRef, digitAfterFiller), false);
    assertEquals(0, decoded.records().size());
    assertEquals(
        List.of(
            "MOCallRecord: no servedMSISDN",
            "MOCallRecord: callReference of 9 octets",
            "MOCallRecord: calledNumber: TBCD digit after the filler"),
        decoded.rejections().stream().map(ChargingFile.Rejection::reason).toList());
  }

  private RawCdr single(byte[] record) {
    ChargingFile file = decoder.decode(FILE, record, false);
    assertEquals(List.of(), file.rejections());
    assertEquals(1, file.records().size());
    assertEquals(record.length, file.records().get(0).length());
    return file.records().get(0).cdr();
  }

  /** The record with one run of bytes (hex) replaced; the lengths around it are fixed up. */
  private static byte[] replace(byte[] record, String from, String to) {
    String hex = java.util.HexFormat.of().withUpperCase().formatHex(record);
    String f = from.replace(" ", "").toUpperCase();
    String t = to.replace(" ", "").toUpperCase();
    int at = hex.indexOf(f);
    if (at < 0 || at % 2 != 0) {
      throw new IllegalArgumentException("not in the record: " + from);
    }
    byte[] body = hex(hex.substring(0, at) + t + hex.substring(at + f.length()));
    // Only the outer SET's length changes (the replaced TLV is a direct component).
    BerTlv tlv = new BerTlv();
    try {
      tlv.read(record, 0, record.length);
    } catch (BerFramingException e) {
      throw new IllegalStateException(e);
    }
    byte[] content = Arrays.copyOfRange(body, tlv.contentStart, body.length);
    return new Ber(Ber.Lengths.SHORT).c(tag(record), content);
  }

  private static String tag(byte[] record) {
    return (record[0] & 0x1F) == 0x1F
        ? String.format("%02X%02X", record[0], record[1])
        : String.format("%02X", record[0]);
  }
}
