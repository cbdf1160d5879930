package org.cdrflow.pipeline;

import java.time.YearMonth;
import java.util.Map;
import java.util.TreeMap;
import org.cdrflow.rating.PeriodUsage;
import org.cdrflow.rating.PresenceDays;

/**
 * What {@code rate} keeps of one subscription, in one keyed value: the allowances drawn in each
 * usage period a late event can still reach, the days at home for fair use, and when the check for
 * state that can end is due (docs/architecture.md, "State that ends"). One value instead of a map
 * entry per period, a presence value and a timer value: one key written per subscription, and the
 * numbers as variable-length integers ({@link RatingLedgerSerializer}), about a quarter of the
 * bytes (docs/benchmarks.md, "Keyed state per subscription").
 */
public class RatingLedger {
  /** Usage by period ({@code yyyy-MM}, Europe/Oslo), oldest first. */
  public final TreeMap<String, PeriodUsage> periods = new TreeMap<>();

  /** Days at home; null until the first event at home or elsewhere is rated. */
  public PresenceDays presence;

  /** Processing time of the next end check, or {@link Long#MIN_VALUE} when none is scheduled. */
  public long endCheckAt = Long.MIN_VALUE;

  public RatingLedger() {}

  public boolean hasEndCheck() {
    return endCheckAt != Long.MIN_VALUE;
  }

  /** No usage and no presence: nothing a rule could read. */
  public boolean holdsNothing() {
    return periods.isEmpty() && presence == null;
  }

  /**
   * Drops the periods before {@code oldestKept}: events that old are past the anonymisation horizon
   * and rejected before they reach the rater.
   */
  public void forgetPeriodsBefore(YearMonth oldestKept) {
    periods.headMap(oldestKept.toString()).clear();
  }

  /** A deep copy (the heap state backend's copy-on-write snapshots need one). */
  public RatingLedger copy() {
    RatingLedger c = new RatingLedger();
    for (Map.Entry<String, PeriodUsage> e : periods.entrySet()) {
      c.periods.put(e.getKey(), copyOf(e.getValue()));
    }
    if (presence != null) {
      PresenceDays p = new PresenceDays();
      p.bits = presence.bits == null ? null : presence.bits.clone();
      p.firstDay = presence.firstDay;
      p.forgotten = presence.forgotten;
      c.presence = p;
    }
    c.endCheckAt = endCheckAt;
    return c;
  }

  /** A copy of one period's usage: the ledger's and the older POJO-format serializer's. */
  static PeriodUsage copyOf(PeriodUsage from) {
    PeriodUsage c = new PeriodUsage();
    c.voiceSeconds = from.voiceSeconds;
    c.smsCount = from.smsCount;
    c.dataKb = from.dataKb;
    c.euDataKb = from.euDataKb;
    c.overageOre = from.overageOre;
    c.notified = from.notified;
    c.roamingCountries = from.roamingCountries;
    return c;
  }

  @Override
  public String toString() {
    return "RatingLedger{periods="
        + periods
        + ", presence="
        + presence
        + ", endCheckAt="
        + endCheckAt
        + '}';
  }
}
