package org.cdrflow.rating;

import java.time.Instant;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.reference.ReferenceData;

/**
 * What the job does with one event, without Flink: mediation resolves its tariff ({@link
 * TariffRule}), the rater rates it. A test that expects a line fails when the tariff cannot be
 * resolved.
 */
final class PricedRater {
  private final TariffRule tariffs = new TariffRule();
  private final RetailRater rater = new RetailRater();

  RatingOutcome rate(
      MediatedCall call, PeriodUsage usage, PresenceDays presence, ReferenceData ref, Instant now) {
    TariffDecision decision =
        tariffs.decide(
            call,
            ref.plan(call.planId, java.time.Instant.ofEpochMilli(call.eventStartMillis))
                .orElseThrow(() -> new AssertionError("no plan " + call.planId)),
            ref);
    if (decision instanceof TariffDecision.NoRate noRate) {
      throw new AssertionError("no tariff: " + noRate.detail());
    }
    call.tariff = ((TariffDecision.Priced) decision).tariff();
    return rater.rate(call, usage, presence, ref, now);
  }
}
