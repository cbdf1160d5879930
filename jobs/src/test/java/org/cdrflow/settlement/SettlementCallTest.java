package org.cdrflow.settlement;

import static org.cdrflow.settlement.SettlementReferenceFixture.HOME;
import static org.cdrflow.settlement.SettlementReferenceFixture.REFERENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.schema.RecordType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettlementCallTest {
  private static final String SERVED = "+4740123456";
  private static final String OTHER = "+4790000001";

  private final InterconnectSettlementRule rule = new InterconnectSettlementRule(HOME);

  @Test
  void rowOfAnOutgoingCall() {
    MediatedCall call = settled(RecordType.MOC, "2026-07-10T10:00:00Z", 61, null);

    SettlementCall row = SettlementCall.of(call);

    assertEquals(SettlementCall.idOf("MSC-OSL", "ref-a", RecordType.MOC), row.settlementId);
    assertEquals("line-a", row.lineId);
    assertEquals("FJORDPARTNER", row.partnerId);
    assertEquals("OUT", row.direction);
    assertEquals("VOICE_TERM_MOBILE", row.product);
    assertEquals(Instant.parse("2026-07-10T10:00:00Z").toEpochMilli(), row.eventStart);
    assertEquals("2026-07-10", row.eventDate);
    assertEquals(LocalDate.parse("2026-07-10"), row.eventLocalDate());
    assertEquals(61, row.seconds);
    assertEquals(1, row.units);
    assertEquals(new BigDecimal("0.123456"), row.price);
    assertEquals(new BigDecimal("0.125514"), row.amount);
    assertEquals("NOK", row.currency);
    assertEquals(SERVED, row.aNumber);
    assertEquals(OTHER, row.bNumber);
  }

  @Test
  void rowOfAnIncomingCallHasTheCallerAsA() {
    MediatedCall call = settled(RecordType.MTC, "2026-07-10T10:00:00Z", 120, "TRK-FJORD-A");

    SettlementCall row = SettlementCall.of(call);

    assertEquals("IN", row.direction);
    assertEquals(OTHER, row.aNumber);
    assertEquals(SERVED, row.bNumber);
    assertEquals(new BigDecimal("0.260000"), row.amount);
  }

  @Test
  void rowOfAnIncomingCallWithAWithheldCaller() {
    MediatedCall call = settled(RecordType.MTC, "2026-07-10T10:00:00Z", 30, "TRK-FJORD-A");
    call.counterpartNumber = null;
    call.counterpartClass = null;
    call.counterpartCountry = null;
    rule.decide(call, REFERENCE).applyTo(call);

    SettlementCall row = SettlementCall.of(call);

    assertNull(row.aNumber);
    assertEquals(SERVED, row.bNumber);
    assertEquals(new BigDecimal("0.065000"), row.amount);
  }

  @Test
  void rowOfAnSmsCountsTheMessageNotSeconds() {
    MediatedCall call = settled(RecordType.SMS_MO, "2026-07-10T10:00:00Z", 5, null);

    SettlementCall row = SettlementCall.of(call);

    assertEquals("SMS_TERM", row.product);
    assertEquals(0, row.seconds);
    assertEquals(1, row.units);
    assertEquals(new BigDecimal("0.150000"), row.amount);
  }

  @ParameterizedTest(name = "{0} -> price {1}, amount {2}")
  @CsvSource({
    "2026-08-14T21:59:59.999Z, 0.123456, 0.125514, 2026-08-14",
    "2026-08-14T22:00:00Z, 0.100000, 0.101667, 2026-08-15",
    "2026-08-31T21:59:00Z, 0.100000, 0.101667, 2026-08-31",
  })
  void rateChangeInTheMiddleOfTheMonth(
      String time, BigDecimal price, BigDecimal amount, LocalDate day) {
    SettlementCall row = SettlementCall.of(settled(RecordType.MOC, time, 61, null));

    assertEquals(price, row.price);
    assertEquals(amount, row.amount);
    assertEquals(day, row.eventLocalDate());
  }

  @ParameterizedTest(name = "{0} is {1} in Oslo")
  @CsvSource({
    "2026-07-10T21:59:59Z, 2026-07-10",
    "2026-07-10T22:00:00Z, 2026-07-11",
    "2026-07-10T23:30:00Z, 2026-07-11",
    "2026-01-10T22:30:00Z, 2026-01-10",
    "2026-01-10T23:00:00Z, 2026-01-11",
  })
  void dayIsTheOsloDay(String time, LocalDate day) {
    assertEquals(day, SettlementCall.dayOf(Instant.parse(time).toEpochMilli()));
  }

  @Test
  void idIsStableAndDistinctPerLine() {
    String id = SettlementCall.idOf("MSC-OSL", "ref-a", RecordType.MOC);

    assertEquals(id, SettlementCall.idOf("MSC-OSL", "ref-a", RecordType.MOC));
    assertNotEquals(id, SettlementCall.idOf("MSC-OSL", "ref-a", RecordType.FWD));
    assertNotEquals(id, SettlementCall.idOf("MSC-OSL", "ref-b", RecordType.MOC));
    assertNotEquals(id, SettlementCall.idOf("MSC-BGO", "ref-a", RecordType.MOC));
  }

  @Test
  void anUnsettledCallHasNoRowAndTheErrorShowsNoNumber() {
    MediatedCall call = settled(RecordType.MOC, "2026-07-10T10:00:00Z", 61, null);
    call.visitedZone = VisitedZone.EU;
    rule.decide(call, REFERENCE).applyTo(call);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SettlementCall.of(call));

    assertFalse(e.getMessage().contains("90000001"), e.getMessage());
    assertFalse(e.getMessage().contains("40123456"), e.getMessage());
  }

  @Test
  void toStringShowsNoNumber() {
    String text =
        SettlementCall.of(settled(RecordType.MOC, "2026-07-10T10:00:00Z", 61, null)).toString();

    assertFalse(text.contains("90000001"), text);
    assertFalse(text.contains("40123456"), text);
  }

  /** An enriched call from MSC-OSL as mediation would hand it over, settled by the rule. */
  private MediatedCall settled(RecordType type, String time, int seconds, String inTrunk) {
    MediatedCall call = new MediatedCall();
    call.lineId = "line-a";
    call.networkElement = "MSC-OSL";
    call.callReference = "ref-a";
    call.recordType = type;
    call.eventStartMillis = Instant.parse(time).toEpochMilli();
    call.durationSeconds = seconds;
    call.msisdn = SERVED;
    call.counterpartNumber = OTHER;
    call.counterpartClass = NumberClass.MOBILE;
    call.counterpartCountry = "NO";
    call.visitedZone = VisitedZone.HOME;
    call.inTrunk = inTrunk;
    rule.decide(call, REFERENCE).applyTo(call);
    return call;
  }
}
