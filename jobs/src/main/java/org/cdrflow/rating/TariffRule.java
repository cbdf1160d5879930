package org.cdrflow.rating;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.Tariff;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.reference.PricePlan;
import org.cdrflow.reference.Rate;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.Service;
import org.cdrflow.reference.SpecialNumber;

/**
 * The one owner of "can this event be priced" (docs/rating.md, "Rejected events"): decides the
 * rating zone and finds every row the rater may need for it, as of the event time, or says which
 * one is missing. Mediation calls it before duplicates are dropped, so a configuration gap is a
 * reject that keeps its payload and can be reprocessed, and never draws on an allowance.
 *
 * <p>Rows that only some outcomes of rating need are required when the outcome depends on state
 * that only the rater has (how much of the EU data limit is used, how many presence days there
 * were): {@code ROAM_EU_DATA} for EU-zone data of a plan with an EU limit, and {@code FAIR_USE} for
 * a priced event roaming in a non-Nordic/Baltic EU country whose fair-use window is long enough to
 * judge. Neither is needed for an event on a blocked SIM, which is not charged.
 *
 * <p>Stateless and thread-safe.
 */
public final class TariffRule {

  public TariffDecision decide(MediatedCall call, PricePlan plan, ReferenceData ref) {
    Service service = Service.of(call.recordType);
    SpecialNumber special =
        service == Service.DATA || call.counterpartNumber == null
            ? null
            : ref.specialNumber(call.counterpartNumber).orElse(null);
    RatingZone zone =
        RatingZone.decide(
            call.recordType,
            call.visitedZone,
            call.counterpartClass,
            call.counterpartCountry,
            call.counterpartZone,
            special != null);
    if (zone.isRejected()) {
      return new TariffDecision.NoRate(zone.noRateDetail());
    }
    Tariff t = new Tariff();
    t.zone = zone.name();
    t.drawsAllowance = zone.drawsAllowance();
    t.euData = zone.euData();
    t.voiceMinutes = plan.voiceMinutes();
    t.smsCount = plan.smsCount();
    t.dataMb = plan.dataMb();
    t.euDataLimitMb = plan.euDataLimitMb();
    t.dataOverage = plan.dataOverage();
    t.dataOverageCap = plan.dataOverageCap();
    t.planId = plan.planId();
    t.referenceVersion = ref.version();
    if (zone.isFree()) {
      return new TariffDecision.Priced(t);
    }
    if (zone.isSpecial()) {
      // Priced from the special_number row, per second for voice: no charging intervals.
      BigDecimal price =
          service == Service.VOICE ? special.pricePerMinute() : special.pricePerSms();
      if (price == null) {
        return new TariffDecision.NoRate("special_number row has no price for " + service);
      }
      t.connectFee = special.connectFee();
      t.price = price;
    } else {
      Optional<Rate> rate = priced(ref, plan, service, zone.name(), call);
      if (rate.isEmpty()) {
        return missing(plan, service, zone.name());
      }
      t.connectFee = rate.get().connectFee();
      t.price = rate.get().price();
      t.firstInterval = rate.get().firstInterval();
      t.nextInterval = rate.get().nextInterval();
      t.rateValidFromMillis = rate.get().validFrom().toEpochMilli();
    }
    if (blockedSim(call)) {
      return new TariffDecision.Priced(t);
    }
    if (zone.euData() && plan.euDataLimitMb() != null) {
      Optional<Rate> eu = priced(ref, plan, service, RatingZone.ROAM_EU_DATA, call);
      if (eu.isEmpty()) {
        return missing(plan, service, RatingZone.ROAM_EU_DATA);
      }
      t.euDataConnectFee = eu.get().connectFee();
      t.euDataPrice = eu.get().price();
    }
    if (fairUseMayApply(call)) {
      Optional<Rate> fairUse = priced(ref, plan, service, RatingZone.FAIR_USE, call);
      if (fairUse.isEmpty()) {
        return missing(plan, service, RatingZone.FAIR_USE);
      }
      t.fairUsePrice = fairUse.get().price();
    }
    return new TariffDecision.Priced(t);
  }

  /** Whether the event is at or after the SIM block notice (docs/rating.md, "Blocked SIM"). */
  static boolean blockedSim(MediatedCall call) {
    return call.simBlockedAtMillis != null && call.eventStartMillis >= call.simBlockedAtMillis;
  }

  /**
   * A priced event roaming in an EU-zone country that is not Nordic or Baltic, with a fair-use
   * window long enough to judge: whether it is surcharged depends only on its presence days.
   */
  private static boolean fairUseMayApply(MediatedCall call) {
    return call.visitedZone == VisitedZone.EU
        && !call.roamingNordicBaltic
        && FairUse.judged(RetailRater.eventDateOf(call), subscriptionStartDate(call));
  }

  static LocalDate subscriptionStartDate(MediatedCall call) {
    return LocalDate.ofInstant(
        Instant.ofEpochMilli(call.subscriptionValidFromMillis), RetailRater.OSLO);
  }

  /** A rate row that can price: present and with a price. */
  private static Optional<Rate> priced(
      ReferenceData ref, PricePlan plan, Service service, String zone, MediatedCall call) {
    return ref.rate(plan.planId(), service, zone, Instant.ofEpochMilli(call.eventStartMillis))
        .filter(r -> r.price() != null);
  }

  private static TariffDecision missing(PricePlan plan, Service service, String zone) {
    // A row without a price cannot price anything: it counts as missing.
    return new TariffDecision.NoRate(
        "no rate row for plan " + plan.planId() + ", service " + service + ", zone " + zone);
  }
}
