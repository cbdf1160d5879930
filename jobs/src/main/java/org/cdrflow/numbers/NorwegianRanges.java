package org.cdrflow.numbers;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * The class and country of a Norwegian 8-digit national number by its first five digits. Norway's
 * numbering plan (as libphonenumber holds it) decides a number's kind by at most its first five
 * digits (mobile 4/9, fixed 2/3/5/6/7, 800/801 freephone, 810 00–06 shared cost, 810 07–19 and 815
 * UAN, 820/829 premium, 79 Svalbard, ...), so each five-digit range is asked of libphonenumber
 * once, the first time a number of it is seen, and every further number of the range is a table
 * read instead of libphonenumber's pattern matching (2–5 µs). {@code NorwegianRangesTest} checks
 * the table against libphonenumber on numbers of every range (docs/numbers.md, "Classes").
 */
final class NorwegianRanges {
  private static final int PREFIX_DIGITS = 5;
  private static final int RANGES = 100_000;
  private static final long PREFIX_DIVISOR = 1_000L;

  private static final PhoneNumberUtil PHONE_UTIL = PhoneNumberUtil.getInstance();

  /**
   * The facts of a range, filled on first use. Entries are immutable, so a racy read sees null (and
   * classifies again, with the same result) or a complete entry; no locks.
   */
  private static final RangeFacts[] FACTS = new RangeFacts[RANGES];

  private record RangeFacts(NumberClass numberClass, String country) {}

  private NorwegianRanges() {}

  /**
   * The normalised form of {@code +47} followed by {@code national}, 8 digits not starting with 0.
   *
   * @param e164 {@code "+47"} and the 8 digits
   */
  static NormalisedNumber classify(String e164, long national) {
    int range = (int) (national / PREFIX_DIVISOR);
    RangeFacts facts = FACTS[range];
    if (facts == null) {
      facts = ask(range);
      FACTS[range] = facts;
    }
    return new NormalisedNumber(
        e164, facts.numberClass(), facts.country(), NormalisedNumber.NORWAY_CALLING_CODE, null);
  }

  /** libphonenumber's answer for the range's first number. */
  private static RangeFacts ask(int range) {
    PhoneNumber first =
        new PhoneNumber()
            .setCountryCode(NormalisedNumber.NORWAY_CALLING_CODE)
            .setNationalNumber(range * PREFIX_DIVISOR);
    NumberClass numberClass = NumberNormaliser.classOf(PHONE_UTIL.getNumberType(first));
    String region =
        numberClass == NumberClass.UNKNOWN
            ? PHONE_UTIL.getRegionCodeForCountryCode(NormalisedNumber.NORWAY_CALLING_CODE)
            : PHONE_UTIL.getRegionCodeForNumber(first);
    return new RangeFacts(numberClass, region);
  }

  static int prefixDigits() {
    return PREFIX_DIGITS;
  }
}
