package org.cdrflow.collector.ber;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * Builds BER by hand for the tests: a TLV from its tag octets (hex) and contents, with the length
 * in the short, a long (two-octet) or, for constructed TLVs, the indefinite form.
 */
final class Ber {

  enum Lengths {
    SHORT,
    LONG,
    INDEFINITE
  }

  private final Lengths lengths;

  Ber(Lengths lengths) {
    this.lengths = lengths;
  }

  static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A primitive TLV: tag octets in hex, contents in hex. */
  byte[] p(String tag, String contentHex) {
    return tlv(hex(tag), hex(contentHex));
  }

  /** A primitive TLV with raw contents. */
  byte[] p(String tag, byte[] content) {
    return tlv(hex(tag), content);
  }

  /** A constructed TLV of the given children. */
  byte[] c(String tag, byte[]... children) {
    byte[] t = hex(tag);
    byte[] content = concat(children);
    if (lengths == Lengths.INDEFINITE) {
      return concat(t, new byte[] {(byte) 0x80}, content, new byte[] {0, 0});
    }
    return tlv(t, content);
  }

  private byte[] tlv(byte[] tag, byte[] content) {
    int n = content.length;
    byte[] length;
    if (lengths == Lengths.SHORT && n < 0x80) {
      length = new byte[] {(byte) n};
    } else if (n < 0x100 && lengths == Lengths.SHORT) {
      length = new byte[] {(byte) 0x81, (byte) n};
    } else {
      length = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    }
    return concat(tag, length, content);
  }
}
