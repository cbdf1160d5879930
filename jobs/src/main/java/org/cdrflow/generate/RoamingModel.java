package org.cdrflow.generate;

import java.util.ArrayList;
import java.util.List;
import org.cdrflow.numbers.MobileCountryCodes;
import org.cdrflow.numbers.VisitedNetwork;

/**
 * Where a subscriber is when an event happens: at home, or on a trip abroad. Time is cut into
 * {@value #TRIP_DAYS}-day blocks per subscriber; in each block the subscriber is abroad with
 * probability {@link #ABROAD_SHARE} (about 8 % of traffic roams), in one destination for the whole
 * block. The answer is a pure function of (seed, subscriber, time), so it needs no state and the
 * events of one trip agree wherever they fall in the feed.
 *
 * <p>Destinations are mostly the EU zone (Nordic first), some WORLD1/WORLD2, and rarely an MCC 901
 * network (ferries, planes, satellite). Each is kept only if the visited country resolves through
 * the product's MCC table to a country with a {@code country_zone} row, so the traffic never
 * produces a "no zone" reject by accident.
 */
final class RoamingModel {

  static final int TRIP_DAYS = 3;
  static final double ABROAD_SHARE = 0.08;

  private static final long TRIP_MS = TRIP_DAYS * 86_400_000L;

  /**
   * A visited country and the networks a visitor may attach to there.
   *
   * @param country ISO country, null for the MCC 901 international networks
   * @param plmns MCC+MNC of its networks
   * @param weight relative share of trips
   */
  record Destination(String country, String[] plmns, int weight) {}

  private static final List<Destination> CANDIDATES =
      List.of(
          new Destination("SE", new String[] {"24001", "24007", "24008"}, 180),
          new Destination("DK", new String[] {"23801", "23802", "23820"}, 90),
          new Destination("FI", new String[] {"24405", "24491"}, 40),
          new Destination("ES", new String[] {"21401", "21403", "21407"}, 120),
          new Destination("DE", new String[] {"26201", "26202", "26203"}, 70),
          new Destination("FR", new String[] {"20801", "20810"}, 50),
          new Destination("IT", new String[] {"22201", "22210"}, 50),
          new Destination("PL", new String[] {"26001", "26002"}, 50),
          new Destination("GR", new String[] {"20201", "20205"}, 40),
          new Destination("HR", new String[] {"21901", "21910"}, 30),
          new Destination("PT", new String[] {"26801", "26806"}, 30),
          new Destination("GB", new String[] {"23410", "23415", "23420"}, 60),
          new Destination("US", new String[] {"310260", "311480"}, 40),
          new Destination("CH", new String[] {"22801", "22802"}, 20),
          new Destination("TR", new String[] {"28601", "28602"}, 20),
          new Destination("TH", new String[] {"52001", "52003"}, 40),
          new Destination("AE", new String[] {"42402"}, 20),
          new Destination("JP", new String[] {"44010"}, 10),
          new Destination(null, new String[] {"90112", "90114"}, 20));

  private final Destination[] destinations;
  private final int totalWeight;
  private final long salt;

  RoamingModel(BundledReference reference, long seed) {
    MobileCountryCodes mcc = MobileCountryCodes.standard();
    List<Destination> usable = new ArrayList<>();
    for (Destination d : CANDIDATES) {
      if (isUsable(d, reference, mcc)) {
        usable.add(d);
      }
    }
    destinations = usable.toArray(new Destination[0]);
    totalWeight = usable.stream().mapToInt(Destination::weight).sum();
    salt = Mix.mix64(seed ^ 0x526F616D696E67L);
  }

  /** Every candidate's networks resolve to its country, and that country has a zone. */
  static boolean isUsable(Destination d, BundledReference reference, MobileCountryCodes mcc) {
    for (String plmn : d.plmns()) {
      VisitedNetwork v = mcc.visitedNetwork(plmn);
      if (d.country() == null) {
        if (v.location() != VisitedNetwork.Location.INTERNATIONAL) {
          return false;
        }
      } else if (v.location() != VisitedNetwork.Location.ROAMING
          || !d.country().equals(v.country())
          || !reference.countryZones.containsKey(d.country())) {
        return false;
      }
    }
    return true;
  }

  static List<Destination> candidates() {
    return CANDIDATES;
  }

  /** Where subscriber {@code subscriber} is at {@code eventMillis}; null at home. */
  Destination destination(int subscriber, long eventMillis) {
    if (totalWeight == 0) {
      return null;
    }
    long trip = Math.floorDiv(eventMillis, TRIP_MS);
    long h = Mix.of(salt, subscriber, trip);
    if (Long.remainderUnsigned(h, 1_000_000L) >= (long) (ABROAD_SHARE * 1_000_000L)) {
      return null;
    }
    long w = Long.remainderUnsigned(Mix.mix64(h), totalWeight);
    for (Destination d : destinations) {
      w -= d.weight();
      if (w < 0) {
        return d;
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** The network the subscriber is attached to for one event of a trip. */
  static String plmnFor(Destination d, Draws draws) {
    // Mostly the preferred partner network, sometimes another one (coverage, steering).
    return draws.chance(0.8) ? d.plmns()[0] : draws.pick(d.plmns());
  }
}
