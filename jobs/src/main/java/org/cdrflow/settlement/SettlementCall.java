package org.cdrflow.settlement;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.NameUuid;
import org.cdrflow.reference.OsloCalendar;
import org.cdrflow.schema.RecordType;

/**
 * One row of {@code settlement_call}: a settled event with its partner, product, price and amount
 * (docs/settlement.md, "`settlement_call`: one row per settled event"). A Flink POJO: public fields
 * and a no-argument constructor.
 *
 * <p>{@link #settlementId} is derived from the line key, so writing the same event again (replay,
 * recovery, reprocess) upserts the same row instead of adding one.
 */
public class SettlementCall {
  /** Finance counts days in Norwegian local time. */
  public static final ZoneId SETTLEMENT_ZONE = OsloCalendar.ZONE;

  /** UUID derived from networkElement|callReference|recordType. */
  public String settlementId;

  /** The invoice line of the same event. */
  public String lineId;

  public String partnerId;

  /** {@link SettlementDirection} name. */
  public String direction;

  /** {@link SettlementProduct} name. */
  public String product;

  /** Event time, epoch milliseconds (UTC). */
  public long eventStart;

  /**
   * The event's day in Europe/Oslo, ISO-8601 ({@code 2026-07-10}): the day of {@code
   * settlement_daily} it counts on. A string, not a {@link LocalDate}, because Flink would
   * serialize a LocalDate field with Kryo.
   */
  public String eventDate;

  /** Actual duration of a call in seconds; 0 for an SMS. */
  public long seconds;

  /** Events this row stands for: always 1 (one call, however many partials; one SMS). */
  public long units;

  /** The interconnect price in force at the event time, per {@code unit} of the rate. */
  public BigDecimal price;

  /** Valid_from of the interconnect_rate version that gave {@link #price}, epoch millis. */
  public Long interconnectRateValidFrom;

  /** The wholesale amount, scale 6 ({@link WholesaleAmount}). */
  public BigDecimal amount;

  public String currency;

  /** Calling number (E.164, or as dialled); null when withheld. Personal data. */
  public String aNumber;

  /** Called number (E.164, or as dialled). Personal data. */
  public String bNumber;

  public SettlementCall() {}

  /**
   * The settlement row of an event whose settlement fields were filled from a {@link
   * SettlementDecision.Settled} (see {@link SettlementDecision#applyTo}).
   *
   * @throws IllegalArgumentException if the event is not settled or its settlement fields are
   *     incomplete
   */
  public static SettlementCall of(MediatedCall call) {
    if (!isSettled(call)) {
      throw new IllegalArgumentException(
          "line "
              + call.lineId
              + " has no complete settlement (partner, direction, product,"
              + " unit, currency and price are all needed)");
    }
    SettlementUnit unit = SettlementUnit.parse(call.settlementUnit);
    SettlementCall row = new SettlementCall();
    row.settlementId = idOf(call.networkElement, call.callReference, call.recordType);
    row.lineId = call.lineId;
    row.partnerId = call.settlementPartnerId;
    row.direction = call.settlementDirection;
    row.product = call.settlementProduct;
    row.eventStart = call.eventStartMillis;
    row.eventDate = dayOf(call.eventStartMillis).toString();
    row.seconds = unit == SettlementUnit.MINUTE ? call.durationSeconds : 0;
    row.units = 1;
    row.price = call.settlementPrice;
    row.interconnectRateValidFrom = call.settlementRateValidFromMillis;
    row.amount = WholesaleAmount.of(unit, call.settlementPrice, row.seconds, row.units);
    row.currency = call.settlementCurrency;
    switch (call.recordType) {
      case MOC, FWD, SMS_MO -> {
        row.aNumber = call.msisdn;
        row.bNumber = call.counterpartNumber;
      }
      case MTC, SMS_MT -> {
        row.aNumber = call.counterpartNumber;
        row.bNumber = call.msisdn;
      }
      default ->
          throw new IllegalArgumentException(
              "line " + call.lineId + ": a " + call.recordType + " record is never settled");
    }
    return row;
  }

  /** True when {@code call} carries a complete settlement decision. */
  public static boolean isSettled(MediatedCall call) {
    return call.settlementPartnerId != null
        && call.settlementDirection != null
        && call.settlementProduct != null
        && call.settlementUnit != null
        && call.settlementCurrency != null
        && call.settlementPrice != null;
  }

  /** The settlement id of a line key: stable across replays, distinct from the line id. */
  public static String idOf(String networkElement, String callReference, RecordType recordType) {
    Objects.requireNonNull(networkElement, "networkElement");
    Objects.requireNonNull(callReference, "callReference");
    Objects.requireNonNull(recordType, "recordType");
    String key = "settlement|" + networkElement + '|' + callReference + '|' + recordType;
    return NameUuid.of(key);
  }

  /** {@link #eventDate} as a date. */
  public LocalDate eventLocalDate() {
    return LocalDate.parse(eventDate);
  }

  /** The Europe/Oslo day of an event time. */
  public static LocalDate dayOf(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).atZone(SETTLEMENT_ZONE).toLocalDate();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SettlementCall)) {
      return false;
    }
    SettlementCall that = (SettlementCall) o;
    return eventStart == that.eventStart
        && seconds == that.seconds
        && units == that.units
        && Objects.equals(settlementId, that.settlementId)
        && Objects.equals(lineId, that.lineId)
        && Objects.equals(partnerId, that.partnerId)
        && Objects.equals(direction, that.direction)
        && Objects.equals(product, that.product)
        && Objects.equals(eventDate, that.eventDate)
        && Objects.equals(price, that.price)
        && Objects.equals(amount, that.amount)
        && Objects.equals(currency, that.currency)
        && Objects.equals(aNumber, that.aNumber)
        && Objects.equals(bNumber, that.bNumber);
  }

  @Override
  public int hashCode() {
    return Objects.hash(settlementId, lineId, eventStart, amount);
  }

  /** Without the A and B numbers: this may end up in a log line. */
  @Override
  public String toString() {
    return "SettlementCall[settlementId="
        + settlementId
        + ", partnerId="
        + partnerId
        + ", direction="
        + direction
        + ", product="
        + product
        + ", eventDate="
        + eventDate
        + ", seconds="
        + seconds
        + ", units="
        + units
        + ", price="
        + price
        + ", amount="
        + amount
        + ", currency="
        + currency
        + ']';
  }
}
