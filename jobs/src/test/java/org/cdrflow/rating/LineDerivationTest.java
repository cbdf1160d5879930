package org.cdrflow.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.cdrflow.reference.DataOverage;
import org.cdrflow.reference.PricePlan;
import org.cdrflow.reference.Rate;
import org.cdrflow.reference.Service;
import org.junit.jupiter.api.Test;

/** {@code cdrflow explain} of the worked example of docs/rating.md prints its derivation. */
class LineDerivationTest {

  private static final PricePlan PLAN =
      new PricePlan("PC", "Plan", 10, 5, 10, 4, DataOverage.CHARGE, new BigDecimal("10.00"));

  private static LineDerivation.Line voice() {
    LineDerivation.Line l = new LineDerivation.Line();
    l.lineId = "6b7f0c1e-0000-0000-0000-000000000001";
    l.networkElement = "MSC-OSL-1";
    l.callReference = "C-1";
    l.eventStart = Instant.parse("2026-03-10T09:00:00Z");
    l.service = "VOICE";
    l.direction = "MO";
    l.counterpartCountry = "NO";
    l.counterpartClass = "MOBILE";
    l.roamingCountry = "ES";
    l.visitedZone = "EU";
    l.ratingZone = "DOMESTIC";
    l.durationS = 61;
    l.billedUnits = 90;
    l.allowanceUnits = 10;
    l.chargeableUnits = 80;
    l.amount = new BigDecimal("2.55");
    l.currency = "NOK";
    l.flags = List.of("FAIR_USE_SURCHARGE");
    l.planId = "PC";
    l.rateValidFrom = Instant.EPOCH;
    l.unitPrice = new BigDecimal("1.2000");
    l.connectFee = new BigDecimal("0.5000");
    l.fairUseSurcharge = new BigDecimal("0.45");
    l.allowanceBefore = 10L;
    l.allowanceAfter = 0L;
    l.rawRecords = 1;
    l.sourceTopic = "cdr.raw";
    l.sourcePartition = 2;
    l.sourceOffset = 17L;
    return l;
  }

  @Test
  void theVoiceLineOfTheWorkedExample() {
    LineDerivation.Line l = voice();
    LineDerivation.Reference ref =
        new LineDerivation.Reference(
            PLAN,
            new Rate(
                "PC",
                Service.VOICE,
                "DOMESTIC",
                new BigDecimal("0.50"),
                new BigDecimal("1.20"),
                30,
                30),
            new Rate(
                "PC",
                Service.VOICE,
                "FAIR_USE",
                BigDecimal.ZERO,
                new BigDecimal("0.30"),
                null,
                null),
            "NO",
            false,
            false);
    String text = LineDerivation.toText(l, LineDerivation.derive(l, ref));
    assertTrue(text.contains("cdr.raw partition 2 offset 17"), text);
    assertTrue(text.contains("row 10 of the zone table decided"), text);
    assertTrue(text.contains("intervals 30/30"), text);
    assertTrue(text.contains("61 s > 30 → 30 + ⌈31 / 30⌉ × 30 = 90 s"), text);
    assertTrue(
        text.contains("10 s left before, 0 after → allowance_units 10, chargeable_units 80"), text);
    assertTrue(text.contains("90 × 0.30 / 60 = 0.45 (flag FAIR_USE_SURCHARGE)"), text);
    assertTrue(
        text.contains("0.50 + 80 × 1.20 / 60 + 90 × 0.30 / 60 = 0.50 + 1.60 + 0.45 = 2.55 NOK"),
        text);
  }

  @Test
  void theDataLineOfTheWorkedExample() {
    LineDerivation.Line l = voice();
    l.service = "DATA";
    l.counterpartClass = null;
    l.counterpartCountry = null;
    l.ratingZone = "ROAM_EU_DATA";
    l.durationS = null;
    l.volumeBytes = 1_200_000L;
    l.billedUnits = 1200;
    l.allowanceUnits = 500;
    l.chargeableUnits = 700;
    l.unitPrice = new BigDecimal("4.50");
    l.connectFee = BigDecimal.ZERO;
    l.fairUseSurcharge = new BigDecimal("3");
    l.allowanceBefore = 6500L;
    l.allowanceAfter = 6000L;
    l.amount = new BigDecimal("6.15");
    LineDerivation.Reference ref =
        new LineDerivation.Reference(
            PLAN,
            new Rate(
                "PC",
                Service.DATA,
                "ROAM_EU_DATA",
                BigDecimal.ZERO,
                new BigDecimal("4.50"),
                null,
                null),
            new Rate(
                "PC",
                Service.DATA,
                "FAIR_USE",
                BigDecimal.ZERO,
                new BigDecimal("2.50"),
                null,
                null),
            null,
            false,
            false);
    String text = LineDerivation.toText(l, LineDerivation.derive(l, ref));
    assertTrue(text.contains("row 15 of the zone table decided"), text);
    assertTrue(text.contains("beyond the EU data limit"), text);
    assertTrue(
        text.contains("700 × 4.50 / 1000 + 1200 × 2.50 / 1000 = 3.15 + 3.00 = 6.15 NOK"), text);
  }

  @Test
  void anAnonymisedLineSaysSo() {
    LineDerivation.Line l = voice();
    l.anonymisedAt = Instant.parse("2026-09-01T00:00:00Z");
    List<LineDerivation.Step> steps =
        LineDerivation.derive(
            l, new LineDerivation.Reference(null, null, null, null, false, false));
    assertEquals(1, steps.size());
    assertTrue(steps.get(0).text().startsWith("this line was anonymised"), steps.toString());
  }
}
