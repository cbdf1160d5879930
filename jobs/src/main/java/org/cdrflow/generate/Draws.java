package org.cdrflow.generate;

import java.util.SplittableRandom;

/**
 * Random draws from one seeded stream. Only {@link SplittableRandom} (whose algorithm is fixed by
 * its specification) and {@link StrictMath} are used, never {@link Math}: {@code Math.log} may
 * round differently once the JIT replaces it with an intrinsic, and one different bit would change
 * the output of the same seed.
 */
final class Draws {
  private final SplittableRandom random;

  Draws(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /**
   * An independent stream for one purpose, so that changing one part of the model does not shift
   * every other draw.
   */
  Draws(long seed, long purpose) {
    this(Mix.mix64(seed ^ Mix.mix64(purpose)));
  }

  /** Uniform in [0, 1). */
  double uniform() {
    return random.nextDouble();
  }

  /** Uniform in [0, bound). */
  int below(int bound) {
    return random.nextInt(bound);
  }

  /** Uniform in [0, bound). */
  long below(long bound) {
    return random.nextLong(bound);
  }

  /** Uniform in [from, to]. */
  int between(int from, int to) {
    return from + random.nextInt(to - from + 1);
  }

  boolean chance(double p) {
    return random.nextDouble() < p;
  }

  long nextLong() {
    return random.nextLong();
  }

  /** Exponential with the given mean. */
  double exponential(double mean) {
    return -mean * StrictMath.log(1.0 - random.nextDouble());
  }

  /** Standard normal (Box–Muller, one of the pair). */
  double normal() {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.cos(2.0 * StrictMath.PI * v);
  }

  /** Log-normal: {@code exp(mu + sigma * N(0,1))}. */
  double logNormal(double mu, double sigma) {
    return StrictMath.exp(mu + sigma * normal());
  }

  /** An element of {@code items}. */
  <T> T pick(T[] items) {
    return items[random.nextInt(items.length)];
  }

  /** A digit string of exactly {@code length} digits (leading zeros kept). */
  String digits(int length) {
    char[] c = new char[length];
    for (int i = 0; i < length; i++) {
      c[i] = (char) ('0' + random.nextInt(10));
    }
    return new String(c);
  }
}
