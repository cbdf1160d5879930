package org.cdrflow.settlement;

import java.math.BigDecimal;
import java.util.Objects;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.reference.InterconnectRate;

/**
 * The outcome of {@link InterconnectSettlementRule#decide}: settled with a partner at a price,
 * correctly not settled, or rejected because the reference data has a gap.
 */
public sealed interface SettlementDecision
    permits SettlementDecision.Settled, SettlementDecision.NotSettled, SettlementDecision.Rejected {

  /**
   * Writes this decision into the settlement fields of {@code call}: filled when settled, cleared
   * otherwise (so that enriching a call twice never leaves a stale partner behind).
   */
  void applyTo(MediatedCall call);

  /**
   * Settled with {@code partnerId} in {@code direction} as {@code product}, at {@code rate}, the
   * {@code interconnect_rate} row in force at the event time.
   */
  record Settled(
      String partnerId,
      SettlementDirection direction,
      SettlementProduct product,
      InterconnectRate rate)
      implements SettlementDecision {

    public Settled {
      Objects.requireNonNull(partnerId, "partnerId");
      Objects.requireNonNull(direction, "direction");
      Objects.requireNonNull(product, "product");
      Objects.requireNonNull(rate, "rate");
    }

    public BigDecimal price() {
      return rate.price();
    }

    public SettlementUnit unit() {
      return SettlementUnit.parse(rate.unit());
    }

    public String currency() {
      return rate.currency();
    }

    @Override
    public void applyTo(MediatedCall call) {
      call.settlementPartnerId = partnerId;
      call.settlementDirection = direction.name();
      call.settlementProduct = product.name();
      call.settlementUnit = rate.unit();
      call.settlementCurrency = rate.currency();
      call.settlementPrice = rate.price();
      call.settlementRateValidFromMillis = rate.validFrom().toEpochMilli();
    }
  }

  /** Not settled here, for {@code reason}; not an error. */
  record NotSettled(NotSettledReason reason) implements SettlementDecision {

    public NotSettled {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public void applyTo(MediatedCall call) {
      clear(call);
    }
  }

  /**
   * Must be settled but cannot be: reject the event with {@code reason}. {@code detail} names the
   * missing reference row for BSS and never contains a phone number or any part of one.
   */
  record Rejected(SettlementRejectReason reason, String detail) implements SettlementDecision {

    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    @Override
    public void applyTo(MediatedCall call) {
      clear(call);
    }
  }

  private static void clear(MediatedCall call) {
    call.settlementPartnerId = null;
    call.settlementDirection = null;
    call.settlementProduct = null;
    call.settlementUnit = null;
    call.settlementCurrency = null;
    call.settlementPrice = null;
    call.settlementRateValidFromMillis = null;
  }
}
