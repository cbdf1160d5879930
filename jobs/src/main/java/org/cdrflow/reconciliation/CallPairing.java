package org.cdrflow.reconciliation;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Pairs our calls with the partner's (docs/reconciliation.md, "Matching"). Plain Java, in memory:
 * two calls can pair when they have the same normalised A and B numbers (withheld = the empty
 * number) and direction and their starts are at most the pairing window apart. Pairs are taken in
 * rounds: in each round every candidate pair whose calls are each other's nearest by start is
 * taken, ties broken by the partner's file line (for one of ours) and by our settlement id (for one
 * of theirs), and the candidates of the taken calls drop out; rounds go on until no candidate is
 * left, {@link #MAX_ROUNDS} at most.
 *
 * <p>Calls of different numbers or directions never compete, so each group of calls with the same
 * numbers and direction is paired on its own: most groups hold one call of each side. The rounds of
 * a run are those of its busiest group (at least one).
 */
public final class CallPairing {
  /** Rounds of pairing before the rest are left unpaired (each round pairs at least one). */
  public static final int MAX_ROUNDS = 50;

  private CallPairing() {}

  /**
   * The calls of one side, by index: numbers, direction and start in microseconds since 1970 (the
   * precision of a timestamptz). {@code idHigh} and {@code idLow} are the two halves of our
   * settlement ids (a uuid's order, unsigned, breaks ties when a partner's call has two nearest of
   * ours); the partner's side has none, its index (the file order) breaks ties.
   */
  public record Side(
      String[] a, String[] b, String[] direction, long[] startMicros, long[] idHigh, long[] idLow) {
    public Side {
      int n = startMicros.length;
      if (a.length != n
          || b.length != n
          || direction.length != n
          || (idHigh == null) != (idLow == null)
          || idHigh != null && (idHigh.length != n || idLow.length != n)) {
        throw new IllegalArgumentException("the arrays of a side differ in length");
      }
    }

    public int size() {
      return startMicros.length;
    }

    /** Compares the settlement ids of calls {@code i} and {@code j} as PostgreSQL orders uuids. */
    int compareIds(int i, int j) {
      int c = Long.compareUnsigned(idHigh[i], idHigh[j]);
      return c != 0 ? c : Long.compareUnsigned(idLow[i], idLow[j]);
    }
  }

  /**
   * The pairs: {@code theirOfOurs[i]} is the partner's call paired with our call {@code i} (-1 when
   * none), {@code ourOfTheirs} the other way round; {@code rounds} as the SQL of earlier versions
   * counted them (1 when nothing could pair).
   */
  public record Pairs(int[] theirOfOurs, int[] ourOfTheirs, int rounds) {}

  public static Pairs pair(Side ours, Side theirs, long windowMicros) {
    if (ours.idHigh() == null) {
      throw new IllegalArgumentException("our side needs its settlement ids");
    }
    int no = ours.size();
    int nt = theirs.size();
    int[] theirOfOurs = new int[no];
    int[] ourOfTheirs = new int[nt];
    Arrays.fill(theirOfOurs, -1);
    Arrays.fill(ourOfTheirs, -1);

    // Groups by numbers and direction, numbered in the order the partner's calls first show them:
    // an open-addressing table of the numbers' and direction's codes (see code), no key objects.
    Codes codes = new Codes();
    int capacity = Integer.highestOneBit(Math.max(16, nt * 2)) * 2;
    long[] slotA = new long[capacity];
    long[] slotB = new long[capacity];
    long[] slotDirection = new long[capacity];
    int[] slotGroup = new int[capacity];
    Arrays.fill(slotGroup, -1);
    int mask = capacity - 1;
    int[] theirGroup = new int[nt];
    int g = 0;
    for (int t = 0; t < nt; t++) {
      long ka = codes.number(theirs.a()[t]);
      long kb = codes.number(theirs.b()[t]);
      long kd = codes.direction(theirs.direction()[t]);
      int slot = slot(ka, kb, kd, mask);
      while (slotGroup[slot] >= 0
          && (slotA[slot] != ka || slotB[slot] != kb || slotDirection[slot] != kd)) {
        slot = (slot + 1) & mask;
      }
      if (slotGroup[slot] < 0) {
        slotA[slot] = ka;
        slotB[slot] = kb;
        slotDirection[slot] = kd;
        slotGroup[slot] = g++;
      }
      theirGroup[t] = slotGroup[slot];
    }
    int[] ourGroup = new int[no];
    for (int o = 0; o < no; o++) {
      long ka = codes.number(ours.a()[o]);
      long kb = codes.number(ours.b()[o]);
      long kd = codes.direction(ours.direction()[o]);
      int slot = slot(ka, kb, kd, mask);
      while (slotGroup[slot] >= 0
          && (slotA[slot] != ka || slotB[slot] != kb || slotDirection[slot] != kd)) {
        slot = (slot + 1) & mask;
      }
      ourGroup[o] = slotGroup[slot];
    }

    // The members of each group, by index, in one array per side (counting sort).
    int[] theirStart = new int[g + 1];
    int[] ourStart = new int[g + 1];
    for (int t = 0; t < nt; t++) {
      theirStart[theirGroup[t] + 1]++;
    }
    for (int o = 0; o < no; o++) {
      if (ourGroup[o] >= 0) {
        ourStart[ourGroup[o] + 1]++;
      }
    }
    for (int k = 0; k < g; k++) {
      theirStart[k + 1] += theirStart[k];
      ourStart[k + 1] += ourStart[k];
    }
    int[] theirMembers = new int[nt];
    int[] ourMembers = new int[ourStart[g]];
    int[] fill = Arrays.copyOf(theirStart, g);
    for (int t = 0; t < nt; t++) {
      theirMembers[fill[theirGroup[t]]++] = t;
    }
    fill = Arrays.copyOf(ourStart, g);
    for (int o = 0; o < no; o++) {
      if (ourGroup[o] >= 0) {
        ourMembers[fill[ourGroup[o]]++] = o;
      }
    }

    int rounds = 1;
    Group group = new Group(ours, theirs, windowMicros, theirOfOurs, ourOfTheirs);
    for (int k = 0; k < g; k++) {
      int oFrom = ourStart[k];
      int oTo = ourStart[k + 1];
      int tFrom = theirStart[k];
      int tTo = theirStart[k + 1];
      if (oFrom == oTo) {
        continue;
      }
      if (oTo - oFrom == 1 && tTo - tFrom == 1) {
        // The usual group: one call each; a pair when their starts are within the window.
        int o = ourMembers[oFrom];
        int t = theirMembers[tFrom];
        if (Math.abs(theirs.startMicros()[t] - ours.startMicros()[o]) <= windowMicros) {
          theirOfOurs[o] = t;
          ourOfTheirs[t] = o;
        }
        continue;
      }
      rounds =
          Math.max(
              rounds,
              group.pair(
                  Arrays.copyOfRange(ourMembers, oFrom, oTo),
                  Arrays.copyOfRange(theirMembers, tFrom, tTo)));
    }
    return new Pairs(theirOfOurs, ourOfTheirs, rounds);
  }

  private static int slot(long a, long b, long direction, int mask) {
    long h = a * 0x9E3779B97F4A7C15L + b * 0xC2B2AE3D27D4EB4FL + direction;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    return (int) h & mask;
  }

  /**
   * Numbers and directions as codes that are equal exactly when the texts are: a number in E.164
   * ({@code +} and 1 to 15 digits) is its digits and their count, withheld (null or empty) one
   * code, any other text a code of its own; {@code OUT} and {@code IN} fixed codes, any other
   * direction a code of its own, and a missing direction one that nothing shares.
   */
  static final class Codes {
    private static final long WITHHELD = 1L << 61;
    private static final long OTHER = 1L << 62;
    private final Map<String, Long> others = new HashMap<>();
    private long missing = -1;

    long number(String v) {
      if (v == null || v.isEmpty()) {
        return WITHHELD;
      }
      int n = v.length();
      if (n >= 2 && n <= 16 && v.charAt(0) == '+') {
        long digits = 0;
        int i = 1;
        for (; i < n; i++) {
          char c = v.charAt(i);
          if (c < '0' || c > '9') {
            break;
          }
          digits = digits * 10 + (c - '0');
        }
        if (i == n) {
          return ((long) (n - 1) << 50) | digits; // 15 digits < 2^50
        }
      }
      return other(v);
    }

    long direction(String v) {
      if (v == null) {
        return missing--; // never equal to another
      }
      if (v.equals("OUT")) {
        return 0;
      }
      if (v.equals("IN")) {
        return 1;
      }
      return other(v);
    }

    private long other(String v) {
      Long code = others.get(v);
      if (code == null) {
        code = OTHER | others.size();
        others.put(v, code);
      }
      return code;
    }
  }

  /** The rounds of one group of several calls. */
  private static final class Group {
    private final Side ours;
    private final Side theirs;
    private final long window;
    private final int[] theirOfOurs;
    private final int[] ourOfTheirs;

    Group(Side ours, Side theirs, long window, int[] theirOfOurs, int[] ourOfTheirs) {
      this.ours = ours;
      this.theirs = theirs;
      this.window = window;
      this.theirOfOurs = theirOfOurs;
      this.ourOfTheirs = ourOfTheirs;
    }

    /** Pairs the group's calls; returns the rounds that took pairs (0 when none could). */
    int pair(int[] os, int[] ts) {
      long[] om = ours.startMicros();
      long[] tm = theirs.startMicros();
      // The candidates: every (ours, theirs) within the window, by position in os and ts.
      Integer[] byStart = new Integer[ts.length];
      for (int i = 0; i < ts.length; i++) {
        byStart[i] = i;
      }
      Arrays.sort(byStart, (x, y) -> Long.compare(tm[ts[x]], tm[ts[y]]));
      int cap = 16;
      int[] co = new int[cap];
      int[] ct = new int[cap];
      long[] cd = new long[cap];
      int n = 0;
      for (int i = 0; i < os.length; i++) {
        long s = om[os[i]];
        int lo = lowerBound(byStart, ts, tm, s - window);
        for (int j = lo; j < byStart.length && tm[ts[byStart[j]]] <= s + window; j++) {
          if (n == cap) {
            cap *= 2;
            co = Arrays.copyOf(co, cap);
            ct = Arrays.copyOf(ct, cap);
            cd = Arrays.copyOf(cd, cap);
          }
          co[n] = i;
          ct[n] = byStart[j];
          cd[n] = Math.abs(tm[ts[byStart[j]]] - s);
          n++;
        }
      }
      int[] bestOfOurs = new int[os.length];
      int[] bestOfTheirs = new int[ts.length];
      boolean[] ourTaken = new boolean[os.length];
      boolean[] theirTaken = new boolean[ts.length];
      int round = 0;
      while (n > 0 && round < MAX_ROUNDS) {
        round++;
        Arrays.fill(bestOfOurs, -1);
        Arrays.fill(bestOfTheirs, -1);
        for (int k = 0; k < n; k++) {
          // Our call's nearest: by distance, then the partner's file line (its index).
          int b = bestOfOurs[co[k]];
          if (b < 0 || cd[k] < cd[b] || cd[k] == cd[b] && ts[ct[k]] < ts[ct[b]]) {
            bestOfOurs[co[k]] = k;
          }
          // The partner's call's nearest: by distance, then our settlement id.
          b = bestOfTheirs[ct[k]];
          if (b < 0
              || cd[k] < cd[b]
              || cd[k] == cd[b] && ours.compareIds(os[co[k]], os[co[b]]) < 0) {
            bestOfTheirs[ct[k]] = k;
          }
        }
        for (int k = 0; k < n; k++) {
          if (bestOfOurs[co[k]] == k && bestOfTheirs[ct[k]] == k) {
            ourTaken[co[k]] = true;
            theirTaken[ct[k]] = true;
            theirOfOurs[os[co[k]]] = ts[ct[k]];
            ourOfTheirs[ts[ct[k]]] = os[co[k]];
          }
        }
        int left = 0;
        for (int k = 0; k < n; k++) {
          if (!ourTaken[co[k]] && !theirTaken[ct[k]]) {
            co[left] = co[k];
            ct[left] = ct[k];
            cd[left] = cd[k];
            left++;
          }
        }
        n = left;
      }
      return round;
    }

    /** The first position in {@code byStart} whose start is at least {@code from}. */
    private static int lowerBound(Integer[] byStart, int[] ts, long[] tm, long from) {
      int lo = 0;
      int hi = byStart.length;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (tm[ts[byStart[mid]]] < from) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }
}
