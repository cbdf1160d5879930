package org.cdrflow.rating;

import org.cdrflow.schema.NotificationKind;

/**
 * What one subscription has used in one usage period (the Europe/Oslo calendar month of the
 * events), kept by the streaming job in keyed state (docs/rating.md, "Allowances"): allowance
 * drawn, EU-zone data, data overage charged, and which notifications were sent.
 *
 * <p>A Flink POJO (public no-argument constructor, public fields of primitive and String types) of
 * about 60 bytes serialised. The rater mutates it only when it rates a record; a rejection leaves
 * it as it was.
 */
public class PeriodUsage {
  /** Billed seconds covered by the voice allowance. */
  public long voiceSeconds;

  /** Messages covered by the SMS allowance. */
  public long smsCount;

  /** Kilobytes covered by the data allowance. */
  public long dataKb;

  /** Kilobytes of data used roaming in the EU zone, counted against the plan's EU data limit. */
  public long euDataKb;

  /** Sum of the rounded data overage amounts charged, in øre, counted against the overage cap. */
  public long overageOre;

  /** Bit per {@link NotificationKind} ordinal already sent (ROAMING_ENTER: see the countries). */
  public int notified;

  /** Visited countries (ISO alpha-2) already notified this period, comma separated, or null. */
  public String roamingCountries;

  public PeriodUsage() {}

  public boolean wasNotified(NotificationKind kind) {
    return (notified & (1 << kind.ordinal())) != 0;
  }

  void markNotified(NotificationKind kind) {
    notified |= 1 << kind.ordinal();
  }

  /**
   * The overage cap was reached: data past the allowance is throttled for the rest of the period.
   */
  public boolean overageCapReached() {
    return wasNotified(NotificationKind.OVERAGE_CAP);
  }

  public boolean wasNotifiedOfCountry(String iso2) {
    if (roamingCountries == null || iso2 == null) {
      return false;
    }
    for (String c : roamingCountries.split(",")) {
      if (c.equals(iso2)) {
        return true;
      }
    }
    return false;
  }

  void markNotifiedOfCountry(String iso2) {
    roamingCountries = roamingCountries == null ? iso2 : roamingCountries + ',' + iso2;
  }

  @Override
  public String toString() {
    return "PeriodUsage{voiceSeconds="
        + voiceSeconds
        + ", smsCount="
        + smsCount
        + ", dataKb="
        + dataKb
        + ", euDataKb="
        + euDataKb
        + ", overageOre="
        + overageOre
        + ", notified="
        + notified
        + ", roamingCountries="
        + roamingCountries
        + '}';
  }
}
