package org.cdrflow.mediation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.function.Consumer;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.rating.InvoiceLine;
import org.cdrflow.rating.PeriodUsage;
import org.cdrflow.rating.PresenceDays;
import org.cdrflow.rating.RetailRater;
import org.cdrflow.reference.CountryZone;
import org.cdrflow.reference.DataOverage;
import org.cdrflow.reference.InterconnectRate;
import org.cdrflow.reference.Partner;
import org.cdrflow.reference.PricePlan;
import org.cdrflow.reference.Rate;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.Service;
import org.cdrflow.reference.SpecialNumber;
import org.cdrflow.reference.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Validation, normalisation and enrichment of one raw record (docs/mediation.md, "Rejects"). */
public class CdrMediationTest {
  private static final long NOW = Instant.parse("2026-10-20T12:00:00Z").toEpochMilli();
  private static final long T = Instant.parse("2026-10-01T08:00:00Z").toEpochMilli();
  private static final String SERVED = "+4791000101";

  private final CdrMediation mediation = new CdrMediation("HOME");

  public static ReferenceData.Builder reference() {
    ReferenceData.Builder b =
        ReferenceData.builder()
            .subscription(
                new Subscription(
                    "SUB-1",
                    "ACC-1",
                    SERVED,
                    "242770000000101",
                    "MINI",
                    Instant.parse("2025-01-01T00:00:00Z"),
                    null))
            .plan(new PricePlan("MINI", "Mini", 100, 100, 1000, 1000, DataOverage.THROTTLE, null))
            .numberRange("+479", "HOME")
            .numberRange("+4745", "OPA")
            .partner(new Partner("PTN-OPA", "Operator A", "OPA"))
            .interconnectRate(
                new InterconnectRate(
                    "PTN-OPA",
                    "OUT",
                    "VOICE_TERM_MOBILE",
                    new BigDecimal("0.059"),
                    "MINUTE",
                    "NOK",
                    Instant.parse("2026-01-01T00:00:00Z")))
            .countryZone(new CountryZone("NO", "NO", true))
            .countryZone(new CountryZone("SE", "EU", true));
    for (Service s : Service.values()) {
      b.rate(new Rate("MINI", s, "DOMESTIC", BigDecimal.ZERO, BigDecimal.ONE, 1, 1));
    }
    return b;
  }

  private static final ReferenceData REF = reference().build();

  public static IncomingCdr moc(Consumer<IncomingCdr> change) {
    IncomingCdr in = new IncomingCdr();
    in.sourceTopic = "cdr.raw";
    in.payload = new byte[] {1};
    in.networkElement = "MSC-OSL-1";
    in.callReference = "REF-1";
    in.sequenceNumber = 0;
    in.lastPartial = true;
    in.recordType = "MOC";
    in.servedMsisdn = SERVED;
    in.calledNumber = "+4745000000";
    in.seizureTime = T - 5_000;
    in.answerTime = T;
    in.durationSeconds = 125;
    in.causeForTerm = "NORMAL";
    change.accept(in);
    return in;
  }

  @ParameterizedTest(name = "{0} = {1} → {2}")
  @CsvSource(
      nullValues = "null",
      value = {
        "networkElement, '',                    MISSING_FIELD",
        "callReference,  null,                  MISSING_FIELD",
        "causeForTerm,   ' ',                   MISSING_FIELD",
        "calledNumber,   null,                  MISSING_FIELD",
        "calledNumber,   '',                    BAD_NUMBER",
        "calledNumber,   ' ',                   BAD_NUMBER",
        "servedMsisdn,   '',                    BAD_NUMBER",
        "servedMsisdn,   null,                  MISSING_FIELD",
        "servedMsisdn,   9100ABCD,              BAD_NUMBER",
        "calledNumber,   12345678901234567,     BAD_NUMBER",
        "durationSeconds, -1,                   BAD_TIME",
        "durationSeconds, 86401,                BAD_TIME",
        "answerTime,     1790841594000,         BAD_TIME",
        "seizureTime,    1990000000000,         BAD_TIME",
        "servedMsisdn,   +4791999999,           UNKNOWN_SUBSCRIBER",
        "calledNumber,   +4782012345,           NO_RATE",
        "calledNumber,   +4746000000,           NO_OPERATOR",
        "visitedPlmn,    99901,                 NO_RATE",
        "sequenceNumber, -2,                    BAD_VALUE",
      })
  void aRecordThatBreaksARuleIsRejectedWithItsReason(String field, String value, String reason)
      throws Exception {
    IncomingCdr in = moc(r -> set(r, field, value));
    if ("seizureTime".equals(field)) {
      in.answerTime = null;
      in.durationSeconds = 0;
    }
    MediationOutcome out = mediation.mediate(in, REF, NOW);
    MediationOutcome.Rejected r = assertInstanceOf(MediationOutcome.Rejected.class, out);
    assertEquals(reason, r.reason().name(), r.detail());
    assertFalse(r.detail().contains("91000101"), "no subscriber number in: " + r.detail());
    assertFalse(r.detail().contains("91999999"), "no subscriber number in: " + r.detail());
    assertFalse(r.detail().contains("45000000"), "no counterpart number in: " + r.detail());
  }

  @Test
  void anUndecodableRecordIsRejectedWithTheDecodersReason() {
    IncomingCdr in = new IncomingCdr();
    in.undecodableReason = "BAD_MARKER: does not start with C3 01";
    MediationOutcome.Rejected r =
        assertInstanceOf(MediationOutcome.Rejected.class, mediation.mediate(in, REF, NOW));
    assertEquals("UNDECODABLE", r.reason().name());
    assertEquals(in.undecodableReason, r.detail());
  }

  @Test
  void onlyAPartialRecordKeepsItsBytesForALaterReject() {
    MediatedCall complete =
        assertInstanceOf(MediationOutcome.Mediated.class, mediation.mediate(moc(r -> {}), REF, NOW))
            .call();
    assertNull(complete.payload, "a complete record cannot be rejected after mediation");
    MediatedCall partial =
        assertInstanceOf(
                MediationOutcome.Mediated.class,
                mediation.mediate(
                    moc(
                        r -> {
                          r.sequenceNumber = 2;
                          r.lastPartial = false;
                        }),
                    REF,
                    NOW))
            .call();
    assertArrayEquals(new byte[] {1}, partial.payload, "kept for LATE_PARTIAL");
  }

  @Test
  void aNegativeDataVolumeIsABadValue() {
    IncomingCdr in =
        moc(
            r -> {
              r.recordType = "DATA";
              r.calledNumber = null;
              r.uplinkBytes = -5L;
              r.downlinkBytes = 10L;
            });
    MediationOutcome.Rejected r =
        assertInstanceOf(MediationOutcome.Rejected.class, mediation.mediate(in, REF, NOW));
    assertEquals("BAD_VALUE", r.reason().name());
  }

  @Test
  void anUnansweredCallIsCountedAndNotKept() {
    IncomingCdr in =
        moc(
            r -> {
              r.answerTime = null;
              r.durationSeconds = 0;
            });
    assertInstanceOf(MediationOutcome.Unanswered.class, mediation.mediate(in, REF, NOW));
  }

  @Test
  void aDurationWithoutAnAnswerTimeIsABadTime() {
    IncomingCdr in = moc(r -> r.answerTime = null);
    MediationOutcome.Rejected r =
        assertInstanceOf(MediationOutcome.Rejected.class, mediation.mediate(in, REF, NOW));
    assertEquals("BAD_TIME", r.reason().name());
  }

  @ParameterizedTest(name = "servedMsisdn {0}")
  @CsvSource({"+4791000101", "004791000101", "4791000101", "91000101", "+47 910 00 101"})
  void everyCommonFormOfTheServedNumberFindsTheSubscription(String raw) {
    MediatedCall call = mediated(moc(r -> r.servedMsisdn = raw));
    assertEquals(SERVED, call.msisdn);
    assertEquals("SUB-1", call.subscriptionId);
    assertEquals("ACC-1", call.accountId);
    assertEquals("242770000000101", call.imsi, "the subscription's IMSI when the record has none");
  }

  @Test
  void aValidCallIsEnrichedAsOfItsEventTime() {
    MediatedCall call = mediated(moc(r -> {}));
    assertEquals(T, call.eventStartMillis, "event time is the answer time");
    assertEquals("+4745000000", call.counterpartNumber);
    assertEquals(NumberClass.MOBILE, call.counterpartClass);
    assertEquals("NO", call.counterpartCountry);
    assertEquals(VisitedZone.HOME, call.visitedZone);
    assertEquals("PTN-OPA", call.settlementPartnerId);
    assertEquals("VOICE_TERM_MOBILE", call.settlementProduct);
    assertEquals(new BigDecimal("0.059"), call.settlementPrice);
    assertEquals(
        CdrMediation.lineIdOf("MSC-OSL-1", "REF-1", org.cdrflow.schema.RecordType.MOC),
        call.lineId);
  }

  @Test
  void roamingInANordicEuCountryIsTheEuZone() {
    MediatedCall call = mediated(moc(r -> r.visitedPlmn = "24001"));
    assertEquals(VisitedZone.EU, call.visitedZone);
    assertEquals("SE", call.roamingCountry);
    assertEquals(true, call.roamingNordicBaltic);
  }

  @Test
  void emergencyNumbersKeepTheirDialledDigits() {
    MediatedCall call = mediated(moc(r -> r.calledNumber = "112"));
    assertEquals("112", call.counterpartNumber);
    assertEquals(NumberClass.EMERGENCY, call.counterpartClass);
  }

  @Test
  void anEventBeforeTheLatestAnonymisationCutoffIsTooOldAndKeepsNoBytes() {
    ReferenceData ref =
        reference().anonymisationCutoff(Instant.parse("2026-10-01T08:00:00.001Z")).build();
    MediationOutcome.Rejected r =
        assertInstanceOf(
            MediationOutcome.Rejected.class, mediation.mediate(moc(x -> {}), ref, NOW));
    assertEquals("TOO_OLD", r.reason().name());
    assertFalse(r.keepPayload(), "the original bytes would re-create what was anonymised");
  }

  @Test
  void anEmptyCallingNumberOnAReceivedCallIsAWithheldCaller() {
    IncomingCdr in =
        moc(
            r -> {
              r.recordType = "MTC";
              r.calledNumber = null;
              r.callingNumber = "";
            });
    MediatedCall call = mediated(in);
    assertNull(call.counterpartNumber);
  }

  /**
   * A reject's event_time is the record's own valid time, whatever the reason (docs/mediation.md).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "null",
      value = {
        // case,                         seizureTime,    answerTime,     reason,        event_time
        "missing field keeps its time,   1790841595000,  1790841600000,  MISSING_FIELD, 1790841600000",
        "answer before seizure,          1790841600000,  1790841595000,  BAD_TIME,      1790841595000",
        "more than 1 h in the future,    1792504800000,  1792504805000,  BAD_TIME,      1792504805000",
        "seizure before 2000,            631152000000,   null,           BAD_TIME,      631152000000",
        "answer after 2100: the seizure, 1790841595000,  4200000000000,  BAD_TIME,      1790841595000",
        "no valid instant at all,        -5,             null,           BAD_TIME,      null",
      })
  void aRejectCarriesTheRecordsOwnTime(
      String name, long seizure, Long answer, String reason, Long eventTime) {
    IncomingCdr in =
        moc(
            r -> {
              r.seizureTime = seizure;
              r.answerTime = answer;
              if (answer == null) {
                r.durationSeconds = 0;
                r.recordType = "SMS_MO";
              }
              if (reason.equals("MISSING_FIELD")) {
                r.callReference = null;
              }
            });
    MediationOutcome.Rejected r =
        assertInstanceOf(MediationOutcome.Rejected.class, mediation.mediate(in, REF, NOW));
    assertEquals(reason, r.reason().name(), r.detail());
    assertEquals(eventTime, r.eventTime());
    assertTrue(r.keepPayload());
  }

  @Test
  void aPlanChangeDoesNotRestartTheFairUseWindow() {
    // Subscribed since 2024-05-20, plan changed 2026-10-11; an SMS from Spain on 2026-10-21 with 11
    // presence days in the last 90 is surcharged 0.07 (the SMS itself is in the allowance).
    Instant start = Instant.parse("2024-05-19T22:00:00Z");
    Instant change = Instant.parse("2026-10-10T22:00:00Z");
    ReferenceData.Builder b =
        ReferenceData.builder()
            .subscription(new Subscription("SUB-1", "ACC-1", SERVED, null, "OLD", start, change))
            .subscription(new Subscription("SUB-1", "ACC-1", SERVED, null, "NEW", change, null))
            .plan(new PricePlan("NEW", "New", 100, 100, 1000, null, DataOverage.THROTTLE, null))
            .numberRange("+479", "HOME")
            .countryZone(new CountryZone("NO", "NO", true))
            .countryZone(new CountryZone("ES", "EU", false));
    b.rate(
        new Rate(
            "NEW", Service.SMS, "DOMESTIC", BigDecimal.ZERO, new BigDecimal("0.69"), null, null));
    b.rate(
        new Rate(
            "NEW", Service.SMS, "FAIR_USE", BigDecimal.ZERO, new BigDecimal("0.07"), null, null));
    ReferenceData ref = b.build();
    long sent = Instant.parse("2026-10-21T10:00:00Z").toEpochMilli();
    IncomingCdr in =
        moc(
            r -> {
              r.recordType = "SMS_MO";
              r.calledNumber = "+4791000202";
              r.seizureTime = sent;
              r.answerTime = null;
              r.durationSeconds = 0;
              r.visitedPlmn = "21407";
            });
    long now = sent + 3_600_000;
    MediationOutcome out = mediation.mediate(in, ref, now);
    MediatedCall call = assertInstanceOf(MediationOutcome.Mediated.class, out).call();
    assertEquals(start.toEpochMilli(), call.subscriptionValidFromMillis);

    PresenceDays presence = new PresenceDays();
    LocalDate day = LocalDate.of(2026, 10, 20);
    for (int i = 0; i < 11; i++) {
      presence.record(day.minusDays(i * 8));
    }
    InvoiceLine line =
        new RetailRater()
            .rate(call, new PeriodUsage(), presence, ref, Instant.ofEpochMilli(now))
            .line();
    assertEquals(new BigDecimal("0.07"), line.amount);
    assertArrayEquals(new String[] {"FAIR_USE_SURCHARGE"}, line.flags);
  }

  /**
   * Every reject that depends only on the record and the reference data is decided here, before
   * duplicates are dropped, and keeps the record's bytes for reprocessing (docs/rating.md).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "special number without an SMS price,   SMS_MO, +4782019999, null,  special_number",
    "INTL from Spain on a plan without FAIR_USE, MOC, +12025550123, 21407, FAIR_USE",
    "SHORT from Spain on a plan without FAIR_USE, MOC, 1881,        21407, FAIR_USE",
  })
  void aRejectForMissingReferenceDataHappensInMediationWithItsBytes(
      String name, String type, String called, String visited, String detail) {
    ReferenceData.Builder b = reference();
    b.countryZone(new CountryZone("ES", "EU", false));
    b.countryZone(new CountryZone("US", "WORLD1", false));
    b.rate(new Rate("MINI", Service.VOICE, "INTL_WORLD1", BigDecimal.ZERO, BigDecimal.ONE, 1, 1));
    b.rate(new Rate("MINI", Service.VOICE, "SHORT", BigDecimal.ZERO, BigDecimal.ONE, 1, 1));
    b.specialNumber(
        new SpecialNumber("+478201", "Voice only", BigDecimal.ZERO, BigDecimal.TEN, null));
    IncomingCdr in =
        moc(
            r -> {
              r.recordType = type;
              r.calledNumber = called;
              r.visitedPlmn = "null".equals(visited) ? null : visited;
              if (!type.equals("MOC")) {
                r.answerTime = null;
                r.durationSeconds = 0;
              }
            });
    MediationOutcome.Rejected r =
        assertInstanceOf(MediationOutcome.Rejected.class, mediation.mediate(in, b.build(), NOW));
    assertEquals("NO_RATE", r.reason().name());
    assertTrue(r.detail().contains(detail), r.detail());
    assertTrue(r.keepPayload(), "reprocessable");
  }

  @Test
  void theTariffIsResolvedOnceAndHandedToTheRater() {
    MediatedCall call = mediated(moc(r -> {}));
    assertEquals("DOMESTIC", call.tariff.zone);
    assertEquals(BigDecimal.ONE, call.tariff.price);
    assertEquals(100, call.tariff.voiceMinutes);
  }

  private MediatedCall mediated(IncomingCdr in) {
    MediationOutcome out = mediation.mediate(in, REF, NOW);
    if (out instanceof MediationOutcome.Rejected r) {
      throw new AssertionError("rejected " + r.reason() + ": " + r.detail());
    }
    return assertInstanceOf(MediationOutcome.Mediated.class, out).call();
  }

  private static void set(IncomingCdr r, String field, String value) {
    try {
      var f = IncomingCdr.class.getField(field);
      if (f.getType() == int.class) {
        f.setInt(r, Integer.parseInt(value));
      } else if (f.getType() == long.class) {
        f.setLong(r, Long.parseLong(value));
      } else if (f.getType() == Long.class) {
        f.set(r, value == null ? null : Long.valueOf(value));
      } else {
        f.set(r, value);
      }
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
