package org.cdrflow.collector.ber;

/**
 * The digit encodings of TS 32.298 fields (docs/formats.md): TBCD (TS 29.002: two digits an octet,
 * the first in the low nibble, {@code *} {@code #} {@code a} {@code b} {@code c} as 1010b-1110b,
 * 1111b as filler), the address strings built on it, and the BCD time stamps.
 */
public final class BcdDigits {

  /** The nibble values 0-15 as TBCD characters; 15 is the filler. */
  private static final char[] TBCD = "0123456789*#abc".toCharArray();

  /** Nature of address / type of number "international" (bits 7-5 = 001). */
  static final int INTERNATIONAL = 0x10;

  private BcdDigits() {}

  /**
   * TBCD digits of {@code length} octets at {@code offset}. A filler nibble ends the digits; it may
   * only be the last nibble.
   *
   * @throws IllegalArgumentException when a filler is followed by a digit
   */
  public static String tbcd(byte[] b, int offset, int length) {
    char[] s = new char[length * 2];
    int n = 0;
    boolean ended = false;
    for (int i = offset; i < offset + length; i++) {
      for (int shift = 0; shift <= 4; shift += 4) {
        int nibble = (b[i] >> shift) & 0x0F;
        if (nibble == 0x0F) {
          ended = true;
        } else if (ended) {
          throw new IllegalArgumentException("TBCD digit after the filler");
        } else {
          s[n++] = TBCD[nibble];
        }
      }
    }
    return new String(s, 0, n);
  }

  /** Whole TBCD octet string. */
  public static String tbcd(byte[] b) {
    return tbcd(b, 0, b.length);
  }

  /**
   * An AddressString (TS 29.002) or BCDDirectoryNumber (TS 24.008): octet 1 is extension bit, type
   * of number and numbering plan; then TBCD. An international number is returned with a leading
   * {@code +}, any other as its digits.
   */
  public static String address(byte[] b) {
    if (b.length == 0) {
      throw new IllegalArgumentException("address without its type octet");
    }
    String digits = tbcd(b, 1, b.length - 1);
    return (b[0] & 0x70) == INTERNATIONAL ? "+" + digits : digits;
  }

  /**
   * A TS 23.040 address field (SmsTpDestinationNumber): octet 1 is the number of digits, octet 2
   * the type of address, then TBCD.
   */
  public static String smsAddress(byte[] b) {
    if (b.length < 2) {
      throw new IllegalArgumentException("SMS address shorter than its two header octets");
    }
    int digitCount = b[0] & 0xFF;
    String digits = tbcd(b, 2, b.length - 2);
    if (digits.length() != digitCount) {
      throw new IllegalArgumentException(
          "SMS address announces " + digitCount + " digits and has " + digits.length());
    }
    return (b[1] & 0x70) == INTERNATIONAL ? "+" + digits : digits;
  }

  /** Encodes TBCD digits (filler 1111b when odd). */
  public static byte[] encodeTbcd(String digits) {
    byte[] out = new byte[(digits.length() + 1) / 2];
    for (int i = 0; i < digits.length(); i++) {
      int v = nibble(digits.charAt(i));
      if ((i & 1) == 0) {
        out[i / 2] = (byte) (0xF0 | v);
      } else {
        out[i / 2] = (byte) ((out[i / 2] & 0x0F) | (v << 4));
      }
    }
    return out;
  }

  /**
   * An AddressString / BCDDirectoryNumber: {@code +} digits as international (type octet 91H: ISDN
   * plan), anything else as unknown type (81H).
   */
  public static byte[] encodeAddress(String number) {
    boolean international = number.startsWith("+");
    byte[] digits = encodeTbcd(international ? number.substring(1) : number);
    byte[] out = new byte[digits.length + 1];
    out[0] = (byte) (international ? 0x91 : 0x81);
    System.arraycopy(digits, 0, out, 1, digits.length);
    return out;
  }

  /** A TS 23.040 address field, as {@link #smsAddress(byte[])} reads it. */
  public static byte[] encodeSmsAddress(String number) {
    boolean international = number.startsWith("+");
    String d = international ? number.substring(1) : number;
    byte[] digits = encodeTbcd(d);
    byte[] out = new byte[digits.length + 2];
    out[0] = (byte) d.length();
    out[1] = (byte) (international ? 0x91 : 0x81);
    System.arraycopy(digits, 0, out, 2, digits.length);
    return out;
  }

  private static int nibble(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    return switch (c) {
      case '*' -> 0xA;
      case '#' -> 0xB;
      case 'a', 'A' -> 0xC;
      case 'b', 'B' -> 0xD;
      case 'c', 'C' -> 0xE;
      default -> throw new IllegalArgumentException("not a TBCD digit");
    };
  }
}
