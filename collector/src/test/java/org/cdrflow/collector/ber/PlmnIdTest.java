package org.cdrflow.collector.ber;

import static org.cdrflow.collector.ber.Ber.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlmnIdTest {

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "42 F2 10, 24201", // Telenor Norway: two-digit MNC, filler
    "42 F2 20, 24202",
    "13 00 14, 310410", // three-digit MNC (AT&T)
    "09 F1 10, 90101", // maritime/air, MCC 901
  })
  void mccAndMnc(String bytes, String plmn) {
    assertEquals(plmn, PlmnId.decode(hex(bytes)));
    assertArrayEquals(hex(bytes), PlmnId.encode(plmn));
  }

  @ParameterizedTest(name = "rejected: {0}")
  @CsvSource({"42 F2", "4A F2 10", "42 F2 1A", "42 C2 10"})
  void rejectsBadPlmnIds(String bytes) {
    assertThrows(IllegalArgumentException.class, () -> PlmnId.decode(hex(bytes)));
  }
}
