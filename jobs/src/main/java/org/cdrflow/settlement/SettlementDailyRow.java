package org.cdrflow.settlement;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One row of {@code settlement_daily} (docs/settlement.md, "`settlement_daily`: one row per
 * partner, direction, product, currency and day"), keyed by (partnerId, direction, product,
 * currency, day). Its figures are the absolute totals of the key's detail rows, so the sink
 * overwrites the stored row with them (upsert); it never adds them to what is stored, which would
 * count an event again after every recovery or replay. A Flink POJO.
 */
public class SettlementDailyRow {
  public String partnerId;

  /** {@link SettlementDirection} name. */
  public String direction;

  /** {@link SettlementProduct} name. */
  public String product;

  public String currency;

  /** Europe/Oslo day, ISO-8601 (a string: Flink would serialize a LocalDate with Kryo). */
  public String day;

  /** Number of settled events ({@code settlement_call} rows). */
  public long events;

  /** Sum of their seconds (0 for SMS). */
  public long seconds;

  /** Sum of their amounts, scale 6. */
  public BigDecimal amount;

  /**
   * The state lineage of the writer (docs/reliability.md, "A start without state"); not part of the
   * figures, so not of {@link #equals}.
   */
  public String lineageId;

  public SettlementDailyRow() {}

  public SettlementDailyRow(
      String partnerId,
      String direction,
      String product,
      String currency,
      LocalDate day,
      long events,
      long seconds,
      BigDecimal amount) {
    this.partnerId = partnerId;
    this.direction = direction;
    this.product = product;
    this.currency = currency;
    this.day = day == null ? null : day.toString();
    this.events = events;
    this.seconds = seconds;
    this.amount = amount;
  }

  /** {@link #day} as a date. */
  public LocalDate localDay() {
    return LocalDate.parse(day);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof SettlementDailyRow)) {
      return false;
    }
    SettlementDailyRow that = (SettlementDailyRow) o;
    return events == that.events
        && seconds == that.seconds
        && Objects.equals(partnerId, that.partnerId)
        && Objects.equals(direction, that.direction)
        && Objects.equals(product, that.product)
        && Objects.equals(currency, that.currency)
        && Objects.equals(day, that.day)
        && Objects.equals(amount, that.amount);
  }

  @Override
  public int hashCode() {
    return Objects.hash(partnerId, direction, product, currency, day, events, seconds, amount);
  }

  @Override
  public String toString() {
    return "SettlementDailyRow["
        + partnerId
        + ", "
        + direction
        + ", "
        + product
        + ", "
        + currency
        + ", "
        + day
        + ", events="
        + events
        + ", seconds="
        + seconds
        + ", amount="
        + amount
        + ']';
  }
}
