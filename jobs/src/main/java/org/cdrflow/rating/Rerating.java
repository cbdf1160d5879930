package org.cdrflow.rating;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.reference.CountryZone;
import org.cdrflow.reference.PricePlan;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.Subscription;

/**
 * Shadow re-rating of one subscription's lines of one usage period (docs/rerating.md): the stored
 * lines are turned back into the events they were rated from and rated again, in event-time order,
 * with allowances drawn again from the start of the period, by the same {@link TariffRule} and
 * {@link RetailRater} as the streaming job, so the two cannot disagree.
 *
 * <p>What the event was (service, direction, duration, volume, the other party's number and class,
 * where the subscriber was) is the line's; what prices it (subscription and plan at the event time,
 * zones of countries, special numbers, rate versions) is the reference data as it is now. A line
 * keeps the billing period it was invoiced in. A line that the reference data can no longer price
 * is kept as it was.
 *
 * <p>Plain rules without Flink types; stateless.
 */
public final class Rerating {

  /** One stored line and the line as rated again; {@code changed} names the columns that differ. */
  public record Outcome(InvoiceLine before, InvoiceLine after, List<String> changed) {
    public boolean isChanged() {
      return !changed.isEmpty();
    }
  }

  private final TariffRule tariffs = new TariffRule();
  private final RetailRater rater = new RetailRater();

  /**
   * Rates the lines of one subscription and usage period again.
   *
   * @param lines the subscription's lines of the period (any order; adjustment lines excluded)
   * @param presence the subscription's days at home before the period; updated
   * @param ref the reference data as it is now
   * @param now processing time (only for the notices the rater would send; none are sent)
   */
  public List<Outcome> rerate(
      List<InvoiceLine> lines, PresenceDays presence, ReferenceData ref, Instant now) {
    List<InvoiceLine> ordered = new ArrayList<>(lines);
    // Event-time order, as the streaming job rates (docs/architecture.md): ties by line id.
    ordered.sort(
        Comparator.comparingLong((InvoiceLine l) -> l.eventStart).thenComparing(l -> l.lineId));
    PeriodUsage usage = new PeriodUsage();
    List<Outcome> outcomes = new ArrayList<>(ordered.size());
    for (InvoiceLine before : ordered) {
      MediatedCall call = eventOf(before, ref);
      InvoiceLine after = before;
      if (call != null) {
        after = rater.rate(call, usage, presence, ref, now).line();
        keepBillingPeriod(before, after);
      }
      outcomes.add(new Outcome(before, after, changedColumns(before, after)));
    }
    return outcomes;
  }

  /**
   * The event a stored line was rated from, priced with the reference data now; null when it can no
   * longer be priced (no subscription at the event time, or TariffRule rejects it).
   */
  MediatedCall eventOf(InvoiceLine l, ReferenceData ref) {
    Instant at = Instant.ofEpochMilli(l.eventStart);
    Optional<Subscription> sub = ref.subscriptionAt(l.msisdn, at);
    if (sub.isEmpty()) {
      return null;
    }
    Subscription s = sub.get();
    Optional<PricePlan> plan = ref.plan(s.planId(), at);
    if (plan.isEmpty()) {
      return null;
    }
    MediatedCall c = new MediatedCall();
    c.lineId = l.lineId;
    c.networkElement = l.networkElement;
    c.callReference = l.callReference;
    c.recordType = LineDerivation.recordTypeOf(l.service, l.direction);
    c.eventStartMillis = l.eventStart;
    c.durationSeconds = l.durationS == null ? 0 : l.durationS;
    c.volumeBytes = l.volumeBytes == null ? 0 : l.volumeBytes;
    c.msisdn = l.msisdn;
    c.imsi = l.imsi;
    c.attachSubscription(s, ref, at);
    c.counterpartNumber = l.counterpartNumber;
    c.counterpartClass =
        l.counterpartClass == null ? null : NumberClass.valueOf(l.counterpartClass);
    c.counterpartCountry = l.counterpartCountry;
    c.counterpartZone = MediatedCall.counterpartZoneOf(l.counterpartCountry, ref);
    c.visitedZone = l.visitedZone == null ? VisitedZone.HOME : VisitedZone.valueOf(l.visitedZone);
    c.roamingCountry = l.roamingCountry;
    c.roamingNordicBaltic =
        ref.countryZone(l.roamingCountry).map(CountryZone::nordicBaltic).orElse(false);
    c.incomplete = l.hasFlag(LineFlag.INCOMPLETE);
    c.rawRecords = l.rawRecords;
    c.sourceTopic = l.sourceTopic;
    c.sourcePartition = l.sourcePartition == null ? 0 : l.sourcePartition;
    c.sourceOffset = l.sourceOffset == null ? 0 : l.sourceOffset;
    if (tariffs.decide(c, plan.get(), ref) instanceof TariffDecision.Priced priced) {
      c.tariff = priced.tariff();
      return c;
    }
    return null;
  }

  /** The line stays on the invoice it was put on; LATE says whether that was a later one. */
  private static void keepBillingPeriod(InvoiceLine before, InvoiceLine after) {
    after.billingPeriod = before.billingPeriod;
    boolean late = !before.billingPeriod.equals(before.usagePeriod);
    if (after.hasFlag(LineFlag.LATE) == late) {
      return; // the usual case: the flags already say so, no list to make (once per line)
    }
    List<String> flags = new ArrayList<>(Arrays.asList(after.flags));
    flags.remove(LineFlag.LATE.name());
    if (late) {
      flags.add(LineFlag.LATE.name());
    }
    flags.sort(null);
    after.flags = flags.toArray(String[]::new);
  }

  /**
   * The columns rating decides that differ (reference_version always moves and is not a change;
   * RERATED, set by publishing, is not compared).
   */
  public static List<String> changedColumns(InvoiceLine a, InvoiceLine b) {
    List<String> changed = new ArrayList<>();
    if (a == b) {
      return changed;
    }
    compare(changed, "rating_zone", a.ratingZone, b.ratingZone);
    compare(changed, "billed_units", a.billedUnits, b.billedUnits);
    compare(changed, "allowance_units", a.allowanceUnits, b.allowanceUnits);
    compare(changed, "chargeable_units", a.chargeableUnits, b.chargeableUnits);
    compareMoney(changed, "amount", a.amount, b.amount);
    if (!sameFlagsBesidesRerated(a.flags, b.flags)) {
      changed.add("flags");
    }
    compare(changed, "plan_id", a.planId, b.planId);
    compare(changed, "rate_valid_from", a.rateValidFrom, b.rateValidFrom);
    compareMoney(changed, "unit_price", a.unitPrice, b.unitPrice);
    compareMoney(changed, "connect_fee", a.connectFee, b.connectFee);
    compareMoney(changed, "fair_use_surcharge", a.fairUseSurcharge, b.fairUseSurcharge);
    compare(changed, "allowance_before", a.allowanceBefore, b.allowanceBefore);
    compare(changed, "allowance_after", a.allowanceAfter, b.allowanceAfter);
    return changed;
  }

  /**
   * The flags in the same order once the first RERATED of each is left out (the comparison of two
   * lists without it, without making them: once per line re-rated).
   */
  static boolean sameFlagsBesidesRerated(String[] a, String[] b) {
    String[] x = a == null ? new String[0] : a;
    String[] y = b == null ? new String[0] : b;
    int skipX = indexOfRerated(x);
    int skipY = indexOfRerated(y);
    int i = 0;
    int j = 0;
    while (true) {
      if (i == skipX) {
        i++;
      }
      if (j == skipY) {
        j++;
      }
      boolean endX = i >= x.length;
      boolean endY = j >= y.length;
      if (endX || endY) {
        return endX && endY;
      }
      if (!Objects.equals(x[i], y[j])) {
        return false;
      }
      i++;
      j++;
    }
  }

  private static int indexOfRerated(String[] flags) {
    for (int i = 0; i < flags.length; i++) {
      if (LineFlag.RERATED.name().equals(flags[i])) {
        return i;
      }
    }
    return -1;
  }

  private static void compare(List<String> changed, String column, Object a, Object b) {
    if (!Objects.equals(a, b)) {
      changed.add(column);
    }
  }

  private static void compareMoney(
      List<String> changed, String column, BigDecimal a, BigDecimal b) {
    if (a == null ? b != null : b == null || a.compareTo(b) != 0) {
      changed.add(column);
    }
  }
}
