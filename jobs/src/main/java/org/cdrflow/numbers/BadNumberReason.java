package org.cdrflow.numbers;

/**
 * Why a raw number could not be parsed at all (reject reason {@code BAD_NUMBER}).
 *
 * <p>The descriptions are fixed texts: they say what is wrong and never repeat the digits, so that
 * they can go into a reject's detail, a log or an exception message without disclosing a
 * subscriber's number.
 */
public enum BadNumberReason {
  EMPTY("empty"),
  NO_DIGITS("contains no digits"),
  LETTERS("contains letters"),
  ILLEGAL_CHARACTERS(
      "contains characters other than digits, a leading '+', spaces, dashes, dots, slashes and"
          + " parentheses"),
  MISPLACED_PLUS("has a '+' that is not at the start"),
  TOO_LONG("more than 15 digits"),
  TOO_SHORT("too short to be a phone number"),
  UNKNOWN_COUNTRY_CODE("starts with an unknown country calling code"),
  NOT_A_NUMBER("is not a phone number");

  private final String description;

  BadNumberReason(String description) {
    this.description = description;
  }

  /** A readable description, free of any digit of the number. */
  public String description() {
    return description;
  }
}
