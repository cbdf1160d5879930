package org.cdrflow.numbers;

/**
 * What kind of number a normalised number is (docs/numbers.md, "Classes"). Derived from
 * libphonenumber's {@code PhoneNumberType} for numbers with a country code, and from the dialled
 * length for short numbers. Rating picks its zone from it (toll free is free, premium and shared
 * cost need a {@code special_number} row, emergency is free, short numbers have their own zone).
 */
public enum NumberClass {
  /** Mobile number. */
  MOBILE,
  /** Fixed line; also libphonenumber's FIXED_LINE_OR_MOBILE (e.g. all of +1). */
  FIXED,
  /** Freephone (Norway: 800 xx xxx). */
  TOLL_FREE,
  /** Premium rate (Norway: 820 xx xxx, 829 xx xxx). */
  PREMIUM,
  /** Shared cost and UAN (Norway: 810/815 xx xxx and the five-digit 0xxxx numbers). */
  SHARED_COST,
  /** VoIP, personal numbers, pager and voicemail access numbers. */
  OTHER,
  /** Parses as a number with a country code, but libphonenumber does not know the range. */
  UNKNOWN,
  /** 3 to 6 digits dialled without a country or trunk prefix (e.g. 1881); kept as dialled. */
  SHORT,
  /** A short number that is an emergency number in Norway (110, 112, 113); kept as dialled. */
  EMERGENCY
}
