package org.cdrflow.domain;

import java.math.BigDecimal;
import java.util.Objects;
import org.cdrflow.reference.DataOverage;

/**
 * Everything that prices one event, resolved once from the reference data as of its event time by
 * {@code TariffRule} in mediation and carried with the event to the rater (docs/rating.md,
 * "Rejected events"): the rating zone, the row that prices it, the plan's allowances, and the
 * {@code ROAM_EU_DATA} and {@code FAIR_USE} prices where the event may need them. The rater reads
 * no price from the reference data, so it has nothing left to reject.
 *
 * <p>A Flink POJO: public fields and a no-argument constructor.
 */
public class Tariff {
  /**
   * The rating zone ({@code invoice_line.rating_zone} unless the line goes beyond the EU limit).
   */
  public String zone;

  /** Whether the zone draws on the plan's allowances. */
  public boolean drawsAllowance;

  /** EU-zone data: domestic up to the plan's EU data limit, {@code ROAM_EU_DATA} beyond. */
  public boolean euData;

  /** Connect fee of the zone's {@code rate} row, or of the {@code special_number} row. */
  public BigDecimal connectFee;

  /** Price per minute, SMS or MB of the zone; null for {@code FREE}. */
  public BigDecimal price;

  /** Charging intervals of the zone's rate row; null bills per second. */
  public Integer firstInterval;

  public Integer nextInterval;

  /** The {@code ROAM_EU_DATA} row, present when EU-zone data may go beyond the EU limit. */
  public BigDecimal euDataConnectFee;

  public BigDecimal euDataPrice;

  /** The {@code FAIR_USE} price, present exactly when the fair-use surcharge may apply. */
  public BigDecimal fairUsePrice;

  /** The plan's allowances and data overage rule ({@code price_plan}). */
  public Integer voiceMinutes;

  public Integer smsCount;
  public Integer dataMb;
  public Integer euDataLimitMb;
  public DataOverage dataOverage;
  public BigDecimal dataOverageCap;

  /** The plan (price_plan.plan_id) whose version priced the event. */
  public String planId;

  /**
   * Valid_from of the zone's {@code rate} version, epoch millis; null for {@code FREE} and {@code
   * SPECIAL} lines (docs/rerating.md, "Tariff versions").
   */
  public Long rateValidFromMillis;

  /** The reference_version of the snapshot the tariff was resolved from. */
  public Long referenceVersion;

  /** The zone of a line at no charge; {@code RatingZone.FREE} names the same zone. */
  public static final String FREE_ZONE = "FREE";

  public Tariff() {}

  /** A line at no charge. */
  public boolean isFree() {
    return FREE_ZONE.equals(zone);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tariff t
        && drawsAllowance == t.drawsAllowance
        && euData == t.euData
        && Objects.equals(zone, t.zone)
        && Objects.equals(connectFee, t.connectFee)
        && Objects.equals(price, t.price)
        && Objects.equals(firstInterval, t.firstInterval)
        && Objects.equals(nextInterval, t.nextInterval)
        && Objects.equals(euDataConnectFee, t.euDataConnectFee)
        && Objects.equals(euDataPrice, t.euDataPrice)
        && Objects.equals(fairUsePrice, t.fairUsePrice)
        && Objects.equals(voiceMinutes, t.voiceMinutes)
        && Objects.equals(smsCount, t.smsCount)
        && Objects.equals(dataMb, t.dataMb)
        && Objects.equals(euDataLimitMb, t.euDataLimitMb)
        && dataOverage == t.dataOverage
        && Objects.equals(dataOverageCap, t.dataOverageCap)
        && Objects.equals(planId, t.planId)
        && Objects.equals(rateValidFromMillis, t.rateValidFromMillis)
        && Objects.equals(referenceVersion, t.referenceVersion);
  }

  @Override
  public int hashCode() {
    return Objects.hash(zone, price, fairUsePrice);
  }

  @Override
  public String toString() {
    return "Tariff " + zone + ' ' + price;
  }
}
