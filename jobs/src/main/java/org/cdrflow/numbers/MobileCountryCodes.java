package org.cdrflow.numbers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The country of a mobile network from its MCC (ITU-T E.212 mobile country code), for the visited
 * country of a roaming record (docs/numbers.md, "Visited country"; docs/rating.md, "Zones").
 *
 * <p>The MCC → country table is not typed here: it is {@code /mcc/mcc-country.csv}, derived from
 * the maintained public list {@code mcc-mnc-list} (see {@code mcc/README.md} next to it for source,
 * licence and how to refresh it). An MCC shared by several countries maps to the one most of its
 * networks belong to (310–316 → US, 234 → GB, 505 → AU).
 *
 * <p>Immutable and thread-safe; lookups are an array index, no allocation on the hot path.
 */
public final class MobileCountryCodes implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  /** The classpath resource holding the table. */
  public static final String RESOURCE = "/mcc/mcc-country.csv";

  /** Norway: networks under it are home (docs/numbers.md, "Visited country"). */
  public static final int HOME_MCC = 242;

  /**
   * International networks with no country: maritime, air, satellite (docs/numbers.md, "Visited
   * country").
   */
  public static final int INTERNATIONAL_MCC = 901;

  /** The country at home. */
  public static final String HOME_COUNTRY = "NO";

  private static final MobileCountryCodes DEFAULT = load();

  private static final VisitedNetwork HOME_WITHOUT_PLMN =
      new VisitedNetwork(VisitedNetwork.Location.HOME, null, HOME_COUNTRY);
  private static final VisitedNetwork MALFORMED =
      new VisitedNetwork(VisitedNetwork.Location.MALFORMED, null, null);

  /** ISO country by MCC (index 0..999); null = none. */
  private final String[] countryByMcc;

  /** The answer for each MCC, built once so that a lookup allocates nothing. */
  private final VisitedNetwork[] networkByMcc;

  private MobileCountryCodes(String[] countryByMcc) {
    this.countryByMcc = countryByMcc;
    this.networkByMcc = new VisitedNetwork[countryByMcc.length];
    for (int mcc = 0; mcc < countryByMcc.length; mcc++) {
      String mccText = String.format("%03d", mcc);
      VisitedNetwork.Location location;
      String country;
      if (mcc == HOME_MCC) {
        location = VisitedNetwork.Location.HOME;
        country = HOME_COUNTRY;
      } else if (mcc == INTERNATIONAL_MCC) {
        location = VisitedNetwork.Location.INTERNATIONAL;
        country = null;
      } else if (countryByMcc[mcc] != null) {
        location = VisitedNetwork.Location.ROAMING;
        country = countryByMcc[mcc];
      } else {
        location = VisitedNetwork.Location.UNKNOWN_MCC;
        country = null;
      }
      networkByMcc[mcc] = new VisitedNetwork(location, mccText, country);
    }
  }

  /** The table shipped in the jar (loaded once). */
  public static MobileCountryCodes standard() {
    return DEFAULT;
  }

  /**
   * Reads a table in the {@code mcc-country.csv} format: a header line, then {@code mcc,country}
   * rows (three-digit MCC, ISO 3166 alpha-2 country).
   *
   * @throws IllegalArgumentException for a malformed or duplicate row
   */
  public static MobileCountryCodes read(InputStream csv) throws IOException {
    String[] countries = new String[1000];
    BufferedReader reader = new BufferedReader(new InputStreamReader(csv, StandardCharsets.UTF_8));
    String line = reader.readLine(); // header
    int lineNumber = 1;
    while ((line = reader.readLine()) != null) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split(",", -1);
      if (fields.length != 2
          || parseMcc(fields[0].trim()) < 0
          || !fields[1].trim().matches("[A-Z]{2}")) {
        throw new IllegalArgumentException("MCC table line " + lineNumber + " is malformed");
      }
      int mcc = parseMcc(fields[0].trim());
      if (countries[mcc] != null) {
        throw new IllegalArgumentException("MCC table line " + lineNumber + ": duplicate MCC");
      }
      countries[mcc] = fields[1].trim();
    }
    return new MobileCountryCodes(countries);
  }

  private static MobileCountryCodes load() {
    try (InputStream in = MobileCountryCodes.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + RESOURCE);
      }
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /**
   * Classifies a record's visitedPlmn.
   *
   * @param visitedPlmn MCC + MNC, five or six digits ({@code 24201}, {@code 310260}); null or blank
   *     means at home (docs/numbers.md, "Visited country")
   */
  public VisitedNetwork visitedNetwork(String visitedPlmn) {
    if (visitedPlmn == null || visitedPlmn.isBlank()) {
      return HOME_WITHOUT_PLMN;
    }
    String plmn = visitedPlmn.strip();
    if (plmn.length() < 5 || plmn.length() > 6 || !allAsciiDigits(plmn)) {
      return MALFORMED;
    }
    int mcc = (plmn.charAt(0) - '0') * 100 + (plmn.charAt(1) - '0') * 10 + (plmn.charAt(2) - '0');
    return networkByMcc[mcc];
  }

  /**
   * The country the network of a visitedPlmn is in: {@code NO} at home (null, blank or MCC 242),
   * the visited country when roaming; empty for MCC 901, an unknown MCC and a malformed value.
   */
  public Optional<String> countryOf(String visitedPlmn) {
    return Optional.ofNullable(visitedNetwork(visitedPlmn).country());
  }

  /** The country of an MCC (0–999) in the table, if it has one. */
  public Optional<String> countryOfMcc(int mcc) {
    return mcc < 0 || mcc >= countryByMcc.length
        ? Optional.empty()
        : Optional.ofNullable(countryByMcc[mcc]);
  }

  private static int parseMcc(String text) {
    if (text.length() != 3 || !allAsciiDigits(text)) {
      return -1;
    }
    return Integer.parseInt(text);
  }

  private static boolean allAsciiDigits(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
