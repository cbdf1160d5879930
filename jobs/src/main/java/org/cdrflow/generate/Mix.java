package org.cdrflow.generate;

/**
 * Stateless 64-bit mixing: for values that must be a pure function of their inputs (a subscriber's
 * trips abroad, call references), so that they need no memory and do not depend on the order in
 * which the generator asks for them.
 */
final class Mix {
  private Mix() {}

  /** The SplitMix64 finaliser: a bijection on 64-bit values with good avalanche. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Mixes several values into one. */
  static long of(long a, long b, long c) {
    return mix64(mix64(mix64(a) ^ b) ^ c);
  }
}
