package org.cdrflow.numbers;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.ShortNumberInfo;
import java.io.Serial;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.Map;

/**
 * Normalises raw CDR numbers to E.164 and classifies them (docs/numbers.md), with Google
 * libphonenumber and Norway as the default region.
 *
 * <p>Accepted raw forms: {@code +4791234567}, {@code 004791234567}, {@code 4791234567} (country
 * code without +), {@code 91234567}, with spaces, dashes, dots, slashes and parentheses anywhere.
 * Digits-only input is read as Norwegian first; when that is not a valid number and the digits with
 * a {@code +} in front are, they are read as a country code without the {@code +} ({@code
 * 46701234567} → {@code +46701234567}), except for 8 digits, the length of a Norwegian national
 * number: those stay Norwegian (an unallocated {@code 49301234} would otherwise become a Berlin
 * number, +49 30 1234).
 *
 * <p>3 to 6 digits without a leading {@code +}, {@code 00} or {@code 0} are a {@link
 * NumberClass#SHORT} number, or {@link NumberClass#EMERGENCY} when libphonenumber's Norwegian
 * short-number data says so; both are kept as dialled, without a country code.
 *
 * <p>Thread-safe, meant to be shared: it runs for every number of every record. libphonenumber
 * parsing and type matching are regex work of a few microseconds a number, so results are kept in a
 * small lock-free cache keyed by the raw string (served numbers repeat a lot). Nothing here throws
 * for bad input; the only exceptions caught are libphonenumber's for the rare input that passes the
 * character checks and still does not parse.
 */
public final class NumberNormaliser implements Serializable {

  @Serial private static final long serialVersionUID = 1L;

  /** Region for numbers dialled without a country code. */
  public static final String DEFAULT_REGION = "NO";

  /**
   * Entries in the result cache of {@link #NumberNormaliser()}: enough for the served and dialled
   * numbers of a few hundred thousand subscribers, about 180 bytes each when full (a 1 MB array up
   * front). A miss costs about 35 times a hit; with 16,384 entries, a feed of 100,000 subscribers
   * spent 15 % of the job's JVM samples in libphonenumber, with this size 9 % (docs/benchmarks.md).
   */
  public static final int DEFAULT_CACHE_SIZE = 1 << 18;

  /** E.164 allows at most 15 digits, country code included. */
  static final int MAX_DIGITS = 15;

  /** A Norwegian national significant number has 8 digits (apart from the 0xxxx numbers). */
  private static final int NORWEGIAN_NATIONAL_LENGTH = 8;

  private static final int SHORT_MIN_DIGITS = 3;
  private static final int SHORT_MAX_DIGITS = 6;

  private static final PhoneNumberUtil PHONE_UTIL = PhoneNumberUtil.getInstance();
  private static final ShortNumberInfo SHORT_INFO = ShortNumberInfo.getInstance();

  private static final Map<BadNumberReason, NormalisedNumber> BAD =
      new EnumMap<>(BadNumberReason.class);

  static {
    for (BadNumberReason reason : BadNumberReason.values()) {
      BAD.put(reason, NormalisedNumber.bad(reason));
    }
  }

  /**
   * Entries in the cache of {@link #shared()}: the two default caches of a TaskManager with two
   * slots, in one (about 94 MB when full, whatever the number of slots).
   */
  static final int SHARED_CACHE_SIZE = 1 << 19;

  private final int cacheSize;

  /**
   * Direct-mapped cache, raw string → result. Entries are immutable (final fields), so a racy read
   * sees either null, an older entry or a complete new one; a collision just overwrites. No locks,
   * bounded memory.
   */
  private final transient CacheEntry[] cache;

  /** A normaliser with a cache of {@value #DEFAULT_CACHE_SIZE} entries. */
  public NumberNormaliser() {
    this(DEFAULT_CACHE_SIZE);
  }

  /**
   * @param cacheSize entries in the result cache, rounded up to a power of two; 0 for no cache
   */
  public NumberNormaliser(int cacheSize) {
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cacheSize must be >= 0");
    }
    this.cacheSize = cacheSize;
    this.cache =
        cacheSize == 0
            ? null
            : new CacheEntry[Integer.highestOneBit(Math.max(1, cacheSize - 1)) << 1];
  }

  /**
   * The normaliser every mediation in this JVM uses. Every subtask sees every number (the feed is
   * partitioned by call, not by subscriber), so one cache shared by the slots of a TaskManager pays
   * libphonenumber once per number instead of once per slot (docs/benchmarks.md, "Optimisations").
   */
  public static NumberNormaliser shared() {
    return Shared.INSTANCE;
  }

  /**
   * Normalises and classifies one raw number.
   *
   * @param raw the number as the network recorded it; null or blank gives {@link
   *     BadNumberReason#EMPTY} (whether the field is required is the caller's decision)
   * @return never null; {@link NormalisedNumber#isBad()} when the value is not a number at all
   */
  public NormalisedNumber normalise(String raw) {
    if (raw == null) {
      return BAD.get(BadNumberReason.EMPTY);
    }
    NormalisedNumber plain = plainNorwegian(raw);
    if (plain != null) {
      return plain;
    }
    CacheEntry[] entries = cache;
    if (entries == null) {
      return compute(raw);
    }
    int h = raw.hashCode();
    int slot = (h ^ (h >>> 16)) & (entries.length - 1);
    CacheEntry entry = entries[slot];
    if (entry != null && entry.raw.equals(raw)) {
      return entry.result;
    }
    NormalisedNumber result = compute(raw);
    entries[slot] = new CacheEntry(raw, result);
    return result;
  }

  /**
   * The E.164 form of a raw number, as {@link #normalise} gives it, or null when the value is not a
   * number at all; for callers that need the number and not its class (partner reconciliation,
   * docs/reconciliation.md; mediation's served number, docs/mediation.md). The three plain
   * Norwegian forms, 8 ASCII digits not starting with 0, and {@code +47} or {@code 0047} followed
   * by such 8 digits, skip the cache and libphonenumber's classification: their E.164 form is only
   * the digits with {@code +47} in front (see {@link #norwegianFastPath}), never bad. The tests
   * check that the result equals {@code normalise(raw).number()}.
   */
  public String e164(String raw) {
    if (raw != null) {
      int len = raw.length();
      if (len == NORWEGIAN_NATIONAL_LENGTH && plainNationalDigits(raw, 0)) {
        return "+47".concat(raw);
      }
      if (len == NORWEGIAN_NATIONAL_LENGTH + 3
          && raw.startsWith("+47")
          && plainNationalDigits(raw, 3)) {
        return raw;
      }
      if (len == NORWEGIAN_NATIONAL_LENGTH + 4
          && raw.startsWith("0047")
          && plainNationalDigits(raw, 4)) {
        return "+".concat(raw.substring(2));
      }
    }
    NormalisedNumber n = normalise(raw);
    return n.isBad() ? null : n.number();
  }

  /**
   * The three plain forms of a Norwegian number (see {@link #e164}), classified by their range
   * without the cache or libphonenumber's pattern matching ({@link NorwegianRanges}); null for any
   * other form.
   */
  private static NormalisedNumber plainNorwegian(String raw) {
    int len = raw.length();
    String e164;
    int start;
    if (len == NORWEGIAN_NATIONAL_LENGTH && plainNationalDigits(raw, 0)) {
      e164 = "+47".concat(raw);
      start = 0;
    } else if (len == NORWEGIAN_NATIONAL_LENGTH + 3
        && raw.startsWith("+47")
        && plainNationalDigits(raw, 3)) {
      e164 = raw;
      start = 3;
    } else if (len == NORWEGIAN_NATIONAL_LENGTH + 4
        && raw.startsWith("0047")
        && plainNationalDigits(raw, 4)) {
      e164 = "+".concat(raw.substring(2));
      start = 4;
    } else {
      return null;
    }
    return NorwegianRanges.classify(e164, Long.parseLong(raw, start, len, 10));
  }

  /** The result without the range table or the cache: libphonenumber's, for the tests. */
  static NormalisedNumber byLibphonenumber(String raw) {
    return raw == null ? BAD.get(BadNumberReason.EMPTY) : compute(raw);
  }

  /** True when raw from {@code start} to its end is ASCII digits, the first not 0. */
  private static boolean plainNationalDigits(String raw, int start) {
    char first = raw.charAt(start);
    if (first < '1' || first > '9') {
      return false;
    }
    for (int i = start + 1; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static NormalisedNumber compute(String raw) {
    // One pass over the characters: collect the digits (one more than E.164 allows is enough to
    // know it is too long), accept a leading '+' and formatting characters, refuse the rest.
    // libphonenumber alone would be too lenient here: it turns letters into digits (vanity
    // numbers) and cuts off extensions.
    char[] digits = new char[MAX_DIGITS + 3];
    int count = 0;
    boolean plus = false;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      int digit = c >= '0' && c <= '9' ? c - '0' : c < 128 ? -1 : Character.digit(c, 10);
      if (digit >= 0) {
        if (count < digits.length) {
          digits[count] = (char) ('0' + digit);
        }
        count++;
      } else if (c == '+') {
        if (plus || count > 0) {
          return BAD.get(BadNumberReason.MISPLACED_PLUS);
        }
        plus = true;
      } else if (Character.isLetter(c)) {
        return BAD.get(BadNumberReason.LETTERS);
      } else if (!isSeparator(c)) {
        return BAD.get(BadNumberReason.ILLEGAL_CHARACTERS);
      }
    }
    if (count == 0) {
      return BAD.get(plus || !raw.isBlank() ? BadNumberReason.NO_DIGITS : BadNumberReason.EMPTY);
    }

    boolean idd = !plus && count >= 2 && digits[0] == '0' && digits[1] == '0';
    int start = idd ? 2 : 0;
    int length = count - start;
    if (length > MAX_DIGITS) {
      return BAD.get(BadNumberReason.TOO_LONG);
    }
    if (length < 2) {
      return BAD.get(BadNumberReason.TOO_SHORT);
    }
    String number = new String(digits, start, length);

    if (plus || idd) {
      return parse("+" + number);
    }
    boolean trunkPrefix = digits[0] == '0';
    if (!trunkPrefix && length >= SHORT_MIN_DIGITS && length <= SHORT_MAX_DIGITS) {
      NumberClass numberClass =
          SHORT_INFO.isEmergencyNumber(number, DEFAULT_REGION)
              ? NumberClass.EMERGENCY
              : NumberClass.SHORT;
      return new NormalisedNumber(number, numberClass, null, 0, null);
    }
    NormalisedNumber national = parse(number);
    if (trunkPrefix
        || length == NORWEGIAN_NATIONAL_LENGTH
        || (!national.isBad() && national.numberClass() != NumberClass.UNKNOWN)) {
      return national;
    }
    // Maybe a country code written without '+' (4591234567). Taken when that gives a valid
    // number, or when the Norwegian reading does not parse at all (15 digits plus +47 is too long
    // for E.164); otherwise an invalid Norwegian guess is as good as an invalid foreign one.
    NormalisedNumber international = parse("+" + number);
    if (international.isBad()) {
      return national;
    }
    return national.isBad() || international.numberClass() != NumberClass.UNKNOWN
        ? international
        : national;
  }

  /** Parses a cleaned string (digits, with or without a leading '+') and classifies it. */
  private static NormalisedNumber parse(String cleaned) {
    PhoneNumber parsed = norwegianFastPath(cleaned);
    if (parsed == null) {
      try {
        parsed = PHONE_UTIL.parse(cleaned, DEFAULT_REGION);
      } catch (NumberParseException e) {
        // The message of e names no digits, but the reason is ours anyway: a fixed text.
        return BAD.get(reasonOf(e.getErrorType()));
      }
    }
    int callingCode = parsed.getCountryCode();
    String e164 = PHONE_UTIL.format(parsed, PhoneNumberFormat.E164);
    if (e164.length() - 1 > MAX_DIGITS) {
      return BAD.get(BadNumberReason.TOO_LONG);
    }
    // Valid exactly when the type is not UNKNOWN (libphonenumber's isValidNumber does the same
    // matching), so one call gives both.
    NumberClass numberClass = classOf(PHONE_UTIL.getNumberType(parsed));
    String region =
        numberClass == NumberClass.UNKNOWN
            // Not valid anywhere: the country code's main country (+47 → NO), which is what
            // "the country of the number" can mean for a range libphonenumber does not know.
            ? PHONE_UTIL.getRegionCodeForCountryCode(callingCode)
            // Valid: the region it is valid in (+4779… → SJ, +447911… → GG).
            : PHONE_UTIL.getRegionCodeForNumber(parsed);
    return new NormalisedNumber(e164, numberClass, isoCountry(region), callingCode, null);
  }

  /**
   * Most numbers in a Norwegian operator's records are +47 plus 8 digits. For those, parsing is
   * only splitting the string (Norway has no national prefix to strip and no leading-zero numbers
   * of 8 digits), and libphonenumber's general parse (regex extraction, extension stripping) costs
   * more than the classification itself; so they skip it. The tests check that the result equals
   * libphonenumber's parse.
   *
   * @return the number, or null when it is not of that plain form
   */
  private static PhoneNumber norwegianFastPath(String cleaned) {
    int start;
    if (cleaned.length() == NORWEGIAN_NATIONAL_LENGTH + 3 && cleaned.startsWith("+47")) {
      start = 3;
    } else if (cleaned.length() == NORWEGIAN_NATIONAL_LENGTH && cleaned.charAt(0) != '+') {
      start = 0;
    } else {
      return null;
    }
    if (cleaned.charAt(start) == '0') {
      return null;
    }
    return new PhoneNumber()
        .setCountryCode(NormalisedNumber.NORWAY_CALLING_CODE)
        .setNationalNumber(Long.parseLong(cleaned, start, cleaned.length(), 10));
  }

  static NumberClass classOf(PhoneNumberType type) {
    switch (type) {
      case MOBILE:
        return NumberClass.MOBILE;
      case FIXED_LINE:
      case FIXED_LINE_OR_MOBILE:
        return NumberClass.FIXED;
      case TOLL_FREE:
        return NumberClass.TOLL_FREE;
      case PREMIUM_RATE:
        return NumberClass.PREMIUM;
      case SHARED_COST:
      case UAN:
        return NumberClass.SHARED_COST;
      case VOIP:
      case PERSONAL_NUMBER:
      case PAGER:
      case VOICEMAIL:
        return NumberClass.OTHER;
      case UNKNOWN:
      default:
        return NumberClass.UNKNOWN;
    }
  }

  /**
   * libphonenumber's region code as an ISO 3166 alpha-2 code: "001" (non-geographic) and "ZZ" are
   * none.
   */
  private static String isoCountry(String region) {
    if (region == null
        || region.length() != 2
        || PhoneNumberUtil.REGION_CODE_FOR_NON_GEO_ENTITY.equals(region)
        || "ZZ".equals(region)) {
      return null;
    }
    return region;
  }

  private static BadNumberReason reasonOf(NumberParseException.ErrorType type) {
    switch (type) {
      case INVALID_COUNTRY_CODE:
        return BadNumberReason.UNKNOWN_COUNTRY_CODE;
      case TOO_SHORT_AFTER_IDD:
      case TOO_SHORT_NSN:
        return BadNumberReason.TOO_SHORT;
      case TOO_LONG:
        return BadNumberReason.TOO_LONG;
      case NOT_A_NUMBER:
      default:
        return BadNumberReason.NOT_A_NUMBER;
    }
  }

  private static boolean isSeparator(char c) {
    return c == '-'
        || c == '.'
        || c == '/'
        || c == '('
        || c == ')'
        || Character.isWhitespace(c)
        || Character.isSpaceChar(c);
  }

  /** The cache is not state worth shipping: a deserialised normaliser starts with an empty one. */
  @Serial
  private Object readResolve() {
    return new NumberNormaliser(cacheSize);
  }

  private static final class CacheEntry {
    final String raw;
    final NormalisedNumber result;

    CacheEntry(String raw, NormalisedNumber result) {
      this.raw = raw;
      this.result = result;
    }
  }

  /** Created on first use of {@link #shared()} (class initialisation is lazy and thread-safe). */
  private static final class Shared {
    static final NumberNormaliser INSTANCE = new NumberNormaliser(SHARED_CACHE_SIZE);
  }
}
