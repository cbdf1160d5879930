package org.cdrflow.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** As-of lookups: every answer is the one in force at the given moment, intervals half-open. */
class ReferenceDataTest {
  private static final ReferenceData REF =
      ReferenceData.builder()
          // +4790000108 was SUB-A's until 2026-03-01, then (after quarantine) SUB-B's from 06-01.
          .subscription(
              new Subscription(
                  "SUB-A",
                  "ACC-A",
                  "+4790000108",
                  null,
                  "MINI",
                  at("2025-01-01T00:00:00Z"),
                  at("2026-03-01T00:00:00Z")))
          .subscription(
              new Subscription(
                  "SUB-B", "ACC-B", "+4790000108", null, "SMART", at("2026-06-01T00:00:00Z"), null))
          .simBlock(new SimBlock("+4790000108", at("2026-02-10T12:00:00Z")))
          .numberRange("+474", "HOME")
          .numberRange("+4745", "OPA")
          .numberRange("+47459", "OPB")
          .portedNumber(new PortedNumber("+4745123456", "HOME", at("2026-05-01T00:00:00Z")))
          .portedNumber(new PortedNumber("+4745123456", "OPB", at("2026-09-01T00:00:00Z")))
          .interconnectRate(rate("0.05", "2026-01-01T00:00:00Z"))
          .interconnectRate(rate("0.06", "2026-07-01T00:00:00Z"))
          .specialNumber(
              new SpecialNumber("+47820", "premium", BigDecimal.ONE, BigDecimal.TEN, null))
          .specialNumber(
              new SpecialNumber("+478201", "premium+", BigDecimal.ZERO, BigDecimal.ONE, null))
          .billingPeriod(YearMonth.of(2026, 9), at("2026-10-05T00:00:00Z"))
          .billingPeriod(YearMonth.of(2026, 10), at("2026-11-05T00:00:00Z"))
          .build();

  @ParameterizedTest(name = "{0} at {1} → {2}")
  @CsvSource({
    "+4790000108, 2024-12-31T23:59:59.999Z, ",
    "+4790000108, 2025-01-01T00:00:00Z,     SUB-A",
    "+4790000108, 2026-02-28T23:59:59.999Z, SUB-A",
    "+4790000108, 2026-03-01T00:00:00Z,     ", // valid_to is exclusive; quarantine: nobody
    "+4790000108, 2026-06-01T00:00:00Z,     SUB-B",
    "+4790000109, 2026-06-01T00:00:00Z,     ",
  })
  void aReassignedNumberBelongsToWhoeverHeldItAtTheEventTime(String msisdn, String t, String sub) {
    assertEquals(
        Optional.ofNullable(sub),
        REF.subscriptionAt(msisdn, at(t)).map(Subscription::subscriptionId));
  }

  @ParameterizedTest(name = "{0} at {1} → {2}")
  @CsvSource({
    "+4741234567, 2026-06-01T00:00:00Z, HOME", // range +474
    "+4745000000, 2026-06-01T00:00:00Z, OPA", // longer prefix +4745 wins
    "+4745900000, 2026-06-01T00:00:00Z, OPB", // longest prefix +47459
    "+4745123456, 2026-04-30T23:59:59Z, OPA", // before its porting: the range
    "+4745123456, 2026-05-01T00:00:00Z, HOME", // ported to us
    "+4745123456, 2026-09-01T00:00:00Z, OPB", // ported on
    "+4722000000, 2026-06-01T00:00:00Z, ",
  })
  void theOperatorOfANumberIsItsPortingAtTheEventTimeElseTheLongestRange(
      String number, String t, String operator) {
    assertEquals(Optional.ofNullable(operator), REF.operatorOf(number, at(t)));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "2025-12-31T23:59:59Z, ",
    "2026-01-01T00:00:00Z, 0.05",
    "2026-06-30T23:59:59.999Z, 0.05",
    "2026-07-01T00:00:00Z, 0.06",
  })
  void theInterconnectRateIsTheOneInForceAtTheEventTime(String t, String price) {
    assertEquals(
        Optional.ofNullable(price).map(BigDecimal::new),
        REF.interconnectRate("PTN-OPA", "OUT", "VOICE_TERM_MOBILE", at(t))
            .map(InterconnectRate::price));
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "+4782012345, premium+",
    "+4782099999, premium",
    "+47820, premium",
    "+4782, ",
    "+4781000000, "
  })
  void theLongestSpecialNumberPrefixWins(String number, String description) {
    assertEquals(
        Optional.ofNullable(description),
        REF.specialNumber(number).map(SpecialNumber::description));
  }

  @ParameterizedTest(name = "usage {0} processed at {1} → billed in {2}")
  @CsvSource({
    "2026-09, 2026-10-04T23:59:59Z, 2026-09", // still open
    "2026-09, 2026-10-05T00:00:00Z, 2026-10", // closed at closed_at: first open after it
    "2026-09, 2026-11-05T00:00:00Z, 2026-11", // both closed
    "2026-11, 2026-12-01T00:00:00Z, 2026-11", // no row: open
  })
  void aLineOfAClosedPeriodGoesToTheFirstOpenPeriodAfterIt(
      String usage, String now, String billed) {
    assertEquals(YearMonth.parse(billed), REF.billingPeriodFor(YearMonth.parse(usage), at(now)));
  }

  @ParameterizedTest(name = "{0} → blocked {1}")
  @CsvSource({
    "2026-02-10T11:59:59Z, false",
    "2026-02-10T12:00:00Z, true",
    "2026-02-20T00:00:00Z, true",
  })
  void aSimBlockAppliesFromTheNoticeOn(String t, boolean blocked) {
    Subscription a = REF.subscriptionAt("+4790000108", at("2026-01-01T00:00:00Z")).orElseThrow();
    assertEquals(blocked, REF.blockedAt(a, at(t)).isPresent());
  }

  @org.junit.jupiter.api.Test
  void theBlockOfAFormerHolderDoesNotFollowTheNumber() {
    Subscription b = REF.subscriptionAt("+4790000108", at("2026-07-01T00:00:00Z")).orElseThrow();
    assertEquals(Optional.empty(), REF.blockedAt(b, at("2026-07-01T00:00:00Z")));
  }

  private static InterconnectRate rate(String price, String from) {
    return new InterconnectRate(
        "PTN-OPA", "OUT", "VOICE_TERM_MOBILE", new BigDecimal(price), "MINUTE", "NOK", at(from));
  }

  /** A subscription starts at the earliest valid_from of its id; a plan change adds a row. */
  @ParameterizedTest(name = "{0} at {1} started {2}")
  @CsvSource({
    "+4791000001, 2025-06-01T00:00:00Z, 2024-05-19T22:00:00Z",
    "+4791000001, 2026-10-12T00:00:00Z, 2024-05-19T22:00:00Z",
    "+4791000002, 2026-10-12T00:00:00Z, 2026-03-01T00:00:00Z",
  })
  void aSubscriptionStartsAtItsEarliestRow(String msisdn, String t, String start) {
    ReferenceData ref =
        ReferenceData.builder()
            .subscription(
                new Subscription(
                    "S1", "A1", "+4791000001", null, "NEW", at("2026-10-10T22:00:00Z"), null))
            .subscription(
                new Subscription(
                    "S1",
                    "A1",
                    "+4791000001",
                    null,
                    "OLD",
                    at("2024-05-19T22:00:00Z"),
                    at("2026-10-10T22:00:00Z")))
            .subscription(
                new Subscription(
                    "S2", "A2", "+4791000002", null, "NEW", at("2026-03-01T00:00:00Z"), null))
            .build();
    Subscription s = ref.subscriptionAt(msisdn, at(t)).orElseThrow();
    assertEquals(at(start), ref.subscriptionStart(s));
  }

  private static Instant at(String t) {
    return Instant.parse(t);
  }
}
