package org.cdrflow.collector.ber;

import static org.cdrflow.collector.ber.Ber.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BcdDigitsTest {

  @ParameterizedTest(name = "TBCD {0} = {1}")
  @CsvSource({
    "42 02 11 32 54 76 98 F0, 242011234567890", // IMSI, odd: filler in the last high nibble
    "42 02 11 32 54 76 98 10, 2420112345678901", // even: no filler
    "21 F3,                   123",
    "BA DC FE,                '*#abc'", // 1010b-1110b, low nibble first; then the filler
    "1F,                      ''", // a digit after the filler: rejected
  })
  void tbcdDigits(String bytes, String digits) {
    if (digits.isEmpty()) {
      assertThrows(IllegalArgumentException.class, () -> BcdDigits.tbcd(hex(bytes)));
      return;
    }
    assertEquals(digits, BcdDigits.tbcd(hex(bytes)));
  }

  @ParameterizedTest(name = "address {0} = {1}")
  @CsvSource({
    "91 74 19 32 54 76,    +4791234567", // international, ISDN plan
    "81 89 67 45 F3,       9876543", // unknown type of number: digits as they are
    "A1 19 32 54 76,       9123456 7",
    "11 00 74 F9,          +00479",
  })
  void addresses(String bytes, String number) {
    String expected = number.replace(" ", "");
    assertEquals(expected, BcdDigits.address(hex(bytes)));
  }

  @ParameterizedTest(name = "SMS address {0} = {1}")
  @CsvSource({
    "0A 91 74 19 32 54 76, +4791234567",
    "05 81 10 32 F4,       01234",
  })
  void smsAddresses(String bytes, String number) {
    assertEquals(number, BcdDigits.smsAddress(hex(bytes)));
    assertArrayEquals(hex(bytes), BcdDigits.encodeSmsAddress(number));
  }

  @ParameterizedTest(name = "rejected: {0}")
  @CsvSource({"06 91 74 19 32 54 76", "01", "0A 91 74 19"})
  void smsAddressWithWrongDigitCountIsRejected(String bytes) {
    assertThrows(IllegalArgumentException.class, () -> BcdDigits.smsAddress(hex(bytes)));
  }

  @ParameterizedTest(name = "encode {0}")
  @CsvSource({"+4791234567, 91 74 19 32 54 76", "9876543, 81 89 67 45 F3", "'*21#', 81 2A B1"})
  void encodesAddresses(String number, String bytes) {
    assertArrayEquals(hex(bytes), BcdDigits.encodeAddress(number));
    assertEquals(number, BcdDigits.address(hex(bytes)));
  }

  @org.junit.jupiter.api.Test
  void aDigitAfterTheFillerIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> BcdDigits.tbcd(hex("21 F3 54")));
    assertThrows(IllegalArgumentException.class, () -> BcdDigits.address(new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> BcdDigits.encodeTbcd("12x"));
  }
}
