package org.cdrflow.domain;

/**
 * Where the subscriber was at the event: at home (no visited network or a Norwegian one), in a
 * roaming zone of {@code country_zone}, or on a maritime/air/satellite network (MCC 901).
 */
public enum VisitedZone {
  HOME,
  EU,
  WORLD1,
  WORLD2,
  MARITIME;

  /** Zone of a visited country from {@code country_zone.zone}; {@code NO} counts as home. */
  public static VisitedZone ofCountryZone(String zone) {
    return "NO".equals(zone) ? HOME : valueOf(zone);
  }

  public boolean isHome() {
    return this == HOME;
  }

  /** Home or the EU/EEA zone, where roam-like-at-home applies (docs/rating.md). */
  public boolean isHomeOrEu() {
    return this == HOME || this == EU;
  }
}
