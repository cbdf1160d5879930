package org.cdrflow.settlement;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.reference.InterconnectRate;
import org.cdrflow.reference.ReferenceData;

/**
 * Decides whether and how one event is settled with another operator (docs/settlement.md, "What is
 * settled, and with whom"): the partner, the direction, the product and the {@code
 * interconnect_rate} in force at the event time. Every lookup is as of the event time, so replaying
 * an old event gives the answer it had then.
 *
 * <p>Originated events (MOC, FWD, SMS_MO) are settled OUT by what was dialled: the destination
 * decides whether a termination fee is owed and to whom. Terminated events (MTC, SMS_MT) are
 * settled IN by the trunk they entered on: the partner owning that trunk handed us the traffic and
 * owes our termination, wherever our subscriber happened to be.
 *
 * <p>Stateless apart from the home operator id: one instance serves every event of an operator.
 */
public final class InterconnectSettlementRule implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Norway's E.164 prefix; Svalbard (SJ) numbers share it and Norwegian ranges and operators. */
  private static final String NORWEGIAN_PREFIX = "+47";

  private final String homeOperatorId;

  /**
   * @param homeOperatorId our own operator id ({@code home.operator-id}): traffic to numbers of
   *     this operator is on-net
   */
  public InterconnectSettlementRule(String homeOperatorId) {
    if (homeOperatorId == null || homeOperatorId.isBlank()) {
      throw new IllegalArgumentException("home.operator-id is not configured");
    }
    this.homeOperatorId = homeOperatorId;
  }

  public String homeOperatorId() {
    return homeOperatorId;
  }

  /** Decides for an enriched event (counterpart, visited zone and inTrunk filled). */
  public SettlementDecision decide(MediatedCall call, ReferenceData reference) {
    return decide(SettlementEvent.of(call), reference);
  }

  public SettlementDecision decide(SettlementEvent event, ReferenceData reference) {
    Objects.requireNonNull(reference, "reference");
    switch (event.recordType()) {
      case DATA:
        return new SettlementDecision.NotSettled(NotSettledReason.DATA);
      case MOC:
      case FWD:
        return originated(event, false, reference);
      case SMS_MO:
        return originated(event, true, reference);
      case MTC:
        return terminated(event, SettlementProduct.VOICE_TERM_MOBILE, reference);
      case SMS_MT:
        return terminated(event, SettlementProduct.SMS_TERM, reference);
      default:
        // A new record type must be given a settlement rule on purpose; settling or dropping it
        // by accident would both cost money.
        throw new IllegalStateException("no settlement rule for record type " + event.recordType());
    }
  }

  /** MOC, FWD and SMS_MO: OUT to the operator (or transit carrier) of the dialled number. */
  private SettlementDecision originated(
      SettlementEvent event, boolean sms, ReferenceData reference) {
    if (!isAtHome(event.visitedZone())) {
      return notSettled(NotSettledReason.ROAMING);
    }
    String number = event.counterpartNumber();
    if (number == null || number.isBlank()) {
      return notSettled(NotSettledReason.NO_COUNTERPART);
    }
    NumberClass numberClass = event.counterpartClass();
    if (numberClass == NumberClass.EMERGENCY) {
      return notSettled(NotSettledReason.EMERGENCY);
    }
    if (numberClass == NumberClass.TOLL_FREE) {
      return notSettled(NotSettledReason.TOLL_FREE);
    }
    // Short and emergency numbers are the only ones kept as dialled (docs/numbers.md, "Short and
    // emergency numbers"): a number
    // without '+' has no operator to settle with, whatever its class says.
    if (numberClass == NumberClass.SHORT || !number.startsWith("+")) {
      return notSettled(NotSettledReason.SHORT);
    }
    if (numberClass == NumberClass.PREMIUM
        || numberClass == NumberClass.SHARED_COST
        || reference.specialNumber(number).isPresent()) {
      return notSettled(NotSettledReason.SPECIAL_NUMBER);
    }
    Instant t = event.eventTime();
    if (isNorwegian(number, event.counterpartCountry())) {
      Optional<String> operator = reference.operatorOf(number, t);
      if (operator.isEmpty()) {
        return reject(
            SettlementRejectReason.NO_OPERATOR,
            "no operator for the Norwegian counterpart number at the event time: no ported_number"
                + " row in force and no number_range prefix matches");
      }
      if (operator.get().equals(homeOperatorId)) {
        return notSettled(NotSettledReason.ON_NET);
      }
      Optional<String> partner = reference.partnerOfOperator(operator.get());
      if (partner.isEmpty()) {
        return reject(
            SettlementRejectReason.NO_PARTNER,
            "operator "
                + operator.get()
                + " of the Norwegian counterpart number has no partner row");
      }
      return priced(
          partner.get(), SettlementDirection.OUT, domesticProduct(sms, numberClass), t, reference);
    }
    String country = event.counterpartCountry();
    Optional<String> transit = reference.transitPartner(country);
    if (transit.isEmpty()) {
      return reject(
          SettlementRejectReason.NO_TRANSIT_ROUTE,
          country == null
              ? "the foreign counterpart number has no country (non-geographic calling code):"
                  + " no transit_route applies"
              : "no transit_route for country " + country);
    }
    return priced(
        transit.get(),
        SettlementDirection.OUT,
        sms ? SettlementProduct.SMS_TERM : SettlementProduct.VOICE_INTL,
        t,
        reference);
  }

  /**
   * MTC and SMS_MT: IN from the partner owning the trunk the event entered on. The counterpart (the
   * caller) does not matter: the terminating side is always our mobile subscriber, and the trunk is
   * the evidence that the traffic crossed an interconnect. Roaming does not matter either: the
   * originating partner owes our termination without knowing where our subscriber is, and what the
   * visited network charges for the roaming leg is a separate flow (roaming clearing).
   */
  private static SettlementDecision terminated(
      SettlementEvent event, SettlementProduct product, ReferenceData reference) {
    String trunk = event.inTrunk();
    if (trunk == null || trunk.isBlank()) {
      return notSettled(NotSettledReason.NO_IN_TRUNK);
    }
    Optional<String> partner = reference.partnerOfTrunk(trunk);
    if (partner.isEmpty()) {
      return notSettled(NotSettledReason.TRUNK_NOT_PARTNER);
    }
    return priced(partner.get(), SettlementDirection.IN, product, event.eventTime(), reference);
  }

  /**
   * The price step alone: the {@code interconnect_rate} in force at {@code t} for a partner,
   * direction and product already decided, checked as for a new event. Re-rating settles a stored
   * {@code settlement_call} again through this step (docs/rerating.md, "Settlement"), so the two
   * cannot disagree on which rate applies.
   */
  public static SettlementDecision priced(
      String partnerId,
      SettlementDirection direction,
      SettlementProduct product,
      Instant t,
      ReferenceData reference) {
    String key = "partner " + partnerId + ", " + direction + ", " + product;
    Optional<InterconnectRate> found =
        reference.interconnectRate(partnerId, direction.name(), product.name(), t);
    if (found.isEmpty()) {
      return reject(
          SettlementRejectReason.NO_INTERCONNECT_RATE,
          "no interconnect_rate for " + key + " in force at the event time");
    }
    InterconnectRate rate = found.get();
    if (rate.price() == null || rate.price().signum() < 0) {
      return reject(
          SettlementRejectReason.NO_INTERCONNECT_RATE,
          "the interconnect_rate in force for " + key + " has no price or a negative price");
    }
    if (rate.currency() == null || rate.currency().isBlank()) {
      return reject(
          SettlementRejectReason.NO_INTERCONNECT_RATE,
          "the interconnect_rate in force for " + key + " has no currency");
    }
    if (!product.unit().name().equals(rate.unit())) {
      return reject(
          SettlementRejectReason.NO_INTERCONNECT_RATE,
          "the interconnect_rate in force for "
              + key
              + " is priced per "
              + rate.unit()
              + "; the product is priced per "
              + product.unit());
    }
    return new SettlementDecision.Settled(partnerId, direction, product, rate);
  }

  /**
   * Only a number known to be mobile is terminated at the mobile product. Fixed and every other
   * class that reaches here (OTHER: VoIP, personal, voicemail access; UNKNOWN; none) is terminated
   * in the partner's non-mobile network, which is what VOICE_TERM_FIXED prices.
   */
  private static SettlementProduct domesticProduct(boolean sms, NumberClass numberClass) {
    if (sms) {
      return SettlementProduct.SMS_TERM;
    }
    return numberClass == NumberClass.MOBILE
        ? SettlementProduct.VOICE_TERM_MOBILE
        : SettlementProduct.VOICE_TERM_FIXED;
  }

  private static boolean isAtHome(VisitedZone zone) {
    return zone == null || zone.isHome();
  }

  /** By calling code, so that Svalbard (SJ, +47 79) is Norwegian like the rest of +47. */
  private static boolean isNorwegian(String e164, String country) {
    return e164.startsWith(NORWEGIAN_PREFIX) || "NO".equals(country);
  }

  private static SettlementDecision notSettled(NotSettledReason reason) {
    return new SettlementDecision.NotSettled(reason);
  }

  private static SettlementDecision reject(SettlementRejectReason reason, String detail) {
    return new SettlementDecision.Rejected(reason, detail);
  }
}
