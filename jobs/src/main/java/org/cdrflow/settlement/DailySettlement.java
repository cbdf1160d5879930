package org.cdrflow.settlement;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running totals of one {@code settlement_daily} key — (partner, direction, product, currency,
 * Europe/Oslo day) — that a keyed Flink operator holds in state: add each settled event once, then
 * upsert {@link #toRow()}.
 *
 * <p>Compact on purpose (three longs and the key): the amount is kept in whole micro-units, exact
 * because every detail amount has 6 decimals, so the totals are always exactly the sum of the key's
 * {@link SettlementCall} rows. Correctness after a failure comes from Flink restoring this state
 * together with the source offsets (each event is added once per restored history) and from the
 * sink writing absolute values; events seen twice are dropped earlier by deduplication. A Flink
 * POJO.
 */
public class DailySettlement {
  public String partnerId;
  public String direction;
  public String product;
  public String currency;

  /** Europe/Oslo day, ISO-8601 (a string: Flink would serialize a LocalDate with Kryo). */
  public String day;

  public long events;
  public long seconds;

  /** Sum of the amounts in micro-units (10⁻⁶ of the currency). */
  public long amountMicros;

  public DailySettlement() {}

  /** Empty totals for the key of {@code call}. */
  public static DailySettlement emptyFor(SettlementCall call) {
    DailySettlement d = new DailySettlement();
    d.partnerId = call.partnerId;
    d.direction = call.direction;
    d.product = call.product;
    d.currency = call.currency;
    d.day = call.eventDate;
    return d;
  }

  /** The key to partition settled events by (Flink {@code keyBy}); equal to {@link #key()}. */
  public static String keyOf(SettlementCall call) {
    return key(call.partnerId, call.direction, call.product, call.currency, call.eventDate);
  }

  /**
   * The totals of every key of {@code calls}, in first-seen order: what the streaming operator must
   * hold after seeing exactly these events, for reconciliation against {@code settlement_call}.
   */
  public static Map<String, DailySettlement> sumOf(Iterable<SettlementCall> calls) {
    Map<String, DailySettlement> byKey = new LinkedHashMap<>();
    for (SettlementCall call : calls) {
      byKey.computeIfAbsent(keyOf(call), k -> emptyFor(call)).add(call);
    }
    return byKey;
  }

  public String key() {
    return key(partnerId, direction, product, currency, day);
  }

  /**
   * Adds one settled event.
   *
   * @throws IllegalArgumentException if the event belongs to another key (a mis-keyed operator
   *     would otherwise put one partner's money on another's statement)
   * @throws ArithmeticException on overflow, rather than a wrong total
   */
  public DailySettlement add(SettlementCall call) {
    if (!key().equals(keyOf(call))) {
      throw new IllegalArgumentException(
          "settlement " + call.settlementId + " belongs to " + keyOf(call) + ", not to " + key());
    }
    events = Math.addExact(events, 1);
    seconds = Math.addExact(seconds, call.seconds);
    amountMicros = Math.addExact(amountMicros, WholesaleAmount.toMicros(call.amount));
    return this;
  }

  /** Adds the totals of {@code other}, of the same key (e.g. merging partial aggregates). */
  public DailySettlement merge(DailySettlement other) {
    if (!key().equals(other.key())) {
      throw new IllegalArgumentException(
          "cannot merge totals of " + other.key() + " into " + key());
    }
    events = Math.addExact(events, other.events);
    seconds = Math.addExact(seconds, other.seconds);
    amountMicros = Math.addExact(amountMicros, other.amountMicros);
    return this;
  }

  /** The {@code settlement_daily} row with the absolute totals so far. */
  public SettlementDailyRow toRow() {
    return new SettlementDailyRow(
        partnerId,
        direction,
        product,
        currency,
        LocalDate.parse(day),
        events,
        seconds,
        WholesaleAmount.fromMicros(amountMicros));
  }

  private static String key(
      String partnerId, String direction, String product, String currency, String day) {
    return partnerId + '|' + direction + '|' + product + '|' + currency + '|' + day;
  }

  @Override
  public String toString() {
    return "DailySettlement["
        + key()
        + ", events="
        + events
        + ", seconds="
        + seconds
        + ", amountMicros="
        + amountMicros
        + ']';
  }
}
