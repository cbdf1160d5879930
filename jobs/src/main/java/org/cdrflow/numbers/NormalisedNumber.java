package org.cdrflow.numbers;

import java.util.Objects;

/**
 * The result of {@link NumberNormaliser#normalise(String)}: either a usable number or, when the raw
 * value could not be parsed at all, a {@link BadNumberReason} (reject reason {@code BAD_NUMBER}).
 *
 * @param number E.164 ({@code +4791234567}) for numbers with a country code, including {@link
 *     NumberClass#UNKNOWN} ones; the dialled digits ({@code 112}) for {@link NumberClass#SHORT} and
 *     {@link NumberClass#EMERGENCY}; null when bad
 * @param numberClass the class; null when bad
 * @param country ISO 3166 alpha-2 country of the number ({@code NO}, {@code SJ} for Svalbard,
 *     {@code GG} for Guernsey mobiles); for an UNKNOWN number the main country of its calling code;
 *     null for short and emergency numbers, for non-geographic calling codes (+800, +870, +881,
 *     +882, +883, +888, +979: satellite, international freephone and networks) and when bad
 * @param callingCode the E.164 country calling code ({@code 47}); 0 for short and emergency numbers
 *     and when bad
 * @param badReason why the raw value is not a number; null when it is one
 */
public record NormalisedNumber(
    String number,
    NumberClass numberClass,
    String country,
    int callingCode,
    BadNumberReason badReason) {

  /** Norway's calling code; Svalbard and Jan Mayen (SJ) share it. */
  public static final int NORWAY_CALLING_CODE = 47;

  public NormalisedNumber {
    if (badReason == null) {
      Objects.requireNonNull(number, "number");
      Objects.requireNonNull(numberClass, "numberClass");
    } else if (number != null || numberClass != null || country != null || callingCode != 0) {
      throw new IllegalArgumentException("a bad number carries only its reason");
    }
  }

  static NormalisedNumber bad(BadNumberReason reason) {
    return new NormalisedNumber(null, null, null, 0, Objects.requireNonNull(reason, "reason"));
  }

  /** True when the raw value could not be parsed at all: reject it as {@code BAD_NUMBER}. */
  public boolean isBad() {
    return badReason != null;
  }

  /**
   * True for a number in the Norwegian numbering plan (+47): mainland Norway and Svalbard, valid or
   * {@link NumberClass#UNKNOWN}. Short and emergency numbers are not (they have no country code).
   */
  public boolean isNorwegian() {
    return callingCode == NORWAY_CALLING_CODE;
  }

  /** True for a number without country code: {@link NumberClass#SHORT} or EMERGENCY. */
  public boolean isShortOrEmergency() {
    return numberClass == NumberClass.SHORT || numberClass == NumberClass.EMERGENCY;
  }

  /**
   * Leaves the number out: records end up in log lines and exception messages, and a subscriber's
   * number must never get there.
   */
  @Override
  public String toString() {
    if (isBad()) {
      return "NormalisedNumber[bad: " + badReason.description() + "]";
    }
    return "NormalisedNumber[class="
        + numberClass
        + ", country="
        + country
        + ", callingCode="
        + callingCode
        + ", number=<redacted>]";
  }
}
