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
public record RatingZone(String name, boolean drawsAllowance, boolean euData, String noRateDetail) {

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
      return worldZone ? zone("ROAM_" + where.name() + "_MT", false) : zone(FREE, false);
    }
    if (cls == NumberClass.EMERGENCY) {
      return zone(FREE, false);
    }
    if (recordType == RecordType.FWD && !where.isHome()) {
      return zone(ROAM_FWD, false);
    }
    if (worldZone) {
      return zone("ROAM_" + where.name() + "_MO", false);
    }
    // From here on: home or EU zone; FWD only at home.
    if (cls == NumberClass.TOLL_FREE) {
      return zone(FREE, false);
    }
    if (hasSpecialNumberRow) {
      return zone(SPECIAL, false);
    }
    if (cls == NumberClass.PREMIUM || cls == NumberClass.SHARED_COST) {
      return noRate(cls.name().toLowerCase() + " number without a special_number row");
    }
    if (cls == NumberClass.SHORT) {
      return zone(SHORT, false);
    }
    if (counterpartCountry == null) {
      return noRate("counterpart number has no country to rate by");
    }
    // A number of a country that country_zone puts in zone NO (e.g. Svalbard) is Norwegian too.
    boolean norwegian = "NO".equals(counterpartCountry) || "NO".equals(counterpartZone);
    if (where.isHome()) {
      return norwegian ? zone(DOMESTIC, true) : international(counterpartCountry, counterpartZone);
    }
    // Roaming in the EU zone (roam like at home): to Norway and between zone countries.
    if (norwegian || "EU".equals(counterpartZone)) {
      return zone(DOMESTIC, true);
    }
    return international(counterpartCountry, counterpartZone);
  }

  private static RatingZone dataZone(VisitedZone where) {
    return switch (where) {
      case HOME -> zone(DOMESTIC, true);
      case EU -> new RatingZone(DOMESTIC, true, true, null);
      case WORLD1, WORLD2, MARITIME -> zone("ROAM_" + where.name() + "_DATA", false);
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
