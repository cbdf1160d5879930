package org.cdrflow.collector.ber;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * TS 32.298 {@code TimeStamp}: nine octets {@code YY MM DD hh mm ss S hh mm}, BCD with the first
 * digit in the high nibble, local time of the recording element with its offset to UTC, {@code S}
 * the ASCII sign ({@code +} 2BH or {@code -} 2DH). Years 00-99 are 2000-2099 (docs/formats.md).
 */
public final class ChargingTime {

  private ChargingTime() {}

  /**
   * The instant of a time stamp.
   *
   * @throws IllegalArgumentException when it is not nine octets, a digit is not BCD, the sign is
   *     neither {@code +} nor {@code -}, or the date or offset does not exist
   */
  public static Instant decode(byte[] b) {
    if (b.length != 9) {
      throw new IllegalArgumentException("TimeStamp of " + b.length + " octets, not 9");
    }
    int year = 2000 + bcd(b[0]);
    int sign =
        switch (b[6]) {
          case '+' -> 1;
          case '-' -> -1;
          default -> throw new IllegalArgumentException("TimeStamp offset sign is not + or -");
        };
    try {
      LocalDateTime local =
          LocalDateTime.of(year, bcd(b[1]), bcd(b[2]), bcd(b[3]), bcd(b[4]), bcd(b[5]));
      ZoneOffset offset = ZoneOffset.ofHoursMinutes(sign * bcd(b[7]), sign * bcd(b[8]));
      return local.toInstant(offset);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("TimeStamp is not a valid date, time and offset");
    }
  }

  /** Encodes {@code instant} as the local time in {@code zone} with that zone's offset then. */
  public static byte[] encode(Instant instant, ZoneId zone) {
    ZonedDateTime t = instant.atZone(zone);
    int offsetMinutes = t.getOffset().getTotalSeconds() / 60;
    int abs = Math.abs(offsetMinutes);
    return new byte[] {
      bcdByte(t.getYear() % 100),
      bcdByte(t.getMonthValue()),
      bcdByte(t.getDayOfMonth()),
      bcdByte(t.getHour()),
      bcdByte(t.getMinute()),
      bcdByte(t.getSecond()),
      (byte) (offsetMinutes < 0 ? '-' : '+'),
      bcdByte(abs / 60),
      bcdByte(abs % 60)
    };
  }

  private static int bcd(byte v) {
    int high = (v >> 4) & 0x0F;
    int low = v & 0x0F;
    if (high > 9 || low > 9) {
      throw new IllegalArgumentException("TimeStamp digit is not BCD");
    }
    return high * 10 + low;
  }

  private static byte bcdByte(int v) {
    return (byte) (((v / 10) << 4) | (v % 10));
  }
}
