package org.cdrflow.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How much data past the allowance a {@code CHARGE} plan still charges before its period cap
 * (docs/rating.md, "Data overage"). The cap counts the rounded overage amounts of the lines, so the
 * charged part of a line is the largest whole number of kB whose rounded amount keeps the period's
 * sum at or below the cap.
 */
final class OverageCap {
  private OverageCap() {}

  /** The cap in øre; fractions of an øre are dropped so that the cap is never exceeded. */
  static long capOre(BigDecimal capNok) {
    return capNok.movePointRight(2).setScale(0, RoundingMode.DOWN).longValueExact();
  }

  /** Rounded overage amount, in øre, of {@code kb} kB at the domestic data rate. */
  static long amountOre(long kb, BigDecimal connectFee, BigDecimal pricePerMb) {
    if (kb <= 0) {
      return 0;
    }
    return new LineAmount(BilledUnits.KB_PER_MB)
        .connectFee(connectFee)
        .units(kb, pricePerMb)
        .roundedOre();
  }

  /**
   * The largest {@code k ≤ uncoveredKb} with {@code chargedOre + amountOre(k) ≤ capOre}. The amount
   * never falls as k grows, so a binary search finds it.
   */
  static long chargeableKb(
      long uncoveredKb,
      long chargedOre,
      long capOre,
      BigDecimal connectFee,
      BigDecimal pricePerMb) {
    long room = capOre - chargedOre;
    if (uncoveredKb <= 0 || room <= 0) {
      return 0;
    }
    if (amountOre(uncoveredKb, connectFee, pricePerMb) <= room) {
      return uncoveredKb;
    }
    long lo = 0; // fits
    long hi = uncoveredKb; // does not fit
    while (hi - lo > 1) {
      long mid = lo + (hi - lo) / 2;
      if (amountOre(mid, connectFee, pricePerMb) <= room) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
