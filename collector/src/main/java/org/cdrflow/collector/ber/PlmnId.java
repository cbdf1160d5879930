package org.cdrflow.collector.ber;

/**
 * PLMN-Id / MCC-MNC of TS 32.298 (three octets as in TS 24.008: MCC2|MCC1, MNC3|MCC3, MNC2|MNC1,
 * MNC3 = 1111b for a two-digit MNC), as RawCdr's {@code visitedPlmn} writes it: MCC then MNC.
 */
public final class PlmnId {

  private PlmnId() {}

  public static String decode(byte[] b) {
    if (b.length != 3) {
      throw new IllegalArgumentException("PLMN-Id of " + b.length + " octets, not 3");
    }
    int mcc1 = b[0] & 0x0F;
    int mcc2 = (b[0] >> 4) & 0x0F;
    int mcc3 = b[1] & 0x0F;
    int mnc3 = (b[1] >> 4) & 0x0F;
    int mnc1 = b[2] & 0x0F;
    int mnc2 = (b[2] >> 4) & 0x0F;
    for (int d : new int[] {mcc1, mcc2, mcc3, mnc1, mnc2}) {
      if (d > 9) {
        throw new IllegalArgumentException("PLMN-Id digit is not BCD");
      }
    }
    if (mnc3 != 0x0F && mnc3 > 9) {
      throw new IllegalArgumentException("PLMN-Id digit is not BCD");
    }
    StringBuilder s = new StringBuilder(6).append(mcc1).append(mcc2).append(mcc3);
    s.append(mnc1).append(mnc2);
    if (mnc3 != 0x0F) {
      s.append(mnc3);
    }
    return s.toString();
  }

  /** Encodes MCC+MNC of five or six digits. */
  public static byte[] encode(String mccMnc) {
    if (!mccMnc.matches("[0-9]{5,6}")) {
      throw new IllegalArgumentException("a PLMN is five or six digits");
    }
    int[] d = mccMnc.chars().map(c -> c - '0').toArray();
    int mnc3 = d.length == 6 ? d[5] : 0x0F;
    return new byte[] {
      (byte) ((d[1] << 4) | d[0]), (byte) ((mnc3 << 4) | d[2]), (byte) ((d[4] << 4) | d[3])
    };
  }
}
