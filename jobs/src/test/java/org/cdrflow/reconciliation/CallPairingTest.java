package org.cdrflow.reconciliation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pairing (docs/reconciliation.md, "Matching") on a table of cases, and on random months against a
 * plain transcription of the rule: candidates are every pair of the same numbers and direction
 * within the window; each round takes every candidate that is the first of both its calls (ours
 * ranked by distance and the partner's line, theirs by distance and our settlement id) and drops
 * the candidates of the taken calls.
 */
class CallPairingTest {
  private static final long S = 1_000_000L;
  private static final long WINDOW = 600 * S;

  /**
   * A call: numbers, direction, start in seconds (ours get settlement ids s1, s2, ... in order).
   */
  record Call(String a, String b, String direction, long startMicros) {}

  private static Call call(String a, String b, String direction, double seconds) {
    return new Call(a, b, direction, Math.round(seconds * S));
  }

  private static Call call(double seconds) {
    return call("+4791000001", "+4745000001", "OUT", seconds);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("one each, starts 3 s apart", List.of(call(0)), List.of(call(3)), "0", 1),
        Arguments.of("on the edge of the window", List.of(call(0)), List.of(call(600)), "0", 1),
        Arguments.of(
            "a microsecond beyond the window", List.of(call(0)), List.of(call(600.000001)), "-", 1),
        Arguments.of(
            "other B number",
            List.of(call(0)),
            List.of(call("+4791000001", "+4745000002", "OUT", 0)),
            "-",
            1),
        Arguments.of(
            "other direction",
            List.of(call(0)),
            List.of(call("+4791000001", "+4745000001", "IN", 0)),
            "-",
            1),
        Arguments.of(
            "withheld A on both sides pairs (null and empty are both withheld)",
            List.of(call("", "+4745000001", "OUT", 0)),
            List.of(call(null, "+4745000001", "OUT", 1)),
            "0",
            1),
        Arguments.of(
            "two each, each its nearest",
            List.of(call(0), call(100)),
            List.of(call(101), call(2)),
            "1,0",
            1),
        Arguments.of(
            // ours 0 and 10, theirs 6: 10 is nearer (4 s); ours 0 stays alone.
            "two of ours want one of theirs",
            List.of(call(0), call(10)),
            List.of(call(6)),
            "-,0",
            1),
        Arguments.of(
            // theirs 0 and 10 both 5 s from ours 5: the earlier line wins.
            "a tie for one of ours goes to the partner's earlier line",
            List.of(call(5)),
            List.of(call(10), call(0)),
            "0",
            1),
        Arguments.of(
            // ours s1 at 0 and s2 at 10, theirs at 5: the smaller settlement id wins.
            "a tie for one of theirs goes to the smaller settlement id",
            List.of(call(10), call(0)),
            List.of(call(5)),
            "0,-",
            1),
        Arguments.of(
            // A chain: o0=0, t0=4, o1=7, t1=12. Round 1: t0-o1 (3 s) is mutual; o0 and t1 are
            // then each other's only candidate (12 s) and pair in round 2.
            "a chain needs a second round",
            List.of(call(0), call(7)),
            List.of(call(4), call(12)),
            "1,0",
            2),
        Arguments.of("nothing of ours", List.of(), List.of(call(0)), "", 1),
        Arguments.of("nothing of theirs", List.of(call(0)), List.of(), "-", 1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void pairsAsTheRuleSays(
      String what, List<Call> ours, List<Call> theirs, String expected, int rounds) {
    CallPairing.Pairs p = CallPairing.pair(ours(ours), theirs(theirs), WINDOW);
    StringBuilder got = new StringBuilder();
    for (int i = 0; i < p.theirOfOurs().length; i++) {
      got.append(i == 0 ? "" : ",").append(p.theirOfOurs()[i] < 0 ? "-" : p.theirOfOurs()[i]);
    }
    assertEquals(expected, got.toString(), what);
    assertEquals(rounds, p.rounds(), what + ": rounds");
    for (int i = 0; i < p.theirOfOurs().length; i++) {
      if (p.theirOfOurs()[i] >= 0) {
        assertEquals(i, p.ourOfTheirs()[p.theirOfOurs()[i]], what + ": both ways");
      }
    }
  }

  @Test
  void randomMonthsPairAsTheRoundsOfTheRule() {
    Random random = new Random(20);
    for (int month = 0; month < 300; month++) {
      // Few distinct numbers and starts close together: large groups, ties and chains.
      int numbers = 1 + random.nextInt(4);
      int spread = 1 + random.nextInt(3_000);
      List<Call> ours = new ArrayList<>();
      List<Call> theirs = new ArrayList<>();
      for (int i = random.nextInt(40); i > 0; i--) {
        ours.add(randomCall(random, numbers, spread));
      }
      for (int i = random.nextInt(40); i > 0; i--) {
        theirs.add(randomCall(random, numbers, spread));
      }
      long window = (1 + random.nextInt(900)) * S;
      CallPairing.Pairs p = CallPairing.pair(ours(ours), theirs(theirs), window);
      Reference r = reference(ours, theirs, window);
      assertArrayEquals(r.theirOfOurs, p.theirOfOurs(), "month " + month);
      assertEquals(r.rounds, p.rounds(), "month " + month + ": rounds");
    }
  }

  @Test
  void aGroupStopsAfterTheLastRound() {
    // 120 calls in a row, ours and theirs taking turns, each gap shorter than the one before: each
    // round pairs only the two at the end of the row, so the row needs 60 rounds.
    List<Call> ours = new ArrayList<>();
    List<Call> theirs = new ArrayList<>();
    long at = 0;
    for (int k = 0; k < 120; k++) {
      (k % 2 == 0 ? ours : theirs).add(new Call("+4791000001", "+4745000001", "OUT", at));
      at += 6 * S - 20_000L * k;
    }
    CallPairing.Pairs p = CallPairing.pair(ours(ours), theirs(theirs), WINDOW);
    Reference r = reference(ours, theirs, WINDOW);
    assertArrayEquals(r.theirOfOurs, p.theirOfOurs());
    assertEquals(CallPairing.MAX_ROUNDS, r.rounds);
    assertEquals(CallPairing.MAX_ROUNDS, p.rounds(), "the row needs more than the rounds allowed");
    assertEquals(
        2 * CallPairing.MAX_ROUNDS,
        Arrays.stream(p.theirOfOurs()).filter(t -> t >= 0).count() * 2,
        "one pair a round");
  }

  @Test
  void numbersAndDirectionsHaveTheSameCodeExactlyWhenTheirTextsAreEqual() {
    String[] numbers = {
      null,
      "",
      "+",
      "+0",
      "+00",
      "+47",
      "+470",
      "+047",
      "+4791234567",
      "+04791234567",
      "4791234567",
      "+47912345678",
      "+47 91234567",
      "+123456789012345",
      "+1234567890123456",
      "+999999999999999",
      "abc",
      "+47912345a7"
    };
    CallPairing.Codes codes = new CallPairing.Codes();
    for (String x : numbers) {
      for (String y : numbers) {
        boolean same = (x == null || x.isEmpty()) ? (y == null || y.isEmpty()) : x.equals(y);
        assertEquals(same, codes.number(x) == codes.number(y), x + " and " + y);
      }
    }
    String[] directions = {"OUT", "IN", "out", "SIDEWAYS", ""};
    for (String x : directions) {
      for (String y : directions) {
        assertEquals(x.equals(y), codes.direction(x) == codes.direction(y), x + " and " + y);
      }
      assertTrue(codes.direction(null) != codes.direction(x), "a missing direction and " + x);
    }
    assertTrue(codes.direction(null) != codes.direction(null), "two missing directions");
  }

  private static Call randomCall(Random random, int numbers, int spread) {
    return new Call(
        random.nextInt(5) == 0 ? null : "+479100000" + random.nextInt(numbers),
        "+474500000" + random.nextInt(2),
        random.nextInt(4) == 0 ? "IN" : "OUT",
        // Whole seconds often, so that distances tie.
        random.nextBoolean()
            ? random.nextInt(spread) * S
            : random.nextInt(spread) * S + random.nextInt(1_000_000));
  }

  /** Our calls get settlement ids in their order: 00000000-0000-0000-0000-000000000001, ... */
  private static CallPairing.Side ours(List<Call> calls) {
    long[] high = new long[calls.size()];
    long[] low = new long[calls.size()];
    for (int i = 0; i < low.length; i++) {
      low[i] = i + 1;
    }
    return side(calls, high, low);
  }

  private static CallPairing.Side theirs(List<Call> calls) {
    return side(calls, null, null);
  }

  private static CallPairing.Side side(List<Call> calls, long[] high, long[] low) {
    return new CallPairing.Side(
        calls.stream().map(Call::a).toArray(String[]::new),
        calls.stream().map(Call::b).toArray(String[]::new),
        calls.stream().map(Call::direction).toArray(String[]::new),
        calls.stream().mapToLong(Call::startMicros).toArray(),
        high,
        low);
  }

  @Test
  void settlementIdsTieAsPostgreSqlOrdersUuids() {
    // Unsigned, high half first: 8000… sorts after 7fff…, as the uuids' text and bytes do.
    java.util.UUID[] ids = {
      java.util.UUID.fromString("80000000-0000-0000-0000-000000000000"),
      java.util.UUID.fromString("7fffffff-ffff-ffff-ffff-ffffffffffff"),
      java.util.UUID.fromString("7fffffff-ffff-ffff-8000-000000000000"),
      java.util.UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"),
      java.util.UUID.fromString("00000000-0000-0000-0000-000000000001")
    };
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      calls.add(call(0));
    }
    CallPairing.Side side =
        side(
            calls,
            Arrays.stream(ids).mapToLong(java.util.UUID::getMostSignificantBits).toArray(),
            Arrays.stream(ids).mapToLong(java.util.UUID::getLeastSignificantBits).toArray());
    for (int i = 0; i < ids.length; i++) {
      for (int j = 0; j < ids.length; j++) {
        assertEquals(
            Integer.signum(ids[i].toString().compareTo(ids[j].toString())),
            Integer.signum(side.compareIds(i, j)),
            ids[i] + " and " + ids[j]);
      }
    }
  }

  private record Reference(int[] theirOfOurs, int rounds) {}

  private record Candidate(int ours, int theirs, long distance) {}

  /** The rule, written down as plainly as possible: global rounds over all candidates. */
  private static Reference reference(List<Call> ours, List<Call> theirs, long window) {
    List<Candidate> candidates = new ArrayList<>();
    for (int o = 0; o < ours.size(); o++) {
      for (int t = 0; t < theirs.size(); t++) {
        Call x = ours.get(o);
        Call y = theirs.get(t);
        if (nz(x.a()).equals(nz(y.a()))
            && x.b().equals(y.b())
            && x.direction().equals(y.direction())
            && Math.abs(x.startMicros() - y.startMicros()) <= window) {
          candidates.add(new Candidate(o, t, Math.abs(x.startMicros() - y.startMicros())));
        }
      }
    }
    int[] theirOfOurs = new int[ours.size()];
    Arrays.fill(theirOfOurs, -1);
    int round = 0;
    while (round < CallPairing.MAX_ROUNDS) {
      round++;
      Set<Candidate> firstOfOurs = new HashSet<>();
      Set<Candidate> firstOfTheirs = new HashSet<>();
      for (int o = 0; o < ours.size(); o++) {
        int oo = o;
        candidates.stream()
            .filter(c -> c.ours() == oo)
            .min(Comparator.comparingLong(Candidate::distance).thenComparing(Candidate::theirs))
            .ifPresent(firstOfOurs::add);
      }
      for (int t = 0; t < theirs.size(); t++) {
        int tt = t;
        candidates.stream()
            .filter(c -> c.theirs() == tt)
            .min(Comparator.comparingLong(Candidate::distance).thenComparing(Candidate::ours))
            .ifPresent(firstOfTheirs::add);
      }
      List<Candidate> taken =
          candidates.stream()
              .filter(c -> firstOfOurs.contains(c) && firstOfTheirs.contains(c))
              .toList();
      if (taken.isEmpty()) {
        break;
      }
      Set<Integer> ourTaken = new HashSet<>();
      Set<Integer> theirTaken = new HashSet<>();
      for (Candidate c : taken) {
        theirOfOurs[c.ours()] = c.theirs();
        ourTaken.add(c.ours());
        theirTaken.add(c.theirs());
      }
      candidates.removeIf(c -> ourTaken.contains(c.ours()) || theirTaken.contains(c.theirs()));
      if (candidates.isEmpty()) {
        break;
      }
    }
    return new Reference(theirOfOurs, round);
  }

  private static String nz(String v) {
    return v == null ? "" : v;
  }
}
