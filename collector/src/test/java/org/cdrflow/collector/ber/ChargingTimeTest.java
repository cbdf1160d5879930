package org.cdrflow.collector.ber;

import static org.cdrflow.collector.ber.Ber.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChargingTimeTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "26 03 15 10 20 30 2B 01 00, 2026-03-15T09:20:30Z", // Oslo winter time, +01:00
    "26 07 01 00 10 00 2B 02 00, 2026-06-30T22:10:00Z", // summer time, +02:00, day before in UTC
    "26 12 31 19 00 00 2D 05 00, 2027-01-01T00:00:00Z", // -05:00 rolls into the next year
    "26 01 01 05 29 59 2B 05 30, 2025-12-31T23:59:59Z", // +05:30, minutes in the offset
    "00 02 29 12 00 00 2B 00 00, 2000-02-29T12:00:00Z", // leap day, UTC
    "99 12 31 23 59 59 2D 00 00, 2099-12-31T23:59:59Z", // '-00:00' is UTC too
  })
  void decodesLocalTimeWithItsOffset(String bytes, String instant) {
    assertEquals(Instant.parse(instant), ChargingTime.decode(hex(bytes)));
  }

  @ParameterizedTest(name = "rejected: {0}")
  @CsvSource({
    "26 03 15 10 20 30 2B 01", // eight octets
    "26 03 15 10 20 30 2B 01 00 00", // ten
    "26 03 15 10 20 30 30 01 00", // sign '0'
    "26 0A 15 10 20 30 2B 01 00", // month digit not BCD
    "26 02 30 10 20 30 2B 01 00", // 30 February
    "26 03 15 24 00 00 2B 01 00", // hour 24
    "26 03 15 10 20 30 2B 19 00", // offset beyond 18 hours
  })
  void rejectsWhatIsNotATimeStamp(String bytes) {
    assertThrows(IllegalArgumentException.class, () -> ChargingTime.decode(hex(bytes)));
  }

  @Test
  void encodesOsloLocalTimeWithTheOffsetOfTheDay() {
    ZoneId oslo = ZoneId.of("Europe/Oslo");
    assertArrayEquals(
        hex("26 03 15 10 20 30 2B 01 00"),
        ChargingTime.encode(Instant.parse("2026-03-15T09:20:30Z"), oslo));
    assertArrayEquals(
        hex("26 07 01 00 10 00 2B 02 00"),
        ChargingTime.encode(Instant.parse("2026-06-30T22:10:00Z"), oslo));
    assertArrayEquals(
        hex("26 12 31 19 00 00 2D 05 00"),
        ChargingTime.encode(Instant.parse("2027-01-01T00:00:00Z"), ZoneId.of("-05:00")));
  }
}
