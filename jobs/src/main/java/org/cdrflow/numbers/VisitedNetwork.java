package org.cdrflow.numbers;

/**
 * Where a subscriber was, read from a record's {@code visitedPlmn} (MCC + MNC) by {@link
 * MobileCountryCodes#visitedNetwork(String)}.
 *
 * @param location what kind of place the PLMN says
 * @param mcc the three-digit mobile country code; null when there is no (well-formed) PLMN
 * @param country ISO 3166 alpha-2 country of the network: {@code NO} at home, the visited country
 *     when roaming; null otherwise
 */
public record VisitedNetwork(Location location, String mcc, String country) {

  /** What a visitedPlmn says about where the subscriber was. */
  public enum Location {
    /** visitedPlmn null or blank, or a Norwegian network (MCC 242). */
    HOME,
    /** A network of another country, which {@link VisitedNetwork#country()} names. */
    ROAMING,
    /**
     * MCC 901: international networks with no country (maritime, air, satellite; rating zone
     * MARITIME).
     */
    INTERNATIONAL,
    /** Five or six digits, but an MCC that the MCC table has no country for. */
    UNKNOWN_MCC,
    /** Not five or six digits: not a PLMN. */
    MALFORMED
  }

  /** True at home: no roaming rating, no roaming country. */
  public boolean isHome() {
    return location == Location.HOME;
  }

  /** True when abroad in a country ({@link #country()} is set and is not Norway). */
  public boolean isRoaming() {
    return location == Location.ROAMING;
  }
}
