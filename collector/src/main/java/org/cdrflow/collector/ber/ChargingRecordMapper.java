package org.cdrflow.collector.ber;

import com.beanit.asn1bean.ber.types.BerInteger;
import com.beanit.asn1bean.ber.types.BerOctetString;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.cdrflow.collector.asn1.cdrflowchargingrecords.CallEventRecord;
import org.cdrflow.collector.asn1.cdrflowchargingrecords.CdrflowExtension;
import org.cdrflow.collector.asn1.cschargingdatatypes.LocationAreaAndCell;
import org.cdrflow.collector.asn1.cschargingdatatypes.MOCallRecord;
import org.cdrflow.collector.asn1.cschargingdatatypes.MOSMSRecord;
import org.cdrflow.collector.asn1.cschargingdatatypes.MTCallRecord;
import org.cdrflow.collector.asn1.cschargingdatatypes.MTSMSRecord;
import org.cdrflow.collector.asn1.cschargingdatatypes.SuppServiceUsed;
import org.cdrflow.collector.asn1.cschargingdatatypes.TrunkGroup;
import org.cdrflow.collector.asn1.genericchargingdatatypes.Diagnostics;
import org.cdrflow.collector.asn1.genericchargingdatatypes.ManagementExtension;
import org.cdrflow.collector.asn1.genericchargingdatatypes.ManagementExtensions;
import org.cdrflow.collector.asn1.gprschargingdatatypes.ChangeOfCharCondition;
import org.cdrflow.collector.asn1.gprschargingdatatypes.ChangeOfServiceCondition;
import org.cdrflow.collector.asn1.gprschargingdatatypes.PGWRecord;
import org.cdrflow.collector.asn1.gprschargingdatatypes.SGWRecord;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;

/**
 * A decoded TS 32.298 record as the {@link RawCdr} mediation reads: the mapping of every field is
 * in docs/formats.md. Plain Java, no Flink.
 *
 * @throws IllegalArgumentException (from {@link #map}) when a field cannot be mapped; the message
 *     names the field, never its value
 */
public final class ChargingRecordMapper {
  private static final HexFormat HEX = HexFormat.of().withUpperCase();

  /**
   * Identifier of cdrflow's ManagementExtension, under the enterprise number RFC 5612 reserves for
   * documentation (32473); see docs/formats.md.
   */
  public static final String EXTENSION_OID = "1.3.6.1.4.1.32473.22.1";

  /** TS 29.002 SS-Codes of call forwarding: all, CFU, all conditional, CFB, CFNRy, CFNRc. */
  private static final int[] FORWARDING_SS_CODES = {0x20, 0x21, 0x28, 0x29, 0x2A, 0x2B};

  /**
   * TS 24.008 cause values of an unsuccessful attempt: user busy, no user responding, no answer.
   */
  private static final int CAUSE_USER_BUSY = 17;

  private static final int CAUSE_NO_USER_RESPONDING = 18;
  private static final int CAUSE_NO_ANSWER = 19;

  private ChargingRecordMapper() {}

  /**
   * Maps one record.
   *
   * @param fileNodeId the node ID of the file the record came from (its name up to {@code _-_}, see
   *     docs/formats.md): the networkElement of CS records, which carry no node name
   */
  public static RawCdr map(CallEventRecord record, String fileNodeId) {
    if (record.getMoCallRecord() != null) {
      return moCall(record.getMoCallRecord(), fileNodeId);
    }
    if (record.getMtCallRecord() != null) {
      return mtCall(record.getMtCallRecord(), fileNodeId);
    }
    if (record.getMoSMSRecord() != null) {
      return moSms(record.getMoSMSRecord(), fileNodeId);
    }
    if (record.getMtSMSRecord() != null) {
      return mtSms(record.getMtSMSRecord(), fileNodeId);
    }
    if (record.getSGWRecord() != null) {
      return sgw(record.getSGWRecord(), fileNodeId);
    }
    if (record.getPGWRecord() != null) {
      return pgw(record.getPGWRecord(), fileNodeId);
    }
    throw new IllegalArgumentException("record of no collected type");
  }

  private static RawCdr moCall(MOCallRecord r, String node) {
    RawCdr c = base(node);
    c.setRecordType(forwarded(r.getSupplServicesUsed()) ? RecordType.FWD : RecordType.MOC);
    c.setCallReference(callReference(r.getCallReference()));
    c.setServedImsi(imsi(r.getServedIMSI()));
    c.setServedMsisdn(required(address(r.getServedMSISDN(), "servedMSISDN"), "servedMSISDN"));
    c.setCallingNumber(address(r.getCallingNumber(), "callingNumber"));
    c.setCalledNumber(address(r.getCalledNumber(), "calledNumber"));
    c.setInTrunk(trunk(r.getMscIncomingTKGP()));
    c.setOutTrunk(trunk(r.getMscOutgoingTKGP()));
    c.setVisitedPlmn(plmn(r.getLocation()));
    callTimes(c, r.getSeizureTime(), r.getAnswerTime(), r.getCallDuration());
    callCause(c, r.getCauseForTerm(), r.getDiagnostics(), r.getSequenceNumber());
    return c;
  }

  private static RawCdr mtCall(MTCallRecord r, String node) {
    RawCdr c = base(node);
    c.setRecordType(RecordType.MTC);
    c.setCallReference(callReference(r.getCallReference()));
    c.setServedImsi(imsi(r.getServedIMSI()));
    String served = required(address(r.getServedMSISDN(), "servedMSISDN"), "servedMSISDN");
    c.setServedMsisdn(served);
    c.setCallingNumber(address(r.getCallingNumber(), "callingNumber"));
    c.setCalledNumber(served);
    c.setInTrunk(trunk(r.getMscIncomingTKGP()));
    c.setOutTrunk(trunk(r.getMscOutgoingTKGP()));
    c.setVisitedPlmn(plmn(r.getLocation()));
    callTimes(c, r.getSeizureTime(), r.getAnswerTime(), r.getCallDuration());
    callCause(c, r.getCauseForTerm(), r.getDiagnostics(), r.getSequenceNumber());
    return c;
  }

  private static RawCdr moSms(MOSMSRecord r, String node) {
    RawCdr c = base(node);
    c.setRecordType(RecordType.SMS_MO);
    CdrflowExtension x = extension(r.getRecordExtensions());
    c.setCallReference(reference(x, smsReference(r.getMessageReference(), r.getOriginationTime())));
    c.setServedImsi(imsi(r.getServedIMSI()));
    String served = required(address(r.getServedMSISDN(), "servedMSISDN"), "servedMSISDN");
    c.setServedMsisdn(served);
    c.setCallingNumber(served);
    if (r.getDestinationNumber() != null) {
      try {
        c.setCalledNumber(BcdDigits.smsAddress(r.getDestinationNumber().value));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("destinationNumber: " + e.getMessage());
      }
    }
    c.setVisitedPlmn(plmn(r.getLocation()));
    c.setSeizureTime(time(required(r.getOriginationTime(), "originationTime"), "originationTime"));
    if (x != null) {
      c.setInTrunk(string(x.getInTrunk()));
      c.setOutTrunk(string(x.getOutTrunk()));
    }
    return c;
  }

  private static RawCdr mtSms(MTSMSRecord r, String node) {
    RawCdr c = base(node);
    c.setRecordType(RecordType.SMS_MT);
    CdrflowExtension x = extension(r.getRecordExtensions());
    c.setCallReference(reference(x, smsReference(null, r.getDeliveryTime())));
    c.setServedImsi(imsi(r.getServedIMSI()));
    String served = required(address(r.getServedMSISDN(), "servedMSISDN"), "servedMSISDN");
    c.setServedMsisdn(served);
    c.setCalledNumber(served);
    c.setVisitedPlmn(plmn(r.getLocation()));
    c.setSeizureTime(time(required(r.getDeliveryTime(), "deliveryTime"), "deliveryTime"));
    if (x != null) {
      c.setCallingNumber(address(x.getCallingNumber(), "extension callingNumber"));
      c.setInTrunk(string(x.getInTrunk()));
      c.setOutTrunk(string(x.getOutTrunk()));
    }
    return c;
  }

  private static RawCdr sgw(SGWRecord r, String node) {
    RawCdr c =
        dataSession(
            node,
            r.getNodeID(),
            r.getRecordExtensions(),
            r.getChargingID(),
            r.getServedIMSI(),
            r.getServedMSISDN(),
            r.getServingNodePLMNIdentifier(),
            r.getRecordOpeningTime(),
            r.getDuration(),
            r.getCauseForRecClosing(),
            r.getRecordSequenceNumber());
    if (r.getListOfTrafficVolumes() != null) {
      volumes(
          c,
          r.getListOfTrafficVolumes().getChangeOfCharCondition(),
          ChangeOfCharCondition::getDataVolumeGPRSUplink,
          ChangeOfCharCondition::getDataVolumeGPRSDownlink);
    }
    return c;
  }

  private static RawCdr pgw(PGWRecord r, String node) {
    RawCdr c =
        dataSession(
            node,
            r.getNodeID(),
            r.getRecordExtensions(),
            r.getChargingID(),
            r.getServedIMSI(),
            r.getServedMSISDN(),
            r.getServingNodePLMNIdentifier(),
            r.getRecordOpeningTime(),
            r.getDuration(),
            r.getCauseForRecClosing(),
            r.getRecordSequenceNumber());
    if (r.getListOfServiceData() != null) {
      volumes(
          c,
          r.getListOfServiceData().getChangeOfServiceCondition(),
          ChangeOfServiceCondition::getDatavolumeFBCUplink,
          ChangeOfServiceCondition::getDatavolumeFBCDownlink);
    }
    return c;
  }

  /**
   * What an SGW and a PGW record say alike about a data session (docs/formats.md, "Field mapping");
   * only the lists of volumes differ between the two.
   */
  private static RawCdr dataSession(
      String node,
      Object nodeId,
      ManagementExtensions extensions,
      BerInteger chargingId,
      BerOctetString imsi,
      BerOctetString msisdn,
      BerOctetString servingPlmn,
      BerOctetString openingTime,
      BerInteger duration,
      BerInteger causeForRecClosing,
      BerInteger sequence) {
    RawCdr c = base(nodeId != null ? nodeId.toString() : node);
    c.setRecordType(RecordType.DATA);
    c.setCallReference(reference(extension(extensions), chargingId(chargingId)));
    c.setServedImsi(imsi(imsi));
    c.setServedMsisdn(required(address(msisdn, "servedMSISDN"), "servedMSISDN"));
    c.setVisitedPlmn(plmnId(servingPlmn));
    c.setSeizureTime(time(required(openingTime, "recordOpeningTime"), "recordOpeningTime"));
    c.setDurationSeconds(intValue(required(duration, "duration"), "duration"));
    psCause(c, causeForRecClosing, sequence);
    return c;
  }

  /** Uplink and downlink bytes: the sums over the record's list of volume changes. */
  private static <V> void volumes(
      RawCdr c,
      List<V> changes,
      Function<V, ? extends BerInteger> uplink,
      Function<V, ? extends BerInteger> downlink) {
    long up = 0;
    long down = 0;
    for (V v : changes) {
      up = Math.addExact(up, volume(uplink.apply(v)));
      down = Math.addExact(down, volume(downlink.apply(v)));
    }
    c.setUplinkBytes(up);
    c.setDownlinkBytes(down);
  }

  // ---- fields ----

  private static RawCdr base(String networkElement) {
    RawCdr c = new RawCdr();
    c.setNetworkElement(networkElement);
    c.setSequenceNumber(0);
    c.setLastPartial(true);
    c.setDurationSeconds(0);
    c.setCauseForTerm("NORMAL");
    return c;
  }

  private static void callTimes(
      RawCdr c, BerOctetString seizure, BerOctetString answer, BerInteger duration) {
    Instant answered = answer == null ? null : time(answer, "answerTime");
    // An answered call's record may leave out the seizure (TS 32.298 marks it optional).
    Instant seized = seizure == null ? answered : time(seizure, "seizureTime");
    c.setSeizureTime(required(seized, "seizureTime"));
    c.setAnswerTime(answered);
    c.setDurationSeconds(intValue(required(duration, "callDuration"), "callDuration"));
  }

  private static void callCause(
      RawCdr c, BerInteger causeForTerm, Diagnostics diagnostics, BerInteger sequenceNumber) {
    int cause = intValue(required(causeForTerm, "causeForTerm"), "causeForTerm");
    boolean partial = cause == 1 || cause == 2;
    c.setCauseForTerm(
        switch (cause) {
          case 0 -> "NORMAL";
          case 1, 2 -> "PARTIAL";
          case 3 -> unsuccessful(diagnostics);
          case 4 -> "ABNORMAL";
          case 5 -> "CAMEL_RELEASE";
          default -> "CAUSE_" + cause;
        });
    sequence(c, sequenceNumber, "sequenceNumber", partial);
  }

  private static String unsuccessful(Diagnostics d) {
    if (d != null && d.getGsm0408Cause() != null) {
      int cause = d.getGsm0408Cause().value.intValue();
      if (cause == CAUSE_USER_BUSY) {
        return "BUSY";
      }
      if (cause == CAUSE_NO_USER_RESPONDING || cause == CAUSE_NO_ANSWER) {
        return "NO_ANSWER";
      }
    }
    return "UNSUCCESSFUL";
  }

  /** CauseForRecClosing of TS 32.298: which values close a partial record and which the last. */
  private static void psCause(RawCdr c, BerInteger causeForRecClosing, BerInteger sequence) {
    int cause = intValue(required(causeForRecClosing, "causeForRecClosing"), "causeForRecClosing");
    boolean partial = cause >= 16 && cause <= 24;
    c.setCauseForTerm(
        switch (cause) {
          case 0 -> "NORMAL";
          case 4 -> "ABNORMAL";
          case 5 -> "CAMEL_RELEASE";
          default -> partial ? "PARTIAL" : "CAUSE_" + cause;
        });
    sequence(c, sequence, "recordSequenceNumber", partial);
  }

  private static void sequence(RawCdr c, BerInteger sequence, String field, boolean partial) {
    if (sequence == null) {
      if (partial) {
        throw new IllegalArgumentException("partial record without " + field);
      }
      return;
    }
    int n = intValue(sequence, field);
    if (n < 1) {
      throw new IllegalArgumentException(field + " below 1");
    }
    c.setSequenceNumber(n);
    c.setLastPartial(!partial);
  }

  private static boolean forwarded(MOCallRecord.SupplServicesUsed used) {
    if (used == null) {
      return false;
    }
    for (SuppServiceUsed s : used.getSuppServiceUsed()) {
      if (s.getSsCode() != null && s.getSsCode().value.length == 1) {
        int code = s.getSsCode().value[0] & 0xFF;
        for (int f : FORWARDING_SS_CODES) {
          if (code == f) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static String callReference(BerOctetString ref) {
    byte[] v = required(ref, "callReference").value;
    if (v.length < 1 || v.length > 8) {
      throw new IllegalArgumentException("callReference of " + v.length + " octets");
    }
    return HEX.formatHex(v);
  }

  /** The call reference of cdrflow's extension when there is one, else {@code standard}. */
  private static String reference(CdrflowExtension x, String standard) {
    if (x == null || x.getCallReference() == null) {
      return standard;
    }
    byte[] v = x.getCallReference().value;
    if (v.length < 1 || v.length > 8) {
      throw new IllegalArgumentException("extension callReference of " + v.length + " octets");
    }
    return HEX.formatHex(v);
  }

  private static String chargingId(BerInteger id) {
    long v = longValue(required(id, "chargingID"), "chargingID");
    if (v < 0 || v > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("chargingID out of range");
    }
    // Not String.format: this runs for every PS record (docs/benchmarks.md, "Collection").
    return HEX.toHexDigits((int) v);
  }

  /**
   * SMS records carry no call reference: the message reference (when present) and the time stamp's
   * octets identify the message within its element.
   */
  private static String smsReference(BerOctetString messageReference, BerOctetString time) {
    byte[] t = required(time, "time stamp").value;
    HexFormat hex = HEX;
    return messageReference == null
        ? hex.formatHex(t)
        : hex.formatHex(messageReference.value) + hex.formatHex(t);
  }

  private static String imsi(BerOctetString imsi) {
    if (imsi == null) {
      return null;
    }
    try {
      return BcdDigits.tbcd(imsi.value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("servedIMSI: " + e.getMessage());
    }
  }

  private static String address(BerOctetString a, String field) {
    if (a == null) {
      return null;
    }
    try {
      return BcdDigits.address(a.value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage());
    }
  }

  private static String plmn(LocationAreaAndCell location) {
    return location == null ? null : plmnId(location.getMCCMNC());
  }

  private static String plmnId(BerOctetString id) {
    if (id == null) {
      return null;
    }
    try {
      return PlmnId.decode(id.value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PLMN: " + e.getMessage());
    }
  }

  private static String trunk(TrunkGroup t) {
    if (t == null) {
      return null;
    }
    if (t.getTkgpName() != null) {
      return t.getTkgpName().toString();
    }
    return t.getTkgpNumber() == null ? null : t.getTkgpNumber().value.toString();
  }

  private static String string(com.beanit.asn1bean.ber.types.string.BerIA5String s) {
    return s == null ? null : s.toString();
  }

  private static Instant time(BerOctetString t, String field) {
    try {
      return ChargingTime.decode(t.value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage());
    }
  }

  private static long volume(BerInteger v) {
    if (v == null) {
      return 0;
    }
    long n = longValue(v, "data volume");
    if (n < 0) {
      throw new IllegalArgumentException("negative data volume");
    }
    return n;
  }

  private static int intValue(BerInteger v, String field) {
    BigInteger b = v.value;
    if (b.bitLength() > 31) {
      throw new IllegalArgumentException(field + " out of range");
    }
    return b.intValue();
  }

  private static long longValue(BerInteger v, String field) {
    BigInteger b = v.value;
    if (b.bitLength() > 63) {
      throw new IllegalArgumentException(field + " out of range");
    }
    return b.longValue();
  }

  private static CdrflowExtension extension(ManagementExtensions extensions) {
    if (extensions == null) {
      return null;
    }
    List<ManagementExtension> list = extensions.getManagementExtension();
    for (ManagementExtension e : list) {
      if (e.getIdentifier() != null
          && EXTENSION_OID.equals(e.getIdentifier().toString())
          && e.getInformation() != null) {
        CdrflowExtension x = new CdrflowExtension();
        try {
          x.decode(new ByteArrayInputStream(e.getInformation().value));
        } catch (IOException | RuntimeException ex) {
          throw new IllegalArgumentException("cdrflow extension is not valid BER");
        }
        return x;
      }
    }
    return null;
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException("no " + field);
    }
    return value;
  }
}
