package org.cdrflow.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.schema.RecordType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every row of the zone table (docs/rating.md, "Zones"), tried top to bottom. */
class RatingZoneTest {

  @ParameterizedTest(name = "{0} {1} to {2} {3}/{4} special={5} -> {6}")
  @CsvSource(
      nullValues = "-",
      textBlock =
          """
          # record, where,   class,       country, czone,  special, zone,               draws, euData
          # 1 emergency first, anywhere, even roaming outside the EU
          MOC,    HOME,     EMERGENCY,   -,  -,      false, FREE,               false, false
          MOC,    WORLD1,   EMERGENCY,   -,  -,      false, FREE,               false, false
          SMS_MO, MARITIME, EMERGENCY,   -,  -,      false, FREE,               false, false
          FWD,    WORLD2,   EMERGENCY,   -,  -,      false, FREE,               false, false
          # 2 forwarding while roaming, EU included, whatever the number
          FWD,    EU,       MOBILE,      NO, NO,     false, ROAM_FWD,           false, false
          FWD,    WORLD1,   MOBILE,      NO, NO,     false, ROAM_FWD,           false, false
          FWD,    MARITIME, TOLL_FREE,   NO, NO,     false, ROAM_FWD,           false, false
          FWD,    EU,       PREMIUM,     NO, NO,     true,  ROAM_FWD,           false, false
          # 3 outgoing outside the EU zone
          MOC,    WORLD1,   MOBILE,      NO, NO,     false, ROAM_WORLD1_MO,     false, false
          SMS_MO, WORLD2,   FIXED,       US, WORLD1, false, ROAM_WORLD2_MO,     false, false
          MOC,    MARITIME, TOLL_FREE,   NO, NO,     false, ROAM_MARITIME_MO,   false, false
          MOC,    WORLD1,   PREMIUM,     NO, NO,     false, ROAM_WORLD1_MO,     false, false
          # 4 toll free at home or in the EU zone (before the special-number row)
          MOC,    HOME,     TOLL_FREE,   NO, NO,     false, FREE,               false, false
          MOC,    EU,       TOLL_FREE,   NO, NO,     false, FREE,               false, false
          FWD,    HOME,     TOLL_FREE,   NO, NO,     false, FREE,               false, false
          MOC,    HOME,     TOLL_FREE,   NO, NO,     true,  FREE,               false, false
          # 5 special-number row, whatever the class
          MOC,    HOME,     PREMIUM,     NO, NO,     true,  SPECIAL,            false, false
          SMS_MO, EU,       MOBILE,      NO, NO,     true,  SPECIAL,            false, false
          FWD,    HOME,     SHARED_COST, NO, NO,     true,  SPECIAL,            false, false
          # 7 short numbers
          MOC,    HOME,     SHORT,       -,  -,      false, SHORT,              false, false
          SMS_MO, EU,       SHORT,       -,  -,      false, SHORT,              false, false
          FWD,    HOME,     SHORT,       -,  -,      false, SHORT,              false, false
          # 8 at home to a Norwegian number
          MOC,    HOME,     MOBILE,      NO, NO,     false, DOMESTIC,           true,  false
          FWD,    HOME,     FIXED,       NO, NO,     false, DOMESTIC,           true,  false
          SMS_MO, HOME,     MOBILE,      NO, NO,     false, DOMESTIC,           true,  false
          MOC,    HOME,     OTHER,       NO, NO,     false, DOMESTIC,           true,  false
          MOC,    HOME,     MOBILE,      SJ, NO,     false, DOMESTIC,           true,  false
          # 9 at home to a foreign number: calls from Norway to the EU zone are not free
          MOC,    HOME,     FIXED,       DE, EU,     false, INTL_EU,            false, false
          MOC,    HOME,     UNKNOWN,     DE, EU,     false, INTL_EU,            false, false
          FWD,    HOME,     MOBILE,      US, WORLD1, false, INTL_WORLD1,        false, false
          SMS_MO, HOME,     MOBILE,      TH, WORLD2, false, INTL_WORLD2,        false, false
          # 10 roam like at home in the EU zone: to Norway and between zone countries
          MOC,    EU,       MOBILE,      NO, NO,     false, DOMESTIC,           true,  false
          SMS_MO, EU,       MOBILE,      DE, EU,     false, DOMESTIC,           true,  false
          MOC,    EU,       UNKNOWN,     ES, EU,     false, DOMESTIC,           true,  false
          # 11 from the EU zone to another country
          MOC,    EU,       MOBILE,      US, WORLD1, false, INTL_WORLD1,        false, false
          SMS_MO, EU,       FIXED,       TH, WORLD2, false, INTL_WORLD2,        false, false
          # 12 received at home or in the EU zone
          MTC,    HOME,     MOBILE,      NO, NO,     false, FREE,               false, false
          MTC,    EU,       MOBILE,      US, WORLD1, false, FREE,               false, false
          SMS_MT, EU,       PREMIUM,     NO, NO,     false, FREE,               false, false
          SMS_MT, HOME,     SHORT,       -,  -,      false, FREE,               false, false
          # 13 received outside the EU zone
          MTC,    WORLD2,   MOBILE,      NO, NO,     false, ROAM_WORLD2_MT,     false, false
          SMS_MT, WORLD1,   MOBILE,      NO, NO,     false, ROAM_WORLD1_MT,     false, false
          MTC,    MARITIME, FIXED,       DE, EU,     false, ROAM_MARITIME_MT,   false, false
          # 14-16 data
          DATA,   HOME,     -,           -,  -,      false, DOMESTIC,           true,  false
          DATA,   EU,       -,           -,  -,      false, DOMESTIC,           true,  true
          DATA,   WORLD1,   -,           -,  -,      false, ROAM_WORLD1_DATA,   false, false
          DATA,   WORLD2,   -,           -,  -,      false, ROAM_WORLD2_DATA,   false, false
          DATA,   MARITIME, -,           -,  -,      false, ROAM_MARITIME_DATA, false, false
          """)
  void zoneTable(
      RecordType record,
      VisitedZone where,
      NumberClass cls,
      String country,
      String countryZone,
      boolean special,
      String zone,
      boolean draws,
      boolean euData) {
    RatingZone z = RatingZone.decide(record, where, cls, country, countryZone, special);
    assertEquals(zone, z.name());
    assertEquals(draws, z.drawsAllowance());
    assertEquals(euData, z.euData());
    assertEquals("FREE".equals(zone), z.isFree());
    assertFalse(z.isRejected());
  }

  @ParameterizedTest(name = "{0} {1} to {2} {3}/{4} -> NO_RATE")
  @CsvSource(
      nullValues = "-",
      textBlock =
          """
          # 6 premium and shared cost need a special_number row
          MOC,    HOME, PREMIUM,     NO, NO
          SMS_MO, EU,   SHARED_COST, NO, NO
          FWD,    HOME, PREMIUM,     NO, NO
          # a foreign number can only be rated by its country's zone
          MOC,    HOME, UNKNOWN,     -,  -
          MOC,    HOME, MOBILE,      XX, -
          MOC,    EU,   FIXED,       XX, -
          """)
  void noRate(
      RecordType record, VisitedZone where, NumberClass cls, String country, String countryZone) {
    RatingZone z = RatingZone.decide(record, where, cls, country, countryZone, false);
    assertTrue(z.isRejected());
    assertNull(z.name());
    assertNotNull(z.noRateDetail());
  }
}
