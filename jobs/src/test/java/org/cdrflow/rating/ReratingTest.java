package org.cdrflow.rating;

import static org.cdrflow.rating.RatingFixture.EVENT;
import static org.cdrflow.rating.RatingFixture.MSISDN;
import static org.cdrflow.rating.RatingFixture.NOW;
import static org.cdrflow.rating.RatingFixture.VALID_FROM;
import static org.cdrflow.rating.RatingFixture.call;
import static org.cdrflow.rating.RatingFixture.dec;
import static org.cdrflow.rating.RatingFixture.oslo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.reference.Rate;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.Service;
import org.cdrflow.reference.Subscription;
import org.cdrflow.schema.RecordType;
import org.junit.jupiter.api.Test;

/** Shadow re-rating (docs/rerating.md) with the streaming job's own rules. */
class ReratingTest {

  private static final Instant NEW_VERSION = oslo(2026, 3, 10, 10, 30);

  private static ReferenceData.Builder withSubscription() {
    return RatingFixture.referenceBuilder()
        .subscription(new Subscription("S1", "A1", MSISDN, null, "P1", VALID_FROM, null));
  }

  /** Two calls: 700 s at 10:00 (uses up the 10 minutes), 61 s at 11:00; rated by the job. */
  private static List<InvoiceLine> ratedByTheJob(ReferenceData ref) {
    PricedRater job = new PricedRater();
    PeriodUsage usage = new PeriodUsage();
    PresenceDays presence = new PresenceDays();
    List<InvoiceLine> lines = new ArrayList<>();
    int i = 0;
    for (int[] e : new int[][] {{0, 700}, {60, 61}}) {
      MediatedCall c =
          call(
              RecordType.MOC,
              VisitedZone.HOME,
              null,
              "+4791111111",
              NumberClass.MOBILE,
              "NO",
              e[1]);
      c.lineId = "line-" + i++;
      c.eventStartMillis = EVENT.plusSeconds(e[0] * 60L).toEpochMilli();
      lines.add(job.rate(c, usage, presence, ref, NOW).line());
    }
    return lines;
  }

  @Test
  void withUnchangedReferenceDataNothingChanges() {
    ReferenceData ref = withSubscription().build();
    List<Rerating.Outcome> outcomes =
        new Rerating().rerate(ratedByTheJob(ref), new PresenceDays(), ref, NOW);
    assertEquals(2, outcomes.size());
    for (Rerating.Outcome o : outcomes) {
      assertFalse(o.isChanged(), o.changed().toString());
    }
  }

  @Test
  void aNewRateVersionRepricesOnlyTheEventsFromItsValidFrom() {
    List<InvoiceLine> lines = ratedByTheJob(withSubscription().build());
    assertEquals("2.90", lines.get(0).amount.toPlainString()); // 0.50 + 120 × 1.20 / 60
    assertEquals("2.30", lines.get(1).amount.toPlainString()); // 0.50 + 90 × 1.20 / 60
    ReferenceData corrected =
        withSubscription()
            .rate(
                new Rate(
                    "P1",
                    Service.VOICE,
                    "DOMESTIC",
                    dec("0.50"),
                    dec("2.40"),
                    30,
                    30,
                    NEW_VERSION,
                    null))
            .build();

    List<Rerating.Outcome> outcomes =
        new Rerating().rerate(lines, new PresenceDays(), corrected, NOW);

    assertFalse(outcomes.get(0).isChanged());
    Rerating.Outcome second = outcomes.get(1);
    assertEquals(List.of("amount", "rate_valid_from", "unit_price"), second.changed());
    assertEquals("4.10", second.after().amount.toPlainString()); // 0.50 + 90 × 2.40 / 60
    assertEquals(NEW_VERSION.toEpochMilli(), second.after().rateValidFrom);
    // Allowances are drawn again from the start of the period, in event-time order.
    assertEquals(0L, second.after().allowanceBefore);
  }

  /** Flags compare as lists without RERATED, the order kept (the columns diff and publish show). */
  @Test
  void flagsDifferOnlyBesidesRerated() {
    String[][][] cases = {
      {{}, {}},
      {{}, {"RERATED"}},
      {{"LATE"}, {"LATE", "RERATED"}},
      {{"LATE", "RERATED"}, {"RERATED", "LATE"}},
      {{"LATE"}, {}},
      {{"FAIR_USE_SURCHARGE", "LATE"}, {"FAIR_USE_SURCHARGE", "RERATED", "THROTTLED"}},
      {{"FAIR_USE_SURCHARGE", "LATE"}, {"LATE", "FAIR_USE_SURCHARGE"}},
      {{"RERATED", "RERATED"}, {}},
      {{"RERATED", "RERATED"}, {"RERATED"}},
      {{"LATE", "RERATED", "THROTTLED"}, {"LATE", "THROTTLED"}},
      {{"BLOCKED_SIM"}, {"BLOCKED_SIM", "LATE"}},
    };
    for (String[][] c : cases) {
      List<String> a = new ArrayList<>(List.of(c[0]));
      List<String> b = new ArrayList<>(List.of(c[1]));
      a.remove("RERATED");
      b.remove("RERATED");
      assertEquals(
          a.equals(b),
          Rerating.sameFlagsBesidesRerated(c[0], c[1]),
          List.of(c[0]) + " vs " + List.of(c[1]));
    }
    assertEquals(true, Rerating.sameFlagsBesidesRerated(null, new String[0]));
  }
}
