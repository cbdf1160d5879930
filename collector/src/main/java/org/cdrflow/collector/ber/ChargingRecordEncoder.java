package org.cdrflow.collector.ber;

import com.beanit.asn1bean.ber.ReverseByteArrayOutputStream;
import com.beanit.asn1bean.ber.types.BerAny;
import com.beanit.asn1bean.ber.types.BerBitString;
import com.beanit.asn1bean.ber.types.BerInteger;
import com.beanit.asn1bean.ber.types.BerObjectIdentifier;
import com.beanit.asn1bean.ber.types.BerOctetString;
import com.beanit.asn1bean.ber.types.string.BerIA5String;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HexFormat;
import org.cdrflow.collector.asn1.cdrflowchargingrecords.CallEventRecord;
import org.cdrflow.collector.asn1.cdrflowchargingrecords.CdrflowExtension;
import org.cdrflow.collector.asn1.cschargingdatatypes.CallEventRecordType;
import org.cdrflow.collector.asn1.cschargingdatatypes.CauseForTerm;
import org.cdrflow.collector.asn1.cschargingdatatypes.CellId;
import org.cdrflow.collector.asn1.cschargingdatatypes.LocationAreaAndCell;
import org.cdrflow.collector.asn1.cschargingdatatypes.LocationAreaCode;
import org.cdrflow.collector.asn1.cschargingdatatypes.MOCallRecord;
import org.cdrflow.collector.asn1.cschargingdatatypes.MOSMSRecord;
import org.cdrflow.collector.asn1.cschargingdatatypes.MTCallRecord;
import org.cdrflow.collector.asn1.cschargingdatatypes.MTSMSRecord;
import org.cdrflow.collector.asn1.cschargingdatatypes.SSCode;
import org.cdrflow.collector.asn1.cschargingdatatypes.SmsTpDestinationNumber;
import org.cdrflow.collector.asn1.cschargingdatatypes.SuppServiceUsed;
import org.cdrflow.collector.asn1.cschargingdatatypes.TrunkGroup;
import org.cdrflow.collector.asn1.genericchargingdatatypes.CallDuration;
import org.cdrflow.collector.asn1.genericchargingdatatypes.CallReferenceNumber;
import org.cdrflow.collector.asn1.genericchargingdatatypes.CalledNumber;
import org.cdrflow.collector.asn1.genericchargingdatatypes.CallingNumber;
import org.cdrflow.collector.asn1.genericchargingdatatypes.CauseForRecClosing;
import org.cdrflow.collector.asn1.genericchargingdatatypes.DataVolumeGPRS;
import org.cdrflow.collector.asn1.genericchargingdatatypes.Diagnostics;
import org.cdrflow.collector.asn1.genericchargingdatatypes.IMSI;
import org.cdrflow.collector.asn1.genericchargingdatatypes.MCCMNC;
import org.cdrflow.collector.asn1.genericchargingdatatypes.MSISDN;
import org.cdrflow.collector.asn1.genericchargingdatatypes.ManagementExtension;
import org.cdrflow.collector.asn1.genericchargingdatatypes.ManagementExtensions;
import org.cdrflow.collector.asn1.genericchargingdatatypes.NodeID;
import org.cdrflow.collector.asn1.genericchargingdatatypes.PLMNId;
import org.cdrflow.collector.asn1.genericchargingdatatypes.TimeStamp;
import org.cdrflow.collector.asn1.gprschargingdatatypes.ChangeOfServiceCondition;
import org.cdrflow.collector.asn1.gprschargingdatatypes.ChargingID;
import org.cdrflow.collector.asn1.gprschargingdatatypes.PGWRecord;
import org.cdrflow.collector.asn1.gprschargingdatatypes.RecordType;
import org.cdrflow.schema.RawCdr;

/**
 * Writes a {@link RawCdr} as the TS 32.298 record an element of its kind would (docs/formats.md):
 * the inverse of {@link ChargingRecordMapper}, up to what BER cannot carry (times are whole
 * seconds). {@code cdrflow generate --format ber} and the tests use it.
 */
public final class ChargingRecordEncoder {

  private static final int CFU = 0x21;
  private static final int RATING_GROUP = 1;

  private final ZoneId zone;
  private final ReverseByteArrayOutputStream out = new ReverseByteArrayOutputStream(512, true);

  /**
   * @param zone the elements' local time zone: time stamps carry local time and its offset
   */
  public ChargingRecordEncoder(ZoneId zone) {
    this.zone = zone;
  }

  /** The record's BER encoding (one CallEventRecord TLV). */
  public byte[] encode(RawCdr c) {
    CallEventRecord r = new CallEventRecord();
    switch (c.getRecordType()) {
      case MOC, FWD -> r.setMoCallRecord(moCall(c));
      case MTC -> r.setMtCallRecord(mtCall(c));
      case SMS_MO -> r.setMoSMSRecord(moSms(c));
      case SMS_MT -> r.setMtSMSRecord(mtSms(c));
      case DATA -> r.setPGWRecord(pgw(c));
    }
    out.reset();
    try {
      r.encode(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.getArray();
  }

  private MOCallRecord moCall(RawCdr c) {
    MOCallRecord r = new MOCallRecord();
    r.setRecordType(new CallEventRecordType(0));
    r.setServedIMSI(imsi(c.getServedImsi()));
    r.setServedMSISDN(new MSISDN(BcdDigits.encodeAddress(c.getServedMsisdn())));
    if (c.getCallingNumber() != null) {
      r.setCallingNumber(new CallingNumber(BcdDigits.encodeAddress(c.getCallingNumber())));
    }
    if (c.getCalledNumber() != null) {
      r.setCalledNumber(new CalledNumber(BcdDigits.encodeAddress(c.getCalledNumber())));
    }
    r.setMscIncomingTKGP(trunk(c.getInTrunk()));
    r.setMscOutgoingTKGP(trunk(c.getOutTrunk()));
    r.setLocation(location(c.getVisitedPlmn()));
    if (c.getRecordType() == org.cdrflow.schema.RecordType.FWD) {
      MOCallRecord.SupplServicesUsed used = new MOCallRecord.SupplServicesUsed();
      SuppServiceUsed cfu = new SuppServiceUsed();
      cfu.setSsCode(new SSCode(new byte[] {(byte) CFU}));
      used.getSuppServiceUsed().add(cfu);
      r.setSupplServicesUsed(used);
    }
    r.setSeizureTime(time(c.getSeizureTime()));
    r.setAnswerTime(c.getAnswerTime() == null ? null : time(c.getAnswerTime()));
    r.setCallDuration(new CallDuration(c.getDurationSeconds()));
    r.setCauseForTerm(new CauseForTerm(callCause(c.getCauseForTerm())));
    r.setDiagnostics(diagnostics(c.getCauseForTerm()));
    r.setCallReference(new CallReferenceNumber(reference(c.getCallReference())));
    r.setSequenceNumber(c.getSequenceNumber() > 0 ? new BerInteger(c.getSequenceNumber()) : null);
    return r;
  }

  private MTCallRecord mtCall(RawCdr c) {
    MTCallRecord r = new MTCallRecord();
    r.setRecordType(new CallEventRecordType(1));
    r.setServedIMSI(imsi(c.getServedImsi()));
    r.setServedMSISDN(new MSISDN(BcdDigits.encodeAddress(c.getServedMsisdn())));
    if (c.getCallingNumber() != null) {
      r.setCallingNumber(new CallingNumber(BcdDigits.encodeAddress(c.getCallingNumber())));
    }
    r.setMscIncomingTKGP(trunk(c.getInTrunk()));
    r.setMscOutgoingTKGP(trunk(c.getOutTrunk()));
    r.setLocation(location(c.getVisitedPlmn()));
    r.setSeizureTime(time(c.getSeizureTime()));
    r.setAnswerTime(c.getAnswerTime() == null ? null : time(c.getAnswerTime()));
    r.setCallDuration(new CallDuration(c.getDurationSeconds()));
    r.setCauseForTerm(new CauseForTerm(callCause(c.getCauseForTerm())));
    r.setDiagnostics(diagnostics(c.getCauseForTerm()));
    r.setCallReference(new CallReferenceNumber(reference(c.getCallReference())));
    r.setSequenceNumber(c.getSequenceNumber() > 0 ? new BerInteger(c.getSequenceNumber()) : null);
    return r;
  }

  private MOSMSRecord moSms(RawCdr c) {
    MOSMSRecord r = new MOSMSRecord();
    r.setRecordType(new CallEventRecordType(6));
    r.setServedIMSI(imsi(c.getServedImsi()));
    r.setServedMSISDN(new MSISDN(BcdDigits.encodeAddress(c.getServedMsisdn())));
    r.setLocation(location(c.getVisitedPlmn()));
    r.setOriginationTime(time(c.getSeizureTime()));
    if (c.getCalledNumber() != null) {
      r.setDestinationNumber(
          new SmsTpDestinationNumber(BcdDigits.encodeSmsAddress(c.getCalledNumber())));
    }
    r.setRecordExtensions(extension(null, c));
    return r;
  }

  private MTSMSRecord mtSms(RawCdr c) {
    MTSMSRecord r = new MTSMSRecord();
    r.setRecordType(new CallEventRecordType(7));
    r.setServedIMSI(imsi(c.getServedImsi()));
    r.setServedMSISDN(new MSISDN(BcdDigits.encodeAddress(c.getServedMsisdn())));
    r.setLocation(location(c.getVisitedPlmn()));
    r.setDeliveryTime(time(c.getSeizureTime()));
    r.setRecordExtensions(extension(c.getCallingNumber(), c));
    return r;
  }

  private PGWRecord pgw(RawCdr c) {
    PGWRecord r = new PGWRecord();
    r.setRecordType(new RecordType(85));
    r.setServedIMSI(imsi(c.getServedImsi()));
    byte[] ref = reference(c.getCallReference());
    long chargingId = 0;
    for (int i = Math.max(0, ref.length - 4); i < ref.length; i++) {
      chargingId = (chargingId << 8) | (ref[i] & 0xFF);
    }
    r.setChargingID(new ChargingID(chargingId));
    r.setRecordOpeningTime(time(c.getSeizureTime()));
    r.setDuration(new CallDuration(c.getDurationSeconds()));
    r.setCauseForRecClosing(new CauseForRecClosing(psCause(c)));
    r.setRecordSequenceNumber(
        c.getSequenceNumber() > 0 ? new BerInteger(c.getSequenceNumber()) : null);
    r.setNodeID(new NodeID(c.getNetworkElement().getBytes(StandardCharsets.US_ASCII)));
    r.setServedMSISDN(new MSISDN(BcdDigits.encodeAddress(c.getServedMsisdn())));
    if (c.getVisitedPlmn() != null) {
      r.setServingNodePLMNIdentifier(new PLMNId(PlmnId.encode(c.getVisitedPlmn())));
    }
    if (c.getUplinkBytes() != null || c.getDownlinkBytes() != null) {
      PGWRecord.ListOfServiceData list = new PGWRecord.ListOfServiceData();
      ChangeOfServiceCondition s = new ChangeOfServiceCondition();
      s.setRatingGroup(new BerInteger(RATING_GROUP));
      s.setServiceConditionChange(new BerBitString(new byte[] {0, 0, 0, 0}, 32));
      if (c.getUplinkBytes() != null) {
        s.setDatavolumeFBCUplink(new DataVolumeGPRS(c.getUplinkBytes()));
      }
      if (c.getDownlinkBytes() != null) {
        s.setDatavolumeFBCDownlink(new DataVolumeGPRS(c.getDownlinkBytes()));
      }
      Instant end = c.getSeizureTime().plusSeconds(Math.max(0, c.getDurationSeconds()));
      s.setTimeOfReport(time(end));
      list.getChangeOfServiceCondition().add(s);
      r.setListOfServiceData(list);
    }
    r.setRecordExtensions(extension(null, c));
    return r;
  }

  private ManagementExtensions extension(String callingNumber, RawCdr c) {
    CdrflowExtension x = new CdrflowExtension();
    if (callingNumber != null) {
      x.setCallingNumber(new CallingNumber(BcdDigits.encodeAddress(callingNumber)));
    }
    if (c.getInTrunk() != null) {
      x.setInTrunk(new BerIA5String(c.getInTrunk().getBytes(StandardCharsets.US_ASCII)));
    }
    if (c.getOutTrunk() != null) {
      x.setOutTrunk(new BerIA5String(c.getOutTrunk().getBytes(StandardCharsets.US_ASCII)));
    }
    x.setCallReference(new BerOctetString(reference(c.getCallReference())));
    ReverseByteArrayOutputStream os = new ReverseByteArrayOutputStream(128, true);
    try {
      x.encode(os);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ManagementExtension e = new ManagementExtension();
    e.setIdentifier(
        new BerObjectIdentifier(
            Arrays.stream(ChargingRecordMapper.EXTENSION_OID.split("\\."))
                .mapToInt(Integer::parseInt)
                .toArray()));
    e.setInformation(new BerAny(os.getArray()));
    ManagementExtensions all = new ManagementExtensions();
    all.getManagementExtension().add(e);
    return all;
  }

  private static IMSI imsi(String imsi) {
    return imsi == null ? null : new IMSI(BcdDigits.encodeTbcd(imsi));
  }

  private static TrunkGroup trunk(String name) {
    if (name == null) {
      return null;
    }
    TrunkGroup t = new TrunkGroup();
    t.setTkgpName(new BerIA5String(name.getBytes(StandardCharsets.US_ASCII)));
    return t;
  }

  private static LocationAreaAndCell location(String plmn) {
    if (plmn == null) {
      return null;
    }
    LocationAreaAndCell l = new LocationAreaAndCell();
    l.setLocationAreaCode(new LocationAreaCode(new byte[] {0, 1}));
    l.setCellId(new CellId(new byte[] {0, 1}));
    l.setMCCMNC(new MCCMNC(PlmnId.encode(plmn)));
    return l;
  }

  private TimeStamp time(Instant t) {
    return new TimeStamp(ChargingTime.encode(t, zone));
  }

  private static byte[] reference(String hex) {
    byte[] v = HexFormat.of().parseHex(hex);
    if (v.length < 1 || v.length > 8) {
      throw new IllegalArgumentException("a call reference of 1 to 8 octets in hex");
    }
    return v;
  }

  private static long callCause(String cause) {
    return switch (cause) {
      case "NORMAL" -> 0;
      case "PARTIAL" -> 1;
      case "BUSY", "NO_ANSWER", "UNSUCCESSFUL" -> 3;
      case "ABNORMAL" -> 4;
      case "CAMEL_RELEASE" -> 5;
      default -> cause.startsWith("CAUSE_") ? Long.parseLong(cause.substring(6)) : 4;
    };
  }

  private static Diagnostics diagnostics(String cause) {
    int q850 =
        switch (cause) {
          case "BUSY" -> 17;
          case "NO_ANSWER" -> 19;
          default -> -1;
        };
    if (q850 < 0) {
      return null;
    }
    Diagnostics d = new Diagnostics();
    d.setGsm0408Cause(new BerInteger(q850));
    return d;
  }

  private static long psCause(RawCdr c) {
    return switch (c.getCauseForTerm()) {
      case "NORMAL" -> 0;
      case "PARTIAL" -> 17; // timeLimit
      case "CAMEL_RELEASE" -> 5;
      default -> 4;
    };
  }
}
