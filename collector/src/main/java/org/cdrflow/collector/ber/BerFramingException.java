package org.cdrflow.collector.ber;

/**
 * A TLV that cannot be delimited: either the bytes end inside it ({@link #truncated()}), or its tag
 * or length is not valid BER. The message names what and never quotes the bytes.
 */
public final class BerFramingException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean truncated;

  BerFramingException(boolean truncated, String message) {
    super(message, null, false, false);
    this.truncated = truncated;
  }

  /** Whether more bytes would have completed the TLV (a file cut off), rather than bad BER. */
  public boolean truncated() {
    return truncated;
  }
}
