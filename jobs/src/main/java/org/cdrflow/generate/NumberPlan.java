package org.cdrflow.generate;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cdrflow.numbers.NormalisedNumber;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.numbers.NumberNormaliser;

/**
 * The numbers generated traffic uses, every one checked with the product's own {@link
 * NumberNormaliser} when the plan is built, so that the feed contains no number that mediation
 * would classify differently from what the generator intended (docs/numbers.md): our subscribers in
 * the home operator's mobile ranges, other Norwegian operators' mobile and fixed numbers (so that
 * interconnect settlement happens), foreign numbers of countries that have a zone and a transit
 * route, toll-free numbers, premium numbers that have a {@code special_number} row, short numbers
 * and emergency numbers.
 *
 * <p>Norwegian numbers are drawn at random and kept when the normaliser and {@code number_range}
 * agree they are what is wanted; foreign numbers are libphonenumber's example numbers with their
 * last digits varied. Pools are small and fixed in size, as real traffic keeps returning to the
 * same contacts; only the subscriber list grows with the settings.
 */
final class NumberPlan {

  /** Weights of the foreign countries people here call (Nordic first), filtered by reference. */
  private static final Map<String, Integer> FOREIGN_COUNTRIES = new LinkedHashMap<>();

  static {
    FOREIGN_COUNTRIES.put("SE", 20);
    FOREIGN_COUNTRIES.put("DK", 14);
    FOREIGN_COUNTRIES.put("FI", 6);
    FOREIGN_COUNTRIES.put("DE", 10);
    FOREIGN_COUNTRIES.put("PL", 10);
    FOREIGN_COUNTRIES.put("ES", 7);
    FOREIGN_COUNTRIES.put("GB", 10);
    FOREIGN_COUNTRIES.put("US", 8);
    FOREIGN_COUNTRIES.put("TH", 4);
    FOREIGN_COUNTRIES.put("IN", 5);
    FOREIGN_COUNTRIES.put("AE", 2);
  }

  private static final String[] SHORT_CANDIDATES = {
    "1881", "1880", "1850", "1860", "2222", "2160", "2377", "1412", "4141"
  };
  private static final String[] EMERGENCY_CANDIDATES = {"112", "113", "110"};

  /** Norwegian national numbers have 8 digits; "+47" plus 8 is 11 characters. */
  private static final int NORWEGIAN_E164_LENGTH = 11;

  private static final int OFF_NET_MOBILE_PER_OPERATOR = 1500;
  private static final int FIXED_PER_OPERATOR = 600;
  private static final int OFF_NET_CANDIDATES = 40_000;
  private static final int FOREIGN_MOBILE_PER_COUNTRY = 30;
  private static final int FOREIGN_FIXED_PER_COUNTRY = 10;

  private final NumberNormaliser normaliser = new NumberNormaliser(0);
  private final BundledReference reference;
  private final String homeOperator;

  final Party[] offNetMobile;
  final Party[] fixed;
  final Party[] tollFree;
  final Party[] premium;
  final Party[] shortNumbers;
  final Party[] emergency;

  /** Per foreign country (in {@link #foreignCountries} order) its numbers. */
  final Party[][] foreign;

  final String[] foreignCountries;
  private final int[] foreignWeights;
  private final int foreignWeightTotal;

  NumberPlan(BundledReference reference, String homeOperator, Draws draws) {
    this.reference = reference;
    this.homeOperator = homeOperator;

    Map<String, List<Party>> mobileByOperator = new LinkedHashMap<>();
    Map<String, List<Party>> fixedByOperator = new LinkedHashMap<>();
    for (int i = 0; i < OFF_NET_CANDIDATES; i++) {
      String e164 = "+47" + draws.between(20, 99) + draws.digits(6);
      NormalisedNumber n = normaliser.normalise(e164);
      String operator = reference.operatorOf(e164);
      if (operator == null
          || operator.equals(homeOperator)
          || reference.portedNumbers.contains(e164)
          || !e164.equals(n.number())) {
        continue;
      }
      if (n.numberClass() == NumberClass.MOBILE) {
        add(mobileByOperator, operator, OFF_NET_MOBILE_PER_OPERATOR, norwegian(n, operator));
      } else if (n.numberClass() == NumberClass.FIXED) {
        add(fixedByOperator, operator, FIXED_PER_OPERATOR, norwegian(n, operator));
      }
    }
    offNetMobile = flatten(mobileByOperator);
    fixed = flatten(fixedByOperator);

    tollFree = norwegianOfClass(List.of("+47800", "+47801"), NumberClass.TOLL_FREE, 10, draws);
    List<String> premiumPrefixes = new ArrayList<>();
    for (String prefix : reference.specialPrefixes) {
      if (prefix.startsWith("+47") && prefix.length() < NORWEGIAN_E164_LENGTH) {
        premiumPrefixes.add(prefix);
      }
    }
    premium = norwegianOfClass(premiumPrefixes, NumberClass.PREMIUM, 8, draws);
    shortNumbers = dialledAsIs(SHORT_CANDIDATES, NumberClass.SHORT);
    emergency = dialledAsIs(EMERGENCY_CANDIDATES, NumberClass.EMERGENCY);

    List<String> countries = new ArrayList<>();
    List<Party[]> pools = new ArrayList<>();
    List<Integer> weights = new ArrayList<>();
    for (Map.Entry<String, Integer> c : FOREIGN_COUNTRIES.entrySet()) {
      String country = c.getKey();
      if (!reference.countryZones.containsKey(country)
          || !reference.transitCountries.contains(country)) {
        continue;
      }
      Party[] pool = foreignNumbers(country, draws);
      if (pool.length > 0) {
        countries.add(country);
        pools.add(pool);
        weights.add(c.getValue());
      }
    }
    foreignCountries = countries.toArray(new String[0]);
    foreign = pools.toArray(new Party[0][]);
    foreignWeights = weights.stream().mapToInt(Integer::intValue).toArray();
    foreignWeightTotal = weights.stream().mapToInt(Integer::intValue).sum();
  }

  /** A foreign number, countries weighted by how often people here call them; null if none. */
  Party foreignNumber(Draws draws) {
    if (foreignWeightTotal == 0) {
      return null;
    }
    int w = draws.below(foreignWeightTotal);
    for (int i = 0; i < foreignWeights.length; i++) {
      w -= foreignWeights[i];
      if (w < 0) {
        return draws.pick(foreign[i]);
      }
    }
    throw new IllegalStateException("unreachable");
  }

  /** A number of {@code country}, or null when the plan has none. */
  Party numberIn(String country, Draws draws) {
    for (int i = 0; i < foreignCountries.length; i++) {
      if (foreignCountries[i].equals(country)) {
        return draws.pick(foreign[i]);
      }
    }
    return null;
  }

  /**
   * {@code count} numbers of the home operator's mobile ranges, none of them ported and none in
   * {@code exclude}; they are added to {@code exclude}.
   *
   * @throws IllegalArgumentException when the home operator has no (or too few) mobile numbers
   */
  String[] homeMobileNumbers(int count, Set<String> exclude, Draws draws) {
    String[] out = new String[count];
    long attempts = 0;
    long maxAttempts = 200L * count + 100_000L;
    int found = 0;
    while (found < count) {
      if (++attempts > maxAttempts) {
        throw new IllegalArgumentException(
            "number_range.csv gives operator "
                + homeOperator
                + " too few valid mobile numbers for "
                + count
                + " subscribers");
      }
      int lead = draws.chance(0.5) ? draws.between(40, 49) : draws.between(90, 99);
      String e164 = "+47" + lead + draws.digits(6);
      if (exclude.contains(e164)
          || reference.portedNumbers.contains(e164)
          || !homeOperator.equals(reference.operatorOf(e164))) {
        continue;
      }
      NormalisedNumber n = normaliser.normalise(e164);
      if (n.numberClass() != NumberClass.MOBILE || !e164.equals(n.number())) {
        continue;
      }
      exclude.add(e164);
      out[found++] = e164;
    }
    return out;
  }

  /**
   * A raw form of a Norwegian E.164 number as elements record it: {@code +47…}, {@code 47…}, {@code
   * 0047…} or the 8 national digits. Each normalises back to the same number (the tests check that
   * every generated number does).
   */
  static String norwegianForm(String e164, Draws draws) {
    double u = draws.uniform();
    if (u < 0.45) {
      return e164;
    }
    if (u < 0.65) {
      return e164.substring(1);
    }
    if (u < 0.75) {
      return "00" + e164.substring(1);
    }
    return e164.substring(3);
  }

  /** One of the party's raw forms, the first (its commonest) most often. */
  static String formOf(Party p, Draws draws) {
    if (p.forms().length == 1 || draws.chance(0.6)) {
      return p.forms()[0];
    }
    return p.forms()[draws.below(p.forms().length)];
  }

  private static Party norwegian(NormalisedNumber n, String operator) {
    String e164 = n.number();
    return new Party(
        e164,
        new String[] {e164, e164.substring(1), "00" + e164.substring(1), e164.substring(3)},
        n.numberClass(),
        "NO",
        operator,
        false);
  }

  private Party[] norwegianOfClass(
      List<String> prefixes, NumberClass wanted, int perPrefix, Draws draws) {
    List<Party> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String prefix : prefixes) {
      int kept = 0;
      for (int attempt = 0; attempt < perPrefix * 20 && kept < perPrefix; attempt++) {
        String e164 = prefix + draws.digits(NORWEGIAN_E164_LENGTH - prefix.length());
        NormalisedNumber n = normaliser.normalise(e164);
        if (n.numberClass() == wanted && e164.equals(n.number()) && seen.add(e164)) {
          out.add(norwegian(n, reference.operatorOf(e164)));
          kept++;
        }
      }
    }
    return out.toArray(new Party[0]);
  }

  private Party[] dialledAsIs(String[] candidates, NumberClass wanted) {
    List<Party> out = new ArrayList<>();
    for (String digits : candidates) {
      NormalisedNumber n = normaliser.normalise(digits);
      if (n.numberClass() == wanted && digits.equals(n.number())) {
        out.add(new Party(digits, new String[] {digits}, wanted, null, null, false));
      }
    }
    return out.toArray(new Party[0]);
  }

  Party[] foreignNumbers(String country, Draws draws) {
    PhoneNumberUtil util = PhoneNumberUtil.getInstance();
    List<Party> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    addVariants(
        util.getExampleNumberForType(country, PhoneNumberType.MOBILE),
        country,
        FOREIGN_MOBILE_PER_COUNTRY,
        draws,
        seen,
        out);
    addVariants(
        util.getExampleNumberForType(country, PhoneNumberType.FIXED_LINE),
        country,
        FOREIGN_FIXED_PER_COUNTRY,
        draws,
        seen,
        out);
    return out.toArray(new Party[0]);
  }

  /** Varies the last four digits of an example number and keeps the valid results. */
  private void addVariants(
      PhoneNumber example,
      String country,
      int wanted,
      Draws draws,
      Set<String> seen,
      List<Party> out) {
    if (example == null) {
      return;
    }
    String e164 = PhoneNumberUtil.getInstance().format(example, PhoneNumberFormat.E164);
    String head = e164.substring(0, e164.length() - 4);
    int kept = 0;
    for (int attempt = 0; attempt < wanted * 20 && kept < wanted; attempt++) {
      String candidate = head + draws.digits(4);
      NormalisedNumber n = normaliser.normalise(candidate);
      boolean usable =
          (n.numberClass() == NumberClass.MOBILE || n.numberClass() == NumberClass.FIXED)
              && candidate.equals(n.number())
              && country.equals(n.country());
      if (!usable || !seen.add(candidate)) {
        continue;
      }
      String digitsWithCountryCode = candidate.substring(1);
      List<String> forms = new ArrayList<>();
      forms.add(candidate);
      for (String form : new String[] {"00" + digitsWithCountryCode, digitsWithCountryCode}) {
        if (candidate.equals(normaliser.normalise(form).number())) {
          forms.add(form);
        }
      }
      out.add(
          new Party(
              candidate, forms.toArray(new String[0]), n.numberClass(), country, null, false));
      kept++;
    }
  }

  private static void add(Map<String, List<Party>> pools, String key, int cap, Party p) {
    List<Party> pool = pools.computeIfAbsent(key, k -> new ArrayList<>());
    if (pool.size() < cap) {
      pool.add(p);
    }
  }

  private static Party[] flatten(Map<String, List<Party>> pools) {
    List<Party> all = new ArrayList<>();
    pools.values().forEach(all::addAll);
    return all.toArray(new Party[0]);
  }
}
