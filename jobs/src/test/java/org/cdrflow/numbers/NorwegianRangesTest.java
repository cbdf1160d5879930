package org.cdrflow.numbers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Plain Norwegian numbers are classified by their five-digit range (docs/numbers.md, "Classes"):
 * the result must be libphonenumber's for every number, so every range is checked at its last
 * number and at a random number inside it, in all three plain forms.
 */
class NorwegianRangesTest {

  @Test
  void everyRangeGivesLibphonenumbersAnswerThroughout() {
    NumberNormaliser normaliser = new NumberNormaliser(0);
    Random random = new Random(47);
    Map<NumberClass, Integer> seen = new EnumMap<>(NumberClass.class);
    for (int range = 10_000; range < 100_000; range++) {
      // The table asks libphonenumber about the range's first number (suffix 000): the last one
      // and a random one show whether the whole range shares its answer.
      int[] suffixes = {999, random.nextInt(999)};
      for (int suffix : suffixes) {
        String national = String.format("%05d%03d", range, suffix);
        String raw =
            switch (random.nextInt(3)) {
              case 0 -> national;
              case 1 -> "+47" + national;
              default -> "0047" + national;
            };
        NormalisedNumber expected = NumberNormaliser.byLibphonenumber(raw);
        assertEquals(expected, normaliser.normalise(raw), raw);
        seen.merge(expected.numberClass(), 1, Integer::sum);
      }
    }
    // The table is only worth something if the plan has more than one kind in it.
    for (NumberClass c :
        new NumberClass[] {
          NumberClass.MOBILE,
          NumberClass.FIXED,
          NumberClass.TOLL_FREE,
          NumberClass.PREMIUM,
          NumberClass.SHARED_COST,
          NumberClass.UNKNOWN
        }) {
      assertEquals(true, seen.containsKey(c), c + " in " + seen);
    }
  }

  @Test
  void svalbardNumbersAreSvalbards() {
    NormalisedNumber n = new NumberNormaliser(0).normalise("79123456");
    assertEquals(NumberNormaliser.byLibphonenumber("79123456"), n);
    assertEquals("SJ", n.country());
  }
}
