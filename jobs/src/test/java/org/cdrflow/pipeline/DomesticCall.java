package org.cdrflow.pipeline;

import java.time.Instant;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.rating.TariffDecision;
import org.cdrflow.rating.TariffRule;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.schema.RecordType;

/**
 * The rater tests' call: a mediated domestic call from +4791000101 (plan {@code P}, since 2025) to
 * a Norwegian mobile, as mediation hands it on.
 */
final class DomesticCall {
  private DomesticCall() {}

  /** Without its tariff, as a test of the rater's state needs it. */
  static MediatedCall unpriced(String ref, long start, int seconds, String subscriptionId) {
    MediatedCall c = new MediatedCall();
    c.networkElement = "MSC-OSL-1";
    c.callReference = ref;
    c.recordType = RecordType.MOC;
    c.lineId = ref;
    c.eventStartMillis = start;
    c.durationSeconds = seconds;
    c.msisdn = "+4791000101";
    c.subscriptionId = subscriptionId;
    c.accountId = "ACC-1";
    c.planId = "P";
    c.subscriptionValidFromMillis = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
    c.counterpartNumber = "+4745000000";
    c.counterpartClass = NumberClass.MOBILE;
    c.counterpartCountry = "NO";
    c.counterpartZone = "NO";
    c.visitedZone = VisitedZone.HOME;
    return c;
  }

  /** With the tariff mediation decides for it under {@code ref}. */
  static MediatedCall priced(
      String ref, long start, int seconds, String subscriptionId, ReferenceData reference) {
    MediatedCall c = unpriced(ref, start, seconds, subscriptionId);
    c.tariff =
        ((TariffDecision.Priced)
                new TariffRule()
                    .decide(
                        c,
                        reference.plan("P", Instant.ofEpochMilli(start)).orElseThrow(),
                        reference))
            .tariff();
    return c;
  }
}
