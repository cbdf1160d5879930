package org.cdrflow.settlement;

import static org.cdrflow.settlement.SettlementReferenceFixture.HOME;
import static org.cdrflow.settlement.SettlementReferenceFixture.REFERENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.schema.RecordType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InterconnectSettlementRuleTest {
  private static final String DEFAULT_TIME = "2026-07-10T10:00:00Z";

  private final InterconnectSettlementRule rule = new InterconnectSettlementRule(HOME);

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # case                                      | type   | zone     | counterpart   | class      | country | inTrunk      | time                     | expected
          range: mobile of another operator           | MOC    | HOME     | +4790000001   | MOBILE     | NO      |              |                          | SETTLED FJORDPARTNER OUT VOICE_TERM_MOBILE 0.123456 NOK
          range: longest prefix is ours               | MOC    | HOME     | +4740123456   | MOBILE     | NO      |              |                          | NOT_SETTLED ON_NET
          range: shorter prefix of another operator   | MOC    | HOME     | +4741234567   | MOBILE     | NO      |              |                          | SETTLED FJORDPARTNER OUT VOICE_TERM_MOBILE 0.123456 NOK
          range: fixed number of another operator     | MOC    | HOME     | +4722000000   | FIXED      | NO      |              |                          | SETTLED KYSTPARTNER OUT VOICE_TERM_FIXED 0.040000 NOK
          range: Svalbard is Norwegian                | MOC    | HOME     | +4779012345   | FIXED      | SJ      |              |                          | SETTLED KYSTPARTNER OUT VOICE_TERM_FIXED 0.040000 NOK
          class OTHER terminates as fixed             | MOC    | HOME     | +4793000000   | OTHER      | NO      |              |                          | SETTLED FJORDPARTNER OUT VOICE_TERM_FIXED 0.050000 NOK
          class UNKNOWN terminates as fixed           | MOC    | HOME     | +4793000000   | UNKNOWN    | NO      |              |                          | SETTLED FJORDPARTNER OUT VOICE_TERM_FIXED 0.050000 NOK
          no zone recorded is home                    | MOC    |          | +4790000001   | MOBILE     | NO      |              |                          | SETTLED FJORDPARTNER OUT VOICE_TERM_MOBILE 0.123456 NOK
          forwarded leg at home                       | FWD    | HOME     | +4790000001   | MOBILE     | NO      |              |                          | SETTLED FJORDPARTNER OUT VOICE_TERM_MOBILE 0.123456 NOK
          ported in: on-net                           | MOC    | HOME     | +4791111111   | MOBILE     | NO      |              |                          | NOT_SETTLED ON_NET
          ported out: the new operator's partner      | MOC    | HOME     | +4740000001   | MOBILE     | NO      |              |                          | SETTLED FJORDPARTNER OUT VOICE_TERM_MOBILE 0.123456 NOK
          ported out: event before the porting        | MOC    | HOME     | +4740000001   | MOBILE     | NO      |              | 2026-01-31T23:59:59Z     | NOT_SETTLED ON_NET
          porting effective after the event           | MOC    | HOME     | +4792222222   | MOBILE     | NO      |              |                          | SETTLED FJORDPARTNER OUT VOICE_TERM_MOBILE 0.123456 NOK
          porting effective exactly at the event      | MOC    | HOME     | +4792222222   | MOBILE     | NO      |              | 2026-09-01T00:00:00Z     | NOT_SETTLED ON_NET
          foreign mobile: transit of its country      | MOC    | HOME     | +46701234567  | MOBILE     | SE      |              |                          | SETTLED TRANSITCARRIER OUT VOICE_INTL 0.500000 EUR
          foreign fixed: transit of its country       | FWD    | HOME     | +4930123456   | FIXED      | DE      |              |                          | SETTLED TRANSITCARRIER OUT VOICE_INTL 0.500000 EUR
          SMS to another operator                     | SMS_MO | HOME     | +4790000001   | MOBILE     | NO      |              |                          | SETTLED FJORDPARTNER OUT SMS_TERM 0.150000 NOK
          SMS to a foreign number                     | SMS_MO | HOME     | +46701234567  | MOBILE     | SE      |              |                          | SETTLED TRANSITCARRIER OUT SMS_TERM 0.030000 EUR
          SMS on-net                                  | SMS_MO | HOME     | +4740123456   | MOBILE     | NO      |              |                          | NOT_SETTLED ON_NET
          MTC on a partner trunk                      | MTC    | HOME     | +4790000001   | MOBILE     | NO      | TRK-FJORD-A  |                          | SETTLED FJORDPARTNER IN VOICE_TERM_MOBILE 0.130000 NOK
          MTC on a partner trunk, caller withheld     | MTC    | HOME     |               |            |         | TRK-FJORD-A  |                          | SETTLED FJORDPARTNER IN VOICE_TERM_MOBILE 0.130000 NOK
          MTC on a partner trunk, caller is on-net    | MTC    | HOME     | +4740123456   | MOBILE     | NO      | TRK-FJORD-A  |                          | SETTLED FJORDPARTNER IN VOICE_TERM_MOBILE 0.130000 NOK
          MTC on a partner trunk while roaming        | MTC    | EU       | +4790000001   | MOBILE     | NO      | TRK-FJORD-A  |                          | SETTLED FJORDPARTNER IN VOICE_TERM_MOBILE 0.130000 NOK
          MTC on our own trunk                        | MTC    | HOME     | +4790000001   | MOBILE     | NO      | TRK-INTERNAL |                          | NOT_SETTLED TRUNK_NOT_PARTNER
          MTC without a trunk                         | MTC    | HOME     | +4790000001   | MOBILE     | NO      |              |                          | NOT_SETTLED NO_IN_TRUNK
          SMS_MT on a partner trunk                   | SMS_MT | HOME     | +4790000001   | MOBILE     | NO      | TRK-FJORD-A  |                          | SETTLED FJORDPARTNER IN SMS_TERM 0.160000 NOK
          SMS_MT on an unknown trunk                  | SMS_MT | HOME     | +4790000001   | MOBILE     | NO      | TRK-NEW      |                          | NOT_SETTLED TRUNK_NOT_PARTNER
          toll-free                                   | MOC    | HOME     | +4780012345   | TOLL_FREE  | NO      |              |                          | NOT_SETTLED TOLL_FREE
          emergency                                   | MOC    | HOME     | 112           | EMERGENCY  |         |              |                          | NOT_SETTLED EMERGENCY
          short number                                | SMS_MO | HOME     | 2222          | SHORT      |         |              |                          | NOT_SETTLED SHORT
          special-number prefix, whatever the class   | MOC    | HOME     | +4782012345   | FIXED      | NO      |              |                          | NOT_SETTLED SPECIAL_NUMBER
          premium without a special_number row        | MOC    | HOME     | +4782912345   | PREMIUM    | NO      |              |                          | NOT_SETTLED SPECIAL_NUMBER
          shared cost                                 | MOC    | HOME     | +4781012345   | SHARED_COST| NO      |              |                          | NOT_SETTLED SPECIAL_NUMBER
          roaming in the EU zone                      | MOC    | EU       | +4790000001   | MOBILE     | NO      |              |                          | NOT_SETTLED ROAMING
          forwarding while roaming                    | FWD    | WORLD1   | +4790000001   | MOBILE     | NO      |              |                          | NOT_SETTLED ROAMING
          SMS on a ship                               | SMS_MO | MARITIME | +4790000001   | MOBILE     | NO      |              |                          | NOT_SETTLED ROAMING
          data at home                                | DATA   | HOME     |               |            |         |              |                          | NOT_SETTLED DATA
          data on a partner trunk                     | DATA   | HOME     |               |            |         | TRK-FJORD-A  |                          | NOT_SETTLED DATA
          call without a called number                | MOC    | HOME     |               |            |         |              |                          | NOT_SETTLED NO_COUNTERPART
          Norwegian number without operator           | MOC    | HOME     | +4758123456   | MOBILE     | NO      |              |                          | REJECTED NO_OPERATOR
          SMS to a Norwegian number without operator  | SMS_MO | HOME     | +4758123456   | MOBILE     | NO      |              |                          | REJECTED NO_OPERATOR
          operator without a partner row              | MOC    | HOME     | +4759123456   | FIXED      | NO      |              |                          | REJECTED NO_PARTNER
          foreign country without transit route       | MOC    | HOME     | +12125550100  | FIXED      | US      |              |                          | REJECTED NO_TRANSIT_ROUTE
          non-geographic calling code                 | MOC    | HOME     | +88212345678  | OTHER      |         |              |                          | REJECTED NO_TRANSIT_ROUTE
          no rate in force yet at the event time      | MOC    | HOME     | +4790000001   | MOBILE     | NO      |              | 2025-12-31T22:59:59.999Z | REJECTED NO_INTERCONNECT_RATE
          first rate exactly at its valid_from        | MOC    | HOME     | +4790000001   | MOBILE     | NO      |              | 2025-12-31T23:00:00Z     | SETTLED FJORDPARTNER OUT VOICE_TERM_MOBILE 0.123456 NOK
          no rate row for the product                 | MOC    | HOME     | +4722000000   | MOBILE     | NO      |              |                          | REJECTED NO_INTERCONNECT_RATE
          no IN rate for the trunk's partner          | MTC    | HOME     | +4790000001   | MOBILE     | NO      | TRK-KYST     |                          | REJECTED NO_INTERCONNECT_RATE
          rate row in the wrong unit                  | SMS_MO | HOME     | +4722000000   | FIXED      | NO      |              |                          | REJECTED NO_INTERCONNECT_RATE
          rate change: just before valid_from        | MOC    | HOME     | +4790000001   | MOBILE     | NO      |              | 2026-08-14T21:59:59.999Z | SETTLED FJORDPARTNER OUT VOICE_TERM_MOBILE 0.123456 NOK
          rate change: exactly at valid_from          | MOC    | HOME     | +4790000001   | MOBILE     | NO      |              | 2026-08-14T22:00:00Z     | SETTLED FJORDPARTNER OUT VOICE_TERM_MOBILE 0.100000 NOK
          rate change: after valid_from               | MOC    | HOME     | +4790000001   | MOBILE     | NO      |              | 2026-08-20T12:00:00Z     | SETTLED FJORDPARTNER OUT VOICE_TERM_MOBILE 0.100000 NOK
          """)
  void decides(
      String description,
      RecordType type,
      VisitedZone zone,
      String counterpart,
      NumberClass numberClass,
      String country,
      String inTrunk,
      String time,
      String expected) {
    SettlementEvent event =
        new SettlementEvent(
            type,
            zone,
            counterpart,
            numberClass,
            country,
            inTrunk,
            Instant.parse(time == null ? DEFAULT_TIME : time));

    assertEquals(expected, describe(rule.decide(event, REFERENCE)), description);
  }

  /** Reject details go to rejected_cdr and to logs: not one digit of the number may be in them. */
  @ParameterizedTest(name = "{1} {0}")
  @CsvSource({
    "+4758123456, MOBILE, NO, NO_OPERATOR",
    "+4759123456, FIXED, NO, NO_PARTNER",
    "+12125550100, FIXED, US, NO_TRANSIT_ROUTE",
    "+88212345678, OTHER, , NO_TRANSIT_ROUTE",
    "+4722000000, MOBILE, NO, NO_INTERCONNECT_RATE",
  })
  void rejectDetailHoldsNoDigits(
      String counterpart, NumberClass numberClass, String country, SettlementRejectReason reason) {
    SettlementEvent event =
        new SettlementEvent(
            RecordType.MOC,
            VisitedZone.HOME,
            counterpart,
            numberClass,
            country,
            null,
            Instant.parse(DEFAULT_TIME));

    SettlementDecision.Rejected rejected =
        assertInstanceOf(SettlementDecision.Rejected.class, rule.decide(event, REFERENCE));

    assertEquals(reason, rejected.reason());
    assertFalse(rejected.detail().isBlank());
    assertFalse(
        rejected.detail().chars().anyMatch(Character::isDigit),
        () -> "detail holds digits: " + rejected.detail());
  }

  @Test
  void decidesFromAnEnrichedCallAndFillsItsSettlementFields() {
    MediatedCall call = new MediatedCall();
    call.recordType = RecordType.MOC;
    call.visitedZone = VisitedZone.HOME;
    call.counterpartNumber = "+4790000001";
    call.counterpartClass = NumberClass.MOBILE;
    call.counterpartCountry = "NO";
    call.eventStartMillis = Instant.parse("2026-08-20T12:00:00Z").toEpochMilli();

    rule.decide(call, REFERENCE).applyTo(call);

    assertEquals("FJORDPARTNER", call.settlementPartnerId);
    assertEquals("OUT", call.settlementDirection);
    assertEquals("VOICE_TERM_MOBILE", call.settlementProduct);
    assertEquals("MINUTE", call.settlementUnit);
    assertEquals("NOK", call.settlementCurrency);
    assertEquals(new BigDecimal("0.100000"), call.settlementPrice);
  }

  @Test
  void aDecisionNotToSettleClearsAnEarlierSettlement() {
    MediatedCall call = new MediatedCall();
    call.recordType = RecordType.MOC;
    call.visitedZone = VisitedZone.EU;
    call.counterpartNumber = "+4790000001";
    call.counterpartClass = NumberClass.MOBILE;
    call.counterpartCountry = "NO";
    call.eventStartMillis = Instant.parse(DEFAULT_TIME).toEpochMilli();
    call.settlementPartnerId = "FJORDPARTNER";
    call.settlementPrice = BigDecimal.ONE;

    rule.decide(call, REFERENCE).applyTo(call);

    assertNull(call.settlementPartnerId);
    assertNull(call.settlementPrice);
    assertFalse(SettlementCall.isSettled(call));
  }

  @Test
  void anEventNeverShowsItsNumber() {
    SettlementEvent event =
        new SettlementEvent(
            RecordType.MOC,
            VisitedZone.HOME,
            "+4790000001",
            NumberClass.MOBILE,
            "NO",
            null,
            Instant.parse(DEFAULT_TIME));

    assertFalse(event.toString().contains("90000001"), event.toString());
  }

  @Test
  void needsTheHomeOperator() {
    assertThrows(IllegalArgumentException.class, () -> new InterconnectSettlementRule(" "));
  }

  static String describe(SettlementDecision decision) {
    if (decision instanceof SettlementDecision.Settled s) {
      return String.join(
          " ",
          "SETTLED",
          s.partnerId(),
          s.direction().name(),
          s.product().name(),
          s.price().toPlainString(),
          s.currency());
    }
    if (decision instanceof SettlementDecision.NotSettled n) {
      return "NOT_SETTLED " + n.reason();
    }
    return "REJECTED " + ((SettlementDecision.Rejected) decision).reason();
  }
}
