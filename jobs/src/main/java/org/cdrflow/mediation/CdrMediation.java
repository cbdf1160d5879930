package org.cdrflow.mediation;

import java.time.Instant;
import java.util.Optional;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.NameUuid;
import org.cdrflow.domain.RejectReason;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.numbers.MobileCountryCodes;
import org.cdrflow.numbers.NormalisedNumber;
import org.cdrflow.numbers.NumberNormaliser;
import org.cdrflow.numbers.VisitedNetwork;
import org.cdrflow.rating.TariffDecision;
import org.cdrflow.rating.TariffRule;
import org.cdrflow.reference.CountryZone;
import org.cdrflow.reference.PricePlan;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.Subscription;
import org.cdrflow.schema.RecordType;
import org.cdrflow.settlement.InterconnectSettlementRule;
import org.cdrflow.settlement.SettlementDecision;

/**
 * Validates, normalises and enriches one raw record as of its event time (docs/mediation.md). Every
 * check that depends only on the record and the reference data happens here, before duplicates are
 * dropped, so that a rejected record never counts as seen and comes through exactly once when it is
 * fed again after a fix ({@code cdrflow reprocess}).
 */
public final class CdrMediation {
  /** One record covers at most a day of a call (docs/mediation.md, "Rejects"). */
  static final int MAX_RECORD_SECONDS = 24 * 3600;

  static final long MAX_FUTURE_MS = 3_600_000L;

  /** A reject's event_time is kept only for an instant before this (docs/mediation.md). */
  static final long END_OF_2100_MS = Instant.parse("2101-01-01T00:00:00Z").toEpochMilli();

  /** Earlier than this is not a real event time but a broken clock. */
  static final long EARLIEST_EVENT_MS = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();

  /**
   * Most bytes one direction of one data record may carry: a record covers at most a day, and 10 TB
   * is about 1 Gbit/s for the whole day. Anything above is a broken or forged counter; it would
   * otherwise overflow the volume sum or an amount column (docs/mediation.md, "Rejects").
   */
  static final long MAX_RECORD_BYTES = 10_000_000_000_000L;

  /** Longest networkElement, callReference, causeForTerm or trunk id accepted. */
  static final int MAX_ID_LENGTH = 128;

  /** What an id field (networkElement, callReference, causeForTerm, trunks) may contain. */
  static final String ID_CHARACTERS = "letters, digits and - _ . : / @ # + =";

  /** The two party fields of a record; the one that is not the counterpart is only checked. */
  private static final String[] PARTY_FIELDS = {"callingNumber", "calledNumber"};

  private final NumberNormaliser normaliser = NumberNormaliser.shared();
  private final MobileCountryCodes mcc = MobileCountryCodes.standard();
  private final InterconnectSettlementRule settlement;
  private final TariffRule tariffs = new TariffRule();

  public CdrMediation(String homeOperatorId) {
    this.settlement = new InterconnectSettlementRule(homeOperatorId);
  }

  public MediationOutcome mediate(IncomingCdr in, ReferenceData ref, long nowMillis) {
    if (!in.decoded()) {
      return reject(RejectReason.UNDECODABLE, in.undecodableReason, null);
    }
    // Every reject of a decoded record carries the record's own time where it has a valid one, so
    // that its payload is purged with the call's month, not with its arrival (docs/mediation.md).
    Long ownTime = ownTimeOf(in);
    MediationOutcome invalid = invalidRecord(in, nowMillis, ownTime);
    if (invalid != null) {
      return invalid;
    }
    RecordType type = RecordType.valueOf(in.recordType);
    long eventTime = in.eventTime();
    Parties parties = parties(in, type, eventTime);
    if (parties.rejected() != null) {
      return parties.rejected();
    }
    if (isUnanswered(in, type)) {
      return new MediationOutcome.Unanswered();
    }
    Optional<Instant> cutoff = ref.anonymisationCutoff();
    if (cutoff.isPresent() && eventTime < cutoff.get().toEpochMilli()) {
      return new MediationOutcome.Rejected(
          RejectReason.TOO_OLD,
          "event time is before the cutoff of the latest anonymisation run (" + cutoff.get() + ")",
          eventTime,
          false);
    }
    Subscriber subscriber = subscriber(parties.served(), ref, eventTime);
    if (subscriber.rejected() != null) {
      return subscriber.rejected();
    }
    MediatedCall call = newCall(in, type, eventTime, parties, subscriber.subscription(), ref);
    MediationOutcome unplaced = placeVisitor(call, in.visitedPlmn, ref, eventTime);
    if (unplaced != null) {
      return unplaced;
    }

    // One owner for "can this event be priced": the rater gets the tariff and cannot fail.
    TariffDecision tariff = tariffs.decide(call, subscriber.plan(), ref);
    if (tariff instanceof TariffDecision.NoRate noRate) {
      return reject(RejectReason.NO_RATE, noRate.detail(), eventTime);
    }
    call.tariff = ((TariffDecision.Priced) tariff).tariff();

    SettlementDecision decision = settlement.decide(call, ref);
    if (decision instanceof SettlementDecision.Rejected r) {
      return reject(RejectReason.valueOf(r.reason().name()), r.detail(), eventTime);
    }
    decision.applyTo(call);
    return new MediationOutcome.Mediated(call);
  }

  /** The served number and the counterpart, normalised; or the reject of the first bad number. */
  private record Parties(String served, NormalisedNumber counterpart, MediationOutcome rejected) {
    static Parties rejectedBy(MediationOutcome rejected) {
      return new Parties(null, null, rejected);
    }
  }

  /** The subscription and its plan at the event time; or the reject when either is missing. */
  private record Subscriber(Subscription subscription, PricePlan plan, MediationOutcome rejected) {
    static Subscriber rejectedBy(MediationOutcome rejected) {
      return new Subscriber(null, null, rejected);
    }
  }

  /** Normalises the numbers of the record (docs/numbers.md); the first bad one rejects it. */
  private Parties parties(IncomingCdr in, RecordType type, long eventTime) {
    // Only the served number's E.164 form is used (the subscription is found by it): its plain
    // Norwegian forms skip libphonenumber and the cache (NumberNormaliser.e164, the same result as
    // normalise; docs/benchmarks.md, "Sixth round").
    String served = normaliser.e164(in.servedMsisdn);
    if (served == null) {
      return Parties.rejectedBy(
          reject(
              RejectReason.BAD_NUMBER,
              "servedMsisdn " + normaliser.normalise(in.servedMsisdn).badReason().description(),
              eventTime));
    }
    String rawCounterpart = counterpartOf(in, type);
    NormalisedNumber counterpart = null;
    // Required (MOC, SMS_MO, FWD: calledNumber, never null here) even when empty, which is then a
    // number that cannot be parsed; an empty callingNumber on MTC, SMS_MT is a withheld caller.
    if (rawCounterpart != null && (counterpartRequired(type) || !rawCounterpart.isBlank())) {
      counterpart = normaliser.normalise(rawCounterpart);
      if (counterpart.isBad()) {
        return Parties.rejectedBy(
            reject(
                RejectReason.BAD_NUMBER,
                counterpartField(type) + " " + counterpart.badReason().description(),
                eventTime));
      }
    }
    // The party that is not the counterpart (our subscriber again, or nothing on DATA) is not
    // used, but a value there that is no number means the record is corrupt or forged.
    for (String field : PARTY_FIELDS) {
      String raw = "callingNumber".equals(field) ? in.callingNumber : in.calledNumber;
      if (!field.equals(counterpartFieldOf(type)) && !blank(raw) && normaliser.e164(raw) == null) {
        return Parties.rejectedBy(
            reject(
                RejectReason.BAD_NUMBER,
                field + " " + normaliser.normalise(raw).badReason().description(),
                eventTime));
      }
    }
    return new Parties(served, counterpart, null);
  }

  /** Whose usage this is: the subscription of the served number at the event time, and its plan. */
  private Subscriber subscriber(String served, ReferenceData ref, long eventTime) {
    Instant at = Instant.ofEpochMilli(eventTime);
    Optional<Subscription> sub = ref.subscriptionAt(served, at);
    if (sub.isEmpty()) {
      return Subscriber.rejectedBy(
          reject(
              RejectReason.UNKNOWN_SUBSCRIBER,
              "no subscription for servedMsisdn at the event time " + at,
              eventTime));
    }
    Subscription s = sub.get();
    Optional<PricePlan> plan = ref.plan(s.planId(), at);
    if (plan.isEmpty()) {
      return Subscriber.rejectedBy(
          reject(
              RejectReason.NO_RATE,
              "subscription "
                  + s.subscriptionId()
                  + " has plan "
                  + s.planId()
                  + " with no price_plan row",
              eventTime));
    }
    return new Subscriber(s, plan.get(), null);
  }

  /** The mediated call of a valid record: its identity, the subscriber and the counterpart. */
  private static MediatedCall newCall(
      IncomingCdr in,
      RecordType type,
      long eventTime,
      Parties parties,
      Subscription s,
      ReferenceData ref) {
    Instant at = Instant.ofEpochMilli(eventTime);
    MediatedCall call = new MediatedCall();
    call.sourceTopic = in.sourceTopic;
    call.sourcePartition = in.sourcePartition;
    call.sourceOffset = in.sourceOffset;
    // Only a partial can still be rejected after this point (LATE_PARTIAL, which keeps the bytes);
    // a complete record's bytes would only travel through the shuffle to be dropped.
    call.payload = in.sequenceNumber == 0 ? null : in.payload;
    call.networkElement = in.networkElement;
    call.callReference = in.callReference;
    call.recordType = type;
    call.sequenceNumber = in.sequenceNumber;
    call.lastPartial = in.lastPartial;
    call.lineId = lineIdOf(in.networkElement, in.callReference, type);
    call.eventStartMillis = eventTime;
    call.durationSeconds = in.durationSeconds;
    call.volumeBytes =
        type == RecordType.DATA
            ? (in.uplinkBytes == null ? 0 : in.uplinkBytes)
                + (in.downlinkBytes == null ? 0 : in.downlinkBytes)
            : 0;
    call.msisdn = parties.served();
    call.imsi = in.servedImsi != null && !in.servedImsi.isBlank() ? in.servedImsi : s.imsi();
    call.attachSubscription(s, ref, at);
    call.inTrunk = in.inTrunk;
    call.outTrunk = in.outTrunk;

    NormalisedNumber counterpart = parties.counterpart();
    if (counterpart != null) {
      call.counterpartNumber = counterpart.number();
      call.counterpartClass = counterpart.numberClass();
      call.counterpartCountry = counterpart.isNorwegian() ? "NO" : counterpart.country();
      call.counterpartZone = MediatedCall.counterpartZoneOf(call.counterpartCountry, ref);
    }
    return call;
  }

  /**
   * Where the subscriber was (docs/rating.md, roaming): home, at sea or in a visited country with
   * its zone; null when placed, else the reject of a visited network the reference cannot place.
   */
  private MediationOutcome placeVisitor(
      MediatedCall call, String visitedPlmn, ReferenceData ref, long eventTime) {
    VisitedNetwork visited = mcc.visitedNetwork(visitedPlmn);
    switch (visited.location()) {
      case HOME -> call.visitedZone = VisitedZone.HOME;
      case INTERNATIONAL -> call.visitedZone = VisitedZone.MARITIME;
      case ROAMING -> {
        Optional<CountryZone> cz = ref.countryZone(visited.country());
        if (cz.isEmpty()) {
          return reject(
              RejectReason.NO_RATE,
              "visited country " + visited.country() + " has no country_zone row",
              eventTime);
        }
        call.visitedZone = VisitedZone.ofCountryZone(cz.get().zone());
        call.roamingCountry = call.visitedZone.isHome() ? null : visited.country();
        call.roamingNordicBaltic = cz.get().nordicBaltic();
      }
      default -> {
        return reject(
            RejectReason.NO_RATE,
            "visitedPlmn names no known country (MCC " + visited.mcc() + ")",
            eventTime);
      }
    }
    return null;
  }

  /** The invoice line's id: one line per (networkElement, callReference, recordType). */
  public static String lineIdOf(String networkElement, String callReference, RecordType type) {
    return NameUuid.of(networkElement + '|' + callReference + '|' + type);
  }

  /**
   * The checks of the record on its own, in this order: missing fields, untrusted text, values,
   * times. Null when it passes them.
   */
  private static MediationOutcome invalidRecord(IncomingCdr in, long nowMillis, Long ownTime) {
    String missing = missingField(in);
    if (missing != null) {
      return reject(RejectReason.MISSING_FIELD, missing + " is missing or empty", ownTime);
    }
    String badText = badText(in);
    if (badText != null) {
      return reject(RejectReason.BAD_VALUE, badText, ownTime);
    }
    String badValue = badValue(in);
    if (badValue != null) {
      return reject(RejectReason.BAD_VALUE, badValue, ownTime);
    }
    String badTime = badTime(in, RecordType.valueOf(in.recordType), nowMillis);
    if (badTime != null) {
      return reject(RejectReason.BAD_TIME, badTime, ownTime);
    }
    return null;
  }

  /**
   * The record's own time for a reject's {@code event_time}: the answer time when it is a valid
   * instant, else the seizure time when that is; null when neither is (docs/mediation.md,
   * "Rejects").
   */
  static Long ownTimeOf(IncomingCdr in) {
    if (in.answerTime != null && plausibleInstant(in.answerTime)) {
      return in.answerTime;
    }
    return plausibleInstant(in.seizureTime) ? in.seizureTime : null;
  }

  /** Within the years 1970 to 2100: anything else is a broken clock, not a time to keep. */
  private static boolean plausibleInstant(long millis) {
    return millis >= 0 && millis < END_OF_2100_MS;
  }

  private static String badValue(IncomingCdr in) {
    if (in.sequenceNumber < 0) {
      return "sequenceNumber is negative";
    }
    if ((in.uplinkBytes != null && in.uplinkBytes < 0)
        || (in.downlinkBytes != null && in.downlinkBytes < 0)) {
      return "uplinkBytes or downlinkBytes is negative";
    }
    if ((in.uplinkBytes != null && in.uplinkBytes > MAX_RECORD_BYTES)
        || (in.downlinkBytes != null && in.downlinkBytes > MAX_RECORD_BYTES)) {
      return "uplinkBytes or downlinkBytes is more than 10 TB";
    }
    return null;
  }

  /**
   * The field that is missing, or null. Text fields must not be empty; a number field only must be
   * present: an empty number is {@code BAD_NUMBER} (docs/numbers.md).
   */
  private static String missingField(IncomingCdr in) {
    String field = null;
    if (blank(in.networkElement)) {
      field = "networkElement";
    } else if (blank(in.callReference)) {
      field = "callReference";
    } else if (in.recordType == null) {
      field = "recordType";
    } else if (in.servedMsisdn == null) {
      field = "servedMsisdn";
    } else if (blank(in.causeForTerm)) {
      field = "causeForTerm";
    } else {
      RecordType type = RecordType.valueOf(in.recordType);
      if (counterpartRequired(type) && in.calledNumber == null) {
        field = "calledNumber";
      } else if (type == RecordType.DATA && in.uplinkBytes == null && in.downlinkBytes == null) {
        field = "uplinkBytes/downlinkBytes";
      }
    }
    return field;
  }

  /** Whether the record must name the other party: calls, forwards and SMS it sent. */
  private static boolean counterpartRequired(RecordType type) {
    return type == RecordType.MOC || type == RecordType.SMS_MO || type == RecordType.FWD;
  }

  private static String badTime(IncomingCdr in, RecordType type, long now) {
    long event = in.eventTime();
    String why = null;
    if (in.durationSeconds < 0) {
      why = "durationSeconds is negative";
    } else if (in.durationSeconds > MAX_RECORD_SECONDS) {
      why = "durationSeconds is more than 24 hours in one record";
    } else if (in.answerTime != null && in.answerTime < in.seizureTime) {
      why = "answerTime is before seizureTime";
    } else if (in.seizureTime < EARLIEST_EVENT_MS) {
      // Not the event time when the call was answered, but a clock this broken voids the record.
      why = "seizureTime is before the year 2000";
    } else if (event > now + MAX_FUTURE_MS) {
      why = "event time is more than 1 hour in the future";
    } else if (event < EARLIEST_EVENT_MS) {
      why = "event time is before the year 2000";
    } else if (isVoice(type)
        && in.sequenceNumber == 0
        && in.answerTime == null
        && in.durationSeconds > 0) {
      why = "durationSeconds is set but the call has no answerTime";
    }
    return why;
  }

  private static boolean isUnanswered(IncomingCdr in, RecordType type) {
    return isVoice(type)
        && in.sequenceNumber == 0
        && in.answerTime == null
        && in.durationSeconds == 0;
  }

  private static boolean isVoice(RecordType type) {
    return type == RecordType.MOC || type == RecordType.MTC || type == RecordType.FWD;
  }

  private static String counterpartOf(IncomingCdr in, RecordType type) {
    return switch (type) {
      case MOC, SMS_MO, FWD -> in.calledNumber;
      case MTC, SMS_MT -> in.callingNumber;
      case DATA -> null;
    };
  }

  private static String counterpartField(RecordType type) {
    return switch (type) {
      case MOC, SMS_MO, FWD -> "calledNumber";
      default -> "callingNumber";
    };
  }

  /** The field holding the other party, or null for DATA. */
  private static String counterpartFieldOf(RecordType type) {
    return type == RecordType.DATA ? null : counterpartField(type);
  }

  /**
   * Text the feed's producer controls and that ends up in output rows, keys or lookups must be what
   * it claims to be: ids of at most {@value #MAX_ID_LENGTH} characters of {@link #ID_CHARACTERS}
   * (no control character, NUL, space, quote or '|', which separates the parts of keys and line
   * ids), an IMSI of digits. The detail names the field, never the value.
   */
  private static String badText(IncomingCdr in) {
    String field = null;
    if (!isId(in.networkElement)) {
      field = "networkElement";
    } else if (!isId(in.callReference)) {
      field = "callReference";
    } else if (!isId(in.causeForTerm)) {
      field = "causeForTerm";
    } else if (in.inTrunk != null && !in.inTrunk.isBlank() && !isId(in.inTrunk)) {
      field = "inTrunk";
    } else if (in.outTrunk != null && !in.outTrunk.isBlank() && !isId(in.outTrunk)) {
      field = "outTrunk";
    }
    if (field != null) {
      return field
          + " is longer than "
          + MAX_ID_LENGTH
          + " or has characters other than "
          + ID_CHARACTERS;
    }
    if (!blank(in.servedImsi) && !isImsi(in.servedImsi)) {
      return "servedImsi is not 6 to 15 digits";
    }
    return null;
  }

  private static boolean isId(String s) {
    if (s.length() > MAX_ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || "-_.:/@#+=".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isImsi(String s) {
    if (s.length() < 6 || s.length() > 15) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static MediationOutcome reject(RejectReason reason, String detail, Long eventTime) {
    return new MediationOutcome.Rejected(reason, detail, eventTime, true);
  }
}
