package org.cdrflow.collector.ber;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;

/** RawCdrs of every kind the encoder writes, with whole-second times (BER carries no less). */
final class SampleCdrs {

  private SampleCdrs() {}

  static List<RawCdr> all() {
    List<RawCdr> out = new ArrayList<>();
    for (RecordType type : RecordType.values()) {
      out.add(of(type, 0, new SplittableRandom(type.ordinal())));
    }
    return out;
  }

  static RawCdr of(RecordType type, int n, SplittableRandom random) {
    Instant t = Instant.parse("2026-03-15T09:20:30Z").plusSeconds(random.nextInt(90 * 86_400));
    RawCdr c = new RawCdr();
    c.setRecordType(type);
    c.setNetworkElement(
        switch (type) {
          case MOC, MTC, FWD -> "MSC-OSL-1";
          case SMS_MO, SMS_MT -> "SMSC-BGO-1";
          case DATA -> "PGW-OSL-2";
        });
    c.setCallReference(String.format("%016X", random.nextLong()));
    c.setSequenceNumber(0);
    c.setLastPartial(true);
    c.setServedMsisdn(random.nextBoolean() ? "+47" + (90000000 + n) : "4" + (90000000 + n));
    c.setServedImsi("24201" + String.format("%010d", random.nextLong(10_000_000_000L)));
    c.setSeizureTime(t);
    c.setDurationSeconds(0);
    c.setCauseForTerm("NORMAL");
    c.setVisitedPlmn(random.nextInt(4) == 0 ? "23415" : null);
    switch (type) {
      case MOC, FWD -> {
        c.setCallingNumber(c.getServedMsisdn());
        c.setCalledNumber("+46" + (700000000 + random.nextInt(1000000)));
        c.setOutTrunk("TRK-SE-1");
        if (type == RecordType.FWD) {
          c.setInTrunk("TRK-NO-2");
        }
        answered(c, random);
      }
      case MTC -> {
        c.setCallingNumber(random.nextBoolean() ? null : "22334455");
        c.setCalledNumber(c.getServedMsisdn());
        c.setInTrunk("TRK-NO-2");
        if (random.nextBoolean()) {
          answered(c, random);
        } else {
          c.setCauseForTerm(random.nextBoolean() ? "BUSY" : "NO_ANSWER");
        }
      }
      case SMS_MO -> {
        c.setCallingNumber(c.getServedMsisdn());
        c.setCalledNumber("+4798765432");
        c.setOutTrunk("SMS-OUT");
      }
      case SMS_MT -> {
        c.setCallingNumber("004791111111");
        c.setCalledNumber(c.getServedMsisdn());
        c.setInTrunk("SMS-IN");
      }
      case DATA -> {
        c.setDurationSeconds(1 + random.nextInt(3600));
        c.setUplinkBytes(random.nextLong(1L << 32));
        c.setDownlinkBytes(random.nextLong(1L << 40));
      }
    }
    return c;
  }

  private static void answered(RawCdr c, SplittableRandom random) {
    c.setAnswerTime(c.getSeizureTime().plusSeconds(random.nextInt(20)));
    c.setDurationSeconds(random.nextInt(7200));
    if (random.nextInt(5) == 0) {
      int seq = 1 + random.nextInt(4);
      c.setSequenceNumber(seq);
      boolean last = random.nextBoolean();
      c.setLastPartial(last);
      c.setCauseForTerm(last ? "NORMAL" : "PARTIAL");
    }
  }
}
