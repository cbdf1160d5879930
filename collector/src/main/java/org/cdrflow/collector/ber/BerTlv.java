package org.cdrflow.collector.ber;

/**
 * Delimits BER TLVs (X.690 8.1) without decoding them: tags of any length, short, long (up to four
 * octets) and indefinite lengths. Used to split a file into records and to drop unknown components
 * before the generated decoders see a record ({@link KnownComponents}).
 *
 * <p>One instance holds the header of the last TLV read; not thread-safe.
 */
final class BerTlv {

  /** Nesting deeper than this in indefinite lengths is rejected rather than recursed into. */
  private static final int MAX_DEPTH = 32;

  int tagClass;
  boolean constructed;
  int tagNumber;

  /** Offset of the first content octet. */
  int contentStart;

  /** Content length, or -1 for the indefinite form. */
  int contentLength;

  /** Offset just after the TLV (after its end-of-contents octets in the indefinite form). */
  int end;

  /**
   * Reads the TLV at {@code offset}, which must end at or before {@code limit}.
   *
   * @throws BerFramingException truncated when {@code limit} comes first, otherwise for bad BER
   */
  BerTlv read(byte[] b, int offset, int limit) throws BerFramingException {
    readHeader(b, offset, limit);
    if (contentLength >= 0) {
      end = contentStart + contentLength;
      return this;
    }
    // Walking the contents reads the children's headers into this instance: keep ours.
    int c = tagClass;
    boolean k = constructed;
    int n = tagNumber;
    int start = contentStart;
    int stop = endOfIndefinite(b, start, limit, 1);
    tagClass = c;
    constructed = k;
    tagNumber = n;
    contentStart = start;
    contentLength = -1;
    end = stop;
    return this;
  }

  private void readHeader(byte[] b, int offset, int limit) throws BerFramingException {
    int p = offset;
    if (p >= limit) {
      throw new BerFramingException(true, "ends before a tag");
    }
    int first = b[p++] & 0xFF;
    tagClass = first >> 6;
    constructed = (first & 0x20) != 0;
    int number = first & 0x1F;
    if (number == 0x1F) {
      number = 0;
      int c;
      int octets = 0;
      do {
        if (p >= limit) {
          throw new BerFramingException(true, "ends inside a tag");
        }
        c = b[p++] & 0xFF;
        if (++octets > 3) {
          throw new BerFramingException(false, "tag number of more than three octets");
        }
        number = (number << 7) | (c & 0x7F);
      } while ((c & 0x80) != 0);
    }
    tagNumber = number;
    if (p >= limit) {
      throw new BerFramingException(true, "ends before a length");
    }
    int l = b[p++] & 0xFF;
    if (l < 0x80) {
      contentLength = l;
    } else if (l == 0x80) {
      if (!constructed) {
        throw new BerFramingException(false, "indefinite length on a primitive");
      }
      contentLength = -1;
    } else {
      int n = l & 0x7F;
      if (n > 4) {
        throw new BerFramingException(false, "length of " + n + " octets");
      }
      if (p + n > limit) {
        throw new BerFramingException(true, "ends inside a length");
      }
      long v = 0;
      for (int i = 0; i < n; i++) {
        v = (v << 8) | (b[p++] & 0xFF);
      }
      if (v > Integer.MAX_VALUE) {
        throw new BerFramingException(false, "length over 2 GB");
      }
      contentLength = (int) v;
    }
    contentStart = p;
    if (contentLength >= 0 && (long) contentStart + contentLength > limit) {
      throw new BerFramingException(true, "ends inside the contents");
    }
  }

  private int endOfIndefinite(byte[] b, int p, int limit, int depth) throws BerFramingException {
    if (depth > MAX_DEPTH) {
      throw new BerFramingException(false, "indefinite lengths nested too deep");
    }
    while (true) {
      if (p + 2 > limit) {
        throw new BerFramingException(true, "ends before end-of-contents");
      }
      if (b[p] == 0 && b[p + 1] == 0) {
        return p + 2;
      }
      readHeader(b, p, limit);
      p =
          contentLength >= 0
              ? contentStart + contentLength
              : endOfIndefinite(b, contentStart, limit, depth + 1);
    }
  }
}
