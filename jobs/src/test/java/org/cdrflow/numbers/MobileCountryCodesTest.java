package org.cdrflow.numbers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.cdrflow.numbers.VisitedNetwork.Location;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MobileCountryCodesTest {

  private final MobileCountryCodes codes = MobileCountryCodes.standard();

  @ParameterizedTest(name = "[{index}] {0} -> {1} {3}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      textBlock =
          """
          # visitedPlmn | location      | mcc | country
          -             | HOME          | -   | NO
          ''            | HOME          | -   | NO
          '24201'       | HOME          | 242 | NO
          '24202'       | HOME          | 242 | NO
          '242014'      | HOME          | 242 | NO
          '24001'       | ROAMING       | 240 | SE
          '23801'       | ROAMING       | 238 | DK
          '24405'       | ROAMING       | 244 | FI
          '24801'       | ROAMING       | 248 | EE
          '27401'       | ROAMING       | 274 | IS
          '26201'       | ROAMING       | 262 | DE
          '20801'       | ROAMING       | 208 | FR
          '23415'       | ROAMING       | 234 | GB
          '310260'      | ROAMING       | 310 | US
          '311480'      | ROAMING       | 311 | US
          '50501'       | ROAMING       | 505 | AU
          '34001'       | ROAMING       | 340 | GP
          '28967'       | ROAMING       | 289 | GE
          ' 24001 '     | ROAMING       | 240 | SE
          '90112'       | INTERNATIONAL | 901 | -
          '901018'      | INTERNATIONAL | 901 | -
          '00101'       | UNKNOWN_MCC   | 001 | -
          '99999'       | UNKNOWN_MCC   | 999 | -
          '90201'       | UNKNOWN_MCC   | 902 | -
          '2420'        | MALFORMED     | -   | -
          '2420123'     | MALFORMED     | -   | -
          '24A01'       | MALFORMED     | -   | -
          'garbage'     | MALFORMED     | -   | -
          '+24201'      | MALFORMED     | -   | -
          """)
  void classifiesVisitedPlmn(String plmn, Location location, String mcc, String country) {
    VisitedNetwork network = codes.visitedNetwork(plmn);

    assertEquals(new VisitedNetwork(location, mcc, country), network);
    assertEquals(Optional.ofNullable(country), codes.countryOf(plmn));
    assertEquals(location == Location.HOME, network.isHome());
    assertEquals(location == Location.ROAMING, network.isRoaming());
  }

  @Test
  void tableHasEveryCountryAsIsoAlpha2() {
    // XK (Kosovo) is user-assigned rather than ISO, but it is what the source, libphonenumber
    // and CLDR use for Kosovo.
    Set<String> iso = new HashSet<>(Set.of(Locale.getISOCountries()));
    iso.add("XK");
    int rows = 0;
    for (int mcc = 0; mcc < 1000; mcc++) {
      Optional<String> country = codes.countryOfMcc(mcc);
      if (country.isPresent()) {
        rows++;
        assertTrue(iso.contains(country.get()), mcc + " -> " + country.get());
      }
    }
    // The reduced list has one row per MCC of the source that has a country (232 in 1.1.11).
    assertTrue(rows > 200, "only " + rows + " MCCs");
    assertEquals(Optional.of("NO"), codes.countryOfMcc(242));
    assertEquals(Optional.empty(), codes.countryOfMcc(901));
    assertEquals(Optional.empty(), codes.countryOfMcc(-1));
    assertEquals(Optional.empty(), codes.countryOfMcc(1000));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          'mcc,country\n24,NO\n'
          'mcc,country\n242,Norway\n'
          'mcc,country\n242,NO,extra\n'
          'mcc,country\n242,NO\n242,SE\n'
          """)
  void refusesMalformedTables(String csv) {
    InputStream in =
        new ByteArrayInputStream(csv.replace("\\n", "\n").getBytes(StandardCharsets.UTF_8));
    assertThrows(IllegalArgumentException.class, () -> MobileCountryCodes.read(in));
  }
}
