package org.cdrflow.settlement;

import java.time.Instant;
import java.util.Objects;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.schema.RecordType;

/**
 * What {@link InterconnectSettlementRule} needs to know about one event.
 *
 * @param recordType MOC, MTC, FWD, SMS_MO, SMS_MT or DATA
 * @param visitedZone where our subscriber was; null means at home (a null {@code visitedPlmn} is
 *     home, docs/numbers.md "Visited country")
 * @param counterpartNumber the other party in E.164, or the dialled digits of a short or emergency
 *     number; may be null (DATA, a withheld calling number)
 * @param counterpartClass the class of the counterpart number; may be null
 * @param counterpartCountry ISO 3166 alpha-2 country of the counterpart number; null for short
 *     numbers and non-geographic calling codes
 * @param inTrunk the trunk group the event entered our network on; may be null
 * @param eventTime the event time (answer time, else seizure time)
 */
public record SettlementEvent(
    RecordType recordType,
    VisitedZone visitedZone,
    String counterpartNumber,
    NumberClass counterpartClass,
    String counterpartCountry,
    String inTrunk,
    Instant eventTime) {

  public SettlementEvent {
    Objects.requireNonNull(recordType, "recordType");
    Objects.requireNonNull(eventTime, "eventTime");
  }

  /** The settlement view of an enriched event. */
  public static SettlementEvent of(MediatedCall call) {
    return new SettlementEvent(
        call.recordType,
        call.visitedZone,
        call.counterpartNumber,
        call.counterpartClass,
        call.counterpartCountry,
        call.inTrunk,
        Instant.ofEpochMilli(call.eventStartMillis));
  }

  /** Never shows the counterpart number: this may end up in a log line. */
  @Override
  public String toString() {
    return "SettlementEvent[recordType="
        + recordType
        + ", visitedZone="
        + visitedZone
        + ", counterpartNumber="
        + (counterpartNumber == null ? "null" : "<withheld>")
        + ", counterpartClass="
        + counterpartClass
        + ", counterpartCountry="
        + counterpartCountry
        + ", inTrunk="
        + inTrunk
        + ", eventTime="
        + eventTime
        + ']';
  }
}
