package org.cdrflow.rating;

import org.cdrflow.domain.Tariff;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.schema.RecordType;

/**
 * The rating zone of an event, decided by the zone table of docs/rating.md ("Zones"): the rows are
 * tried top to bottom and the first that matches decides. Either a zone (whose {@code rate} row, or
 * {@code special_number} row for {@code SPECIAL}, prices the line) or a {@code NO_RATE} rejection
 * with a readable detail.
 *
 * @param name zone name as used in {@code rate.zone} and {@code invoice_line.rating_zone}; null
 *     when rejected
 * @param drawsAllowance whether the line draws on the plan's allowances (domestic and
 *     roam-like-at-home usage)
 * @param euData EU-zone data: domestic up to the plan's EU data limit, {@code ROAM_EU_DATA} beyond
 * @param noRateDetail why there is no rate, when rejected; never contains a phone number
 */
public record RatingZone(
    String name, boolean drawsAllowance, boolean euData, String noRateDetail, int row) {

  public RatingZone(String name, boolean drawsAllowance, boolean euData, String noRateDetail) {
    this(name, drawsAllowance, euData, noRateDetail, 0);
  }

  /**
   * The rows of the zone table of docs/rating.md ("Zones"), as {@code cdrflow explain} reads them
   * to a customer; index = row number ({@link #row}).
   */
  private static final String[] ROWS = {
    "no row of the zone table",
    "call, SMS sent or forwarded call to an emergency number (110, 112, 113): free anywhere",
    "forwarded call while roaming: ROAM_FWD",
    "call or SMS sent from a WORLD1, WORLD2 or maritime network: ROAM_<zone>_MO",
    "call, SMS sent or forwarded call at home or in the EU zone to a toll-free number: free",
    "call, SMS sent or forwarded call at home or in the EU zone to a number with a"
        + " special_number prefix (longest prefix wins): SPECIAL",
    "premium or shared-cost number without a special_number row: rejected NO_RATE",
    "call, SMS sent or forwarded call at home or in the EU zone to a short number: SHORT",
    "call, SMS sent or forwarded call at home to a Norwegian number: DOMESTIC, draws allowance",
    "call, SMS sent or forwarded call at home to a foreign number: INTL_ + the zone of its"
        + " country",
    "call or SMS sent in the EU zone to a Norwegian number or a number of an EU-zone country:"
        + " DOMESTIC (roam like at home), draws allowance",
    "call or SMS sent in the EU zone to a number of another country: INTL_ + the zone of its"
        + " country",
    "call or SMS received at home or in the EU zone: free",
    "call or SMS received on a WORLD1, WORLD2 or maritime network: ROAM_<zone>_MT",
    "data at home: DOMESTIC, draws allowance",
    "data in the EU zone: DOMESTIC up to the plan's EU data limit, ROAM_EU_DATA beyond it;"
        + " draws allowance up to the limit",
    "data on a WORLD1, WORLD2 or maritime network: ROAM_<zone>_DATA"
  };

  /** The text of row {@code row} of the zone table. */
  public static String rowText(int row) {
    return ROWS[row >= 0 && row < ROWS.length ? row : 0];
  }

  private RatingZone at(int row) {
    return new RatingZone(name, drawsAllowance, euData, noRateDetail, row);
  }

  public static final String FREE = Tariff.FREE_ZONE;
  public static final String SPECIAL = "SPECIAL";
  public static final String SHORT = "SHORT";
  public static final String DOMESTIC = "DOMESTIC";
  public static final String ROAM_FWD = "ROAM_FWD";
  public static final String ROAM_EU_DATA = "ROAM_EU_DATA";
  public static final String FAIR_USE = "FAIR_USE";

  /** A line at no charge (emergency, toll free, calls and SMS received at home or in the EU). */
  public boolean isFree() {
    return FREE.equals(name);
  }

  /** Priced from the {@code special_number} row instead of a {@code rate} row. */
  public boolean isSpecial() {
    return SPECIAL.equals(name);
  }

  public boolean isRejected() {
    return name == null;
  }

  /**
   * Walks the zone table.
   *
   * @param recordType what the record is
   * @param where where the subscriber was
   * @param counterpartClass class of the other party's number; null is taken as {@code UNKNOWN}
   * @param counterpartCountry ISO alpha-2 country of the other party's number, or null
   * @param counterpartZone {@code country_zone.zone} of that country ({@code NO}, {@code EU},
   *     {@code WORLD1}, ...), or null when the country has no row
   * @param hasSpecialNumberRow whether the other party's number matches a {@code special_number}
   *     prefix
   */
  public static RatingZone decide(
      RecordType recordType,
      VisitedZone where,
      NumberClass counterpartClass,
      String counterpartCountry,
      String counterpartZone,
      boolean hasSpecialNumberRow) {
    if (recordType == null || where == null) {
      return noRate("event has no record type or no visited zone");
    }
    NumberClass cls = counterpartClass == null ? NumberClass.UNKNOWN : counterpartClass;
    if (recordType == RecordType.DATA) {
      return dataZone(where);
    }
    boolean outgoing =
        recordType == RecordType.MOC
            || recordType == RecordType.SMS_MO
            || recordType == RecordType.FWD;
    boolean worldZone = !where.isHomeOrEu();
    if (!outgoing) {
      // MTC, SMS_MT: received at home or in the EU zone is free; elsewhere it is priced.
      return worldZone
          ? zone("ROAM_" + where.name() + "_MT", false).at(13)
          : zone(FREE, false).at(12);
    }
    if (cls == NumberClass.EMERGENCY) {
      return zone(FREE, false).at(1);
    }
    if (recordType == RecordType.FWD && !where.isHome()) {
      return zone(ROAM_FWD, false).at(2);
    }
    if (worldZone) {
      return zone("ROAM_" + where.name() + "_MO", false).at(3);
    }
    // From here on: home or EU zone; FWD only at home.
    if (cls == NumberClass.TOLL_FREE) {
      return zone(FREE, false).at(4);
    }
    if (hasSpecialNumberRow) {
      return zone(SPECIAL, false).at(5);
    }
    if (cls == NumberClass.PREMIUM || cls == NumberClass.SHARED_COST) {
      return noRate(cls.name().toLowerCase() + " number without a special_number row").at(6);
    }
    if (cls == NumberClass.SHORT) {
      return zone(SHORT, false).at(7);
    }
    if (counterpartCountry == null) {
      return noRate("counterpart number has no country to rate by");
    }
    // A number of a country that country_zone puts in zone NO (e.g. Svalbard) is Norwegian too.
    boolean norwegian = "NO".equals(counterpartCountry) || "NO".equals(counterpartZone);
    if (where.isHome()) {
      return norwegian
          ? zone(DOMESTIC, true).at(8)
          : international(counterpartCountry, counterpartZone).at(9);
    }
    // Roaming in the EU zone (roam like at home): to Norway and between zone countries.
    if (norwegian || "EU".equals(counterpartZone)) {
      return zone(DOMESTIC, true).at(10);
    }
    return international(counterpartCountry, counterpartZone).at(11);
  }

  private static RatingZone dataZone(VisitedZone where) {
    return switch (where) {
      case HOME -> zone(DOMESTIC, true).at(14);
      case EU -> new RatingZone(DOMESTIC, true, true, null, 15);
      case WORLD1, WORLD2, MARITIME -> zone("ROAM_" + where.name() + "_DATA", false).at(16);
    };
  }

  private static RatingZone international(String country, String countryZone) {
    if (countryZone == null) {
      return noRate("country " + country + " has no country_zone row");
    }
    return zone("INTL_" + countryZone, false);
  }

  private static RatingZone zone(String name, boolean drawsAllowance) {
    return new RatingZone(name, drawsAllowance, false, null);
  }

  private static RatingZone noRate(String detail) {
    return new RatingZone(null, false, false, detail);
  }
}
