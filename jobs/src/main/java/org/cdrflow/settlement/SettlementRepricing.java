package org.cdrflow.settlement;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.cdrflow.reference.ReferenceData;

/**
 * Settles a stored {@code settlement_call} row again with the reference data as it is now
 * (docs/rerating.md, "Settlement"). What happened stays: the partner, direction and product the
 * streaming job decided, the seconds and units, the event day. What is priced again: the {@code
 * interconnect_rate} in force at the event time ({@link InterconnectSettlementRule#priced}) and the
 * amount ({@link WholesaleAmount}), the same steps as for a new event.
 *
 * <p>The partner is not decided again: for a terminated call it depends on the trunk the call came
 * in on, which no stored row keeps; a retroactive change of routing data is a replay, not a
 * re-rating.
 */
public final class SettlementRepricing {

  private SettlementRepricing() {}

  /**
   * The row as the reference data prices it now, or empty when nothing changes: the price,
   * currency, rate version and amount are the same, or the rate in force now cannot price it (no
   * rate any more, wrong unit): such a row is kept as it is, like a line that can no longer be
   * priced.
   */
  public static Optional<SettlementCall> reprice(SettlementCall stored, ReferenceData reference) {
    Objects.requireNonNull(stored, "stored");
    SettlementDecision decision =
        InterconnectSettlementRule.priced(
            stored.partnerId,
            SettlementDirection.valueOf(stored.direction),
            SettlementProduct.valueOf(stored.product),
            Instant.ofEpochMilli(stored.eventStart),
            reference);
    if (!(decision instanceof SettlementDecision.Settled settled)) {
      return Optional.empty();
    }
    SettlementCall now = copy(stored);
    now.price = settled.price();
    now.currency = settled.currency();
    now.interconnectRateValidFrom = settled.rate().validFrom().toEpochMilli();
    now.amount = WholesaleAmount.of(settled.unit(), settled.price(), stored.seconds, stored.units);
    boolean same =
        sameNumber(now.price, stored.price)
            && sameNumber(now.amount, stored.amount)
            && Objects.equals(now.currency, stored.currency)
            && Objects.equals(now.interconnectRateValidFrom, stored.interconnectRateValidFrom);
    return same ? Optional.empty() : Optional.of(now);
  }

  /**
   * One correction of a {@code settlement_daily} row: add {@code events}, {@code seconds} and
   * {@code amount} (each may be negative) to the row of the key.
   */
  public record DailyDelta(
      String partnerId,
      String direction,
      String product,
      String currency,
      String day,
      long events,
      long seconds,
      BigDecimal amount) {}

  /**
   * What replacing {@code before} by {@code after} does to {@code settlement_daily}: the amount
   * difference on the row's key; when the currency changed (currencies are never added, docs/
   * settlement.md), the row leaves the old currency's key and joins the new one's. Empty when the
   * amounts are equal in the same currency.
   */
  public static List<DailyDelta> dailyDeltas(SettlementCall before, SettlementCall after) {
    if (!before.settlementId.equals(after.settlementId)) {
      throw new IllegalArgumentException("not the same settlement row");
    }
    if (Objects.equals(before.currency, after.currency)) {
      BigDecimal delta = after.amount.subtract(before.amount);
      if (delta.signum() == 0) {
        return List.of();
      }
      return List.of(delta(before, 0, 0, delta));
    }
    return List.of(
        delta(before, -before.units, -before.seconds, before.amount.negate()),
        delta(after, after.units, after.seconds, after.amount));
  }

  private static DailyDelta delta(SettlementCall row, long events, long seconds, BigDecimal a) {
    return new DailyDelta(
        row.partnerId, row.direction, row.product, row.currency, row.eventDate, events, seconds, a);
  }

  private static boolean sameNumber(BigDecimal a, BigDecimal b) {
    return a == null ? b == null : b != null && a.compareTo(b) == 0;
  }

  private static SettlementCall copy(SettlementCall s) {
    SettlementCall c = new SettlementCall();
    c.settlementId = s.settlementId;
    c.lineId = s.lineId;
    c.partnerId = s.partnerId;
    c.direction = s.direction;
    c.product = s.product;
    c.eventStart = s.eventStart;
    c.eventDate = s.eventDate;
    c.seconds = s.seconds;
    c.units = s.units;
    c.price = s.price;
    c.interconnectRateValidFrom = s.interconnectRateValidFrom;
    c.amount = s.amount;
    c.currency = s.currency;
    c.aNumber = s.aNumber;
    c.bNumber = s.bNumber;
    return c;
  }
}
