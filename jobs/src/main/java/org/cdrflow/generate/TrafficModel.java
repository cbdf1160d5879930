package org.cdrflow.generate;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;
import org.cdrflow.schema.codec.CdrFeedWriter;

/**
 * Turns one moment of network time into the record(s) a Norwegian mobile operator's elements write
 * for it: who is served, what kind of event, with whom, from where, how long or how much, and
 * whether it is one of the deliberately broken or unknown records. The shares are those of a
 * typical operator's traffic (about 45 % calls made, 20 % received, 15 % SMS, 15 % data, a few
 * forwarded legs; about 8 % roaming), and every field is one that mediation, rating and settlement
 * read (docs/architecture.md, docs/rating.md, docs/settlement.md).
 *
 * <p>Records are handed to an {@link Emitter}: now (at the moment being generated) or later (the
 * following partial records of a long call, at their own time).
 */
final class TrafficModel {

  /** Receives the records of the model. */
  interface Emitter {
    /** A record at the current moment; {@code duplicable} if it may be re-sent as a duplicate. */
    void now(RawCdr record, boolean duplicable) throws IOException;

    /** A record to be emitted at {@code emitAtMillis}, after the current moment. */
    void later(RawCdr record, long emitAtMillis, boolean duplicable);

    /** A line that is not a record. */
    void rawLine(String line) throws IOException;
  }

  static final double MALFORMED_SHARE = 0.003;
  static final double UNKNOWN_SUBSCRIBER_SHARE = 0.003;

  /** Share of answered calls long enough to be cut into partial records. */
  static final double LONG_CALL_SHARE = 0.01;

  static final double MOC_UNANSWERED_SHARE = 0.10;
  static final double MTC_UNANSWERED_SHARE = 0.08;
  static final double WITHHELD_CALLER_SHARE = 0.03;
  static final double MEAN_CALL_SECONDS = 90;

  /** Switches close a partial record every half hour of a call. */
  static final int PARTIAL_SECONDS = 1800;

  /**
   * Data volume per record, log-normal: a median of about 8 MB and a long tail to hundreds of MB
   * (video, updates), so that heavy users reach their plan's allowance within a month.
   */
  static final double DATA_LOG_MEDIAN = StrictMath.log(8e6);

  static final double DATA_LOG_SIGMA = 1.8;
  static final double MAX_DATA_BYTES = 900e6;

  /** Elements deliver records a few seconds apart from event-time order. */
  static final int MAX_JITTER_MS = 4000;

  /** Per mille of ordinary events by record type. */
  private static final RecordType[] TYPES = {
    RecordType.MOC,
    RecordType.MTC,
    RecordType.SMS_MO,
    RecordType.SMS_MT,
    RecordType.DATA,
    RecordType.FWD
  };

  private static final int[] TYPE_PER_MILLE = {460, 210, 80, 70, 150, 30};

  private static final String[] MSC = {"MSC-OSL-1", "MSC-OSL-2", "MSC-BGO-1", "MSC-TRD-1"};
  private static final String[] SMSC = {"SMSC-OSL-1", "SMSC-BGO-1"};
  private static final String[] PGW = {"PGW-OSL-1", "PGW-OSL-2"};

  /** Our own network's PLMN, which some elements write instead of leaving the field empty. */
  private static final String HOME_PLMN = "24277";

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private enum Who {
    ON_NET,
    OFF_NET_MOBILE,
    FIXED,
    FOREIGN,
    TOLL_FREE,
    PREMIUM,
    SHORT,
    EMERGENCY
  }

  private static final Who[] MOC_WHO = {
    Who.ON_NET,
    Who.OFF_NET_MOBILE,
    Who.FIXED,
    Who.FOREIGN,
    Who.TOLL_FREE,
    Who.PREMIUM,
    Who.SHORT,
    Who.EMERGENCY
  };
  private static final int[] MOC_PER_MILLE = {340, 340, 120, 90, 40, 15, 50, 5};

  private static final Who[] SMS_MO_WHO = {
    Who.ON_NET, Who.OFF_NET_MOBILE, Who.FOREIGN, Who.SHORT, Who.PREMIUM
  };
  private static final int[] SMS_MO_PER_MILLE = {420, 450, 80, 35, 15};

  private static final Who[] CALLER_WHO = {Who.ON_NET, Who.OFF_NET_MOBILE, Who.FIXED, Who.FOREIGN};
  private static final int[] CALLER_PER_MILLE = {350, 400, 150, 100};

  private static final Who[] SMS_SENDER_WHO = {
    Who.ON_NET, Who.OFF_NET_MOBILE, Who.FOREIGN, Who.SHORT
  };
  private static final int[] SMS_SENDER_PER_MILLE = {400, 450, 80, 70};

  private static final Who[] FORWARD_TO_WHO = {Who.ON_NET, Who.OFF_NET_MOBILE, Who.FIXED};
  private static final int[] FORWARD_TO_PER_MILLE = {400, 400, 200};

  private final SubscriberBase subscribers;
  private final NumberPlan numbers;
  private final RoamingModel roaming;
  private final Draws draws;
  private final Emitter emitter;
  private final boolean rawLines;
  private final String homeOperator;
  private final Map<String, String[]> trunksByOperator = new HashMap<>();
  private final String[] transitTrunks;
  private final long startMillis;
  private final long endMillis;
  private final long referenceBase;
  private long calls;

  /** When the subscription served by the current event ends (churn); MAX_VALUE while it lasts. */
  private long churnEnd = Long.MAX_VALUE;

  long unanswered;
  long partialCalls;
  long partialRecords;
  long unknownSubscriber;
  final Map<MalformedKind, Long> malformedByKind = new EnumMap<>(MalformedKind.class);
  final List<InjectedReject> injected = new ArrayList<>();

  TrafficModel(
      GeneratorSettings settings,
      BundledReference reference,
      SubscriberBase subscribers,
      NumberPlan numbers,
      RoamingModel roaming,
      Draws draws,
      boolean rawLines,
      Emitter emitter) {
    this.subscribers = subscribers;
    this.numbers = numbers;
    this.roaming = roaming;
    this.draws = draws;
    this.rawLines = rawLines;
    this.emitter = emitter;
    this.homeOperator = settings.homeOperatorId();
    reference.trunksByOperator.forEach(
        (op, t) -> trunksByOperator.put(op, t.toArray(new String[0])));
    this.transitTrunks = reference.transitTrunks.toArray(new String[0]);
    this.startMillis = settings.startInstant().toEpochMilli();
    this.endMillis = settings.endInstant().toEpochMilli();
    // Call references differ between seeds and start dates, so that feeds generated with
    // different settings can be replayed into one workdir without being taken for duplicates.
    this.referenceBase =
        Mix.of(settings.seed(), settings.start().toEpochDay(), 0x43616C6C52656646L);
  }

  /**
   * Generates the event(s) of one moment.
   *
   * @param slotMillis the moment, in feed order
   * @param budget records the feed may still take (at least 1); a long call is cut into at most
   *     this many partial records
   */
  void event(long slotMillis, long budget) throws IOException {
    long t = Math.max(startMillis, slotMillis - draws.below(MAX_JITTER_MS));
    double u = draws.uniform();
    if (u < MALFORMED_SHARE) {
      malformed(t);
      return;
    }
    if (u < MALFORMED_SHARE + UNKNOWN_SUBSCRIBER_SHARE) {
      unknownSubscriber(t);
      return;
    }
    int sub = pickSubscriber(t);
    Instant leaves = subscribers.validTo[sub];
    churnEnd = leaves == null ? Long.MAX_VALUE : leaves.toEpochMilli();
    switch (TYPES[pickIndex(TYPE_PER_MILLE)]) {
      case MOC -> call(sub, t, budget);
      case MTC -> received(sub, t, budget);
      case SMS_MO -> smsSent(sub, t);
      case SMS_MT -> smsReceived(sub, t);
      case DATA -> data(sub, t);
      case FWD -> forwarded(sub, t);
      default -> throw new IllegalStateException("unreachable");
    }
  }

  // ---- ordinary events ----

  private void call(int sub, long t, long budget) throws IOException {
    RoamingModel.Destination abroad = roaming.destination(sub, t);
    // Abroad, a good share of calls go to local numbers of the visited country.
    Party other =
        abroad != null && draws.chance(0.3) ? numbers.numberIn(abroad.country(), draws) : null;
    if (other == null) {
      other = party(sub, MOC_WHO, MOC_PER_MILLE);
    }
    String plmn = plmn(abroad);
    String element = abroad == null ? MSC[sub % MSC.length] : tapElement(plmn);
    String served = servedForm(sub);
    RawCdr r = record(element, RecordType.MOC, served, imsi(sub), plmn, t);
    r.setCallingNumber(served);
    r.setCalledNumber(form(other));
    r.setOutTrunk(abroad == null ? trunkOf(other) : null);
    boolean emergency = other.numberClass() == NumberClass.EMERGENCY;
    if (!emergency && draws.chance(MOC_UNANSWERED_SHARE)) {
      unanswered(r, draws.chance(0.7) ? "NO_ANSWER" : "BUSY");
    } else {
      answered(r, t, draws.between(2_000, 20_000), !emergency, budget);
    }
  }

  private void received(int sub, long t, long budget) throws IOException {
    RoamingModel.Destination abroad = roaming.destination(sub, t);
    Party other = party(sub, CALLER_WHO, CALLER_PER_MILLE);
    String served = servedForm(sub);
    RawCdr r = record(MSC[sub % MSC.length], RecordType.MTC, served, imsi(sub), plmn(abroad), t);
    r.setCallingNumber(draws.chance(WITHHELD_CALLER_SHARE) ? null : form(other));
    r.setCalledNumber(served);
    r.setInTrunk(trunkOf(other));
    if (draws.chance(MTC_UNANSWERED_SHARE)) {
      unanswered(r, "NO_ANSWER");
    } else {
      answered(r, t, draws.between(2_000, 25_000), true, budget);
    }
  }

  /** The leg of a call to our subscriber that the network forwarded to another number. */
  private void forwarded(int sub, long t) throws IOException {
    RoamingModel.Destination abroad = roaming.destination(sub, t);
    Party caller = party(sub, CALLER_WHO, CALLER_PER_MILLE);
    Party target = party(sub, FORWARD_TO_WHO, FORWARD_TO_PER_MILLE);
    RawCdr r =
        record(MSC[sub % MSC.length], RecordType.FWD, servedForm(sub), imsi(sub), plmn(abroad), t);
    r.setCallingNumber(form(caller));
    r.setCalledNumber(form(target));
    r.setInTrunk(trunkOf(caller));
    r.setOutTrunk(trunkOf(target));
    r.setSeizureTime(Instant.ofEpochMilli(t - draws.between(1_000, 10_000)));
    r.setAnswerTime(Instant.ofEpochMilli(t));
    r.setDurationSeconds(1 + (int) Math.min(PARTIAL_SECONDS - 2, draws.exponential(60)));
    emitter.now(r, true);
  }

  private void smsSent(int sub, long t) throws IOException {
    RoamingModel.Destination abroad = roaming.destination(sub, t);
    Party other =
        abroad != null && draws.chance(0.2) ? numbers.numberIn(abroad.country(), draws) : null;
    if (other == null) {
      other = party(sub, SMS_MO_WHO, SMS_MO_PER_MILLE);
    }
    String plmn = plmn(abroad);
    String element = abroad == null ? SMSC[sub % SMSC.length] : tapElement(plmn);
    String served = servedForm(sub);
    RawCdr r = record(element, RecordType.SMS_MO, served, imsi(sub), plmn, t);
    r.setCallingNumber(served);
    r.setCalledNumber(form(other));
    r.setOutTrunk(abroad == null ? trunkOf(other) : null);
    emitter.now(r, true);
  }

  private void smsReceived(int sub, long t) throws IOException {
    RoamingModel.Destination abroad = roaming.destination(sub, t);
    Party other = party(sub, SMS_SENDER_WHO, SMS_SENDER_PER_MILLE);
    String served = servedForm(sub);
    RawCdr r =
        record(SMSC[sub % SMSC.length], RecordType.SMS_MT, served, imsi(sub), plmn(abroad), t);
    r.setCallingNumber(form(other));
    r.setCalledNumber(served);
    r.setInTrunk(trunkOf(other));
    emitter.now(r, true);
  }

  private void data(int sub, long t) throws IOException {
    RoamingModel.Destination abroad = roaming.destination(sub, t);
    String plmn = plmn(abroad);
    String element = abroad == null ? PGW[sub % PGW.length] : tapElement(plmn);
    RawCdr r = record(element, RecordType.DATA, servedForm(sub), imsi(sub), plmn, t);
    dataVolume(r, 1 + (int) Math.min(4 * 3600, draws.exponential(900)));
    emitter.now(r, true);
  }

  private void dataVolume(RawCdr r, int seconds) {
    long total =
        (long)
            Math.min(
                MAX_DATA_BYTES, Math.max(200, draws.logNormal(DATA_LOG_MEDIAN, DATA_LOG_SIGMA)));
    long up = (long) (total * (0.05 + 0.15 * draws.uniform()));
    r.setDurationSeconds(seconds);
    r.setUplinkBytes(up);
    r.setDownlinkBytes(total - up);
  }

  /** A call attempt nobody answered: no answer time, duration 0. */
  private void unanswered(RawCdr r, String cause) throws IOException {
    unanswered++;
    r.setCauseForTerm(cause);
    emitter.now(r, false);
  }

  /** A call answered at {@code t} after ringing; now and then a long one, in partial records. */
  private void answered(RawCdr r, long t, int ringingMs, boolean mayBeLong, long budget)
      throws IOException {
    r.setSeizureTime(Instant.ofEpochMilli(t - ringingMs));
    r.setAnswerTime(Instant.ofEpochMilli(t));
    if (mayBeLong && draws.chance(LONG_CALL_SHARE) && longCall(r, budget)) {
      return;
    }
    r.setDurationSeconds(callSeconds());
    emitter.now(r, true);
  }

  /**
   * A call long enough to be written as partial records, one per half hour, sequence 1..n, the last
   * flagged; their durations add up to the call, each starts where the one before ended. Declined
   * (false) when the feed has too few records left or the call would outlast the feed's days.
   */
  private boolean longCall(RawCdr call, long budget) throws IOException {
    int total = PARTIAL_SECONDS + 600 + (int) Math.min(4 * 3600, draws.exponential(2400));
    int parts = (total + PARTIAL_SECONDS - 1) / PARTIAL_SECONDS;
    if (parts > budget) {
      parts = (int) budget;
      total = Math.min(total, parts * PARTIAL_SECONDS);
    }
    long answer = call.getAnswerTime().toEpochMilli();
    if (parts < 2 || answer + total * 1000L >= endMillis) {
      return false;
    }
    if (churnEnd != Long.MAX_VALUE && answer + total * 1000L >= churnEnd) {
      return false; // the subscription ends before the call would (churn)
    }
    partialCalls++;
    partialRecords += parts;
    for (int k = 1; k <= parts; k++) {
      long segmentStart = answer + (k - 1L) * PARTIAL_SECONDS * 1000L;
      RawCdr partial =
          RawCdr.newBuilder(call)
              .setSequenceNumber(k)
              .setLastPartial(k == parts)
              .setAnswerTime(Instant.ofEpochMilli(segmentStart))
              .setDurationSeconds(
                  k < parts ? PARTIAL_SECONDS : total - (parts - 1) * PARTIAL_SECONDS)
              .setCauseForTerm(k < parts ? "PARTIAL" : "NORMAL")
              .build();
      if (k == 1) {
        emitter.now(partial, true);
      } else {
        // Each partial is written when its half hour starts being recorded, i.e. in event-time
        // order with the rest of the traffic.
        emitter.later(partial, segmentStart + draws.below(MAX_JITTER_MS), true);
      }
    }
    return true;
  }

  // ---- injected records ----

  /** An otherwise ordinary call record of a known subscriber, with exactly one defect. */
  private void malformed(long t) throws IOException {
    int sub = pickSubscriber(t);
    MalformedKind kind = malformedKind();
    Party other = party(sub, CALLER_WHO, CALLER_PER_MILLE);
    String served = servedForm(sub);
    RawCdr r = record(MSC[sub % MSC.length], RecordType.MOC, served, imsi(sub), plmn(null), t);
    r.setCallingNumber(served);
    r.setCalledNumber(form(other));
    r.setOutTrunk(trunkOf(other));
    r.setSeizureTime(Instant.ofEpochMilli(t - draws.between(2_000, 20_000)));
    r.setAnswerTime(Instant.ofEpochMilli(t));
    r.setDurationSeconds(callSeconds());
    switch (kind) {
      case MISSING_CALLED_NUMBER -> r.setCalledNumber(null);
      case LETTER_IN_NUMBER -> r.setCalledNumber(withLetter(r.getCalledNumber()));
      case NEGATIVE_DURATION -> r.setDurationSeconds(-draws.between(1, 600));
      case ANSWER_BEFORE_SEIZURE ->
          r.setSeizureTime(Instant.ofEpochMilli(t + draws.between(1_000, 30_000)));
      default -> {}
    }
    String reference = r.getCallReference();
    malformedByKind.merge(kind, 1L, Long::sum);
    injected.add(new InjectedReject(r.getNetworkElement(), reference, kind, kind.rejectReason()));
    if (kind == MalformedKind.TRUNCATED_LINE) {
      String line = CdrFeedWriter.toJsonLine(r);
      int afterReference = line.indexOf(reference) + reference.length() + 1;
      emitter.rawLine(line.substring(0, draws.between(afterReference, line.length() - 10)));
    } else if (kind == MalformedKind.UNKNOWN_RECORD_TYPE) {
      String line = CdrFeedWriter.toJsonLine(r);
      String known = "\"recordType\":\"" + RecordType.MOC + "\"";
      if (!line.contains(known)) {
        throw new IllegalStateException("the JSON layout of RawCdr changed");
      }
      emitter.rawLine(line.replace(known, "\"recordType\":\"VOLTE_MO\""));
    } else {
      emitter.now(r, false);
    }
  }

  private MalformedKind malformedKind() {
    int u = draws.below(100);
    if (rawLines) {
      if (u < 15) {
        return MalformedKind.TRUNCATED_LINE;
      }
      if (u < 25) {
        return MalformedKind.UNKNOWN_RECORD_TYPE;
      }
      u = draws.below(100);
    }
    if (u < 33) {
      return MalformedKind.LETTER_IN_NUMBER;
    }
    if (u < 60) {
      return MalformedKind.NEGATIVE_DURATION;
    }
    if (u < 87) {
      return MalformedKind.ANSWER_BEFORE_SEIZURE;
    }
    return MalformedKind.MISSING_CALLED_NUMBER;
  }

  /** One digit (not the first two characters) replaced by a capital letter. */
  private String withLetter(String number) {
    char[] c = number.toCharArray();
    int at = draws.between(2, c.length - 1);
    c[at] = (char) ('A' + draws.below(26));
    return new String(c);
  }

  /**
   * A clean record (answered call, SMS or data) of a number in our ranges that has no subscription:
   * a SIM activated in the network before BSS knew of it.
   */
  private void unknownSubscriber(long t) throws IOException {
    String served = NumberPlan.norwegianForm(draws.pick(subscribers.unknownNumbers), draws);
    Party other = party(-1, SMS_MO_WHO, SMS_MO_PER_MILLE);
    RawCdr r;
    int u = draws.below(4);
    if (u < 2) {
      r = record(MSC[u], RecordType.MOC, served, null, plmn(null), t);
      r.setSeizureTime(Instant.ofEpochMilli(t - draws.between(2_000, 20_000)));
      r.setAnswerTime(Instant.ofEpochMilli(t));
      r.setDurationSeconds(callSeconds());
    } else if (u == 2) {
      r = record(SMSC[0], RecordType.SMS_MO, served, null, plmn(null), t);
    } else {
      r = record(PGW[0], RecordType.DATA, served, null, plmn(null), t);
      dataVolume(r, 1 + (int) draws.exponential(600));
    }
    if (r.getRecordType() != RecordType.DATA) {
      r.setCallingNumber(served);
      r.setCalledNumber(form(other));
      r.setOutTrunk(trunkOf(other));
    }
    unknownSubscriber++;
    injected.add(
        new InjectedReject(
            r.getNetworkElement(), r.getCallReference(), null, InjectedReject.UNKNOWN_SUBSCRIBER));
    emitter.now(r, false);
  }

  // ---- parts ----

  /**
   * Heavy users exist: density falls with the index, the top tenth makes about a fifth. With churn,
   * only a subscription that holds its number at {@code t} is served (drawn again until one does).
   */
  private int pickSubscriber(long t) {
    int i = drawSubscriber();
    if (subscribers.churning) {
      for (int tries = 0; !subscribers.activeAt(i, t); tries++) {
        if (tries > 1000 + subscribers.count) {
          throw new IllegalStateException(
              "no subscription is active at " + Instant.ofEpochMilli(t));
        }
        i = tries < 1000 ? drawSubscriber() : (i + 1) % subscribers.count;
      }
    }
    return i;
  }

  private int drawSubscriber() {
    double u = draws.uniform();
    int i = (int) (subscribers.count * u * StrictMath.sqrt(u));
    // The last `reservedForFraud` subscribers have only planted traffic (a SIM box).
    return Math.min(i, subscribers.count - 1 - subscribers.reservedForFraud);
  }

  /**
   * A planted outgoing call (docs/fraud.md, "Scoring detection"), answered at {@code t} and held
   * until the feed reaches that time; {@code plmn} null = at home.
   */
  void plantedCall(int sub, Party other, String plmn, long t, int seconds) {
    String element = plmn == null ? MSC[sub % MSC.length] : tapElement(plmn);
    String served = servedForm(sub);
    RawCdr r = record(element, RecordType.MOC, served, subscribers.imsi[sub], plmn, t);
    r.setCallingNumber(served);
    r.setCalledNumber(form(other));
    r.setOutTrunk(plmn == null ? trunkOf(other) : null);
    r.setSeizureTime(Instant.ofEpochMilli(t - 5_000));
    r.setAnswerTime(Instant.ofEpochMilli(t));
    r.setDurationSeconds(seconds);
    emitter.later(r, t, false);
  }

  private int pickIndex(int[] perMille) {
    int w = draws.below(1000);
    for (int i = 0; i < perMille.length; i++) {
      w -= perMille[i];
      if (w < 0) {
        return i;
      }
    }
    return perMille.length - 1;
  }

  /** The other party of an event of subscriber {@code sub} (or -1 for none of ours). */
  private Party party(int sub, Who[] who, int[] perMille) {
    Party p = partyOf(sub, who[pickIndex(perMille)]);
    // Fall back along the commonest kinds when a pool is empty (e.g. a single subscriber).
    if (p == null) {
      p = partyOf(sub, Who.OFF_NET_MOBILE);
    }
    if (p == null) {
      p = partyOf(sub, Who.ON_NET);
    }
    if (p == null) {
      p = partyOf(sub, Who.EMERGENCY);
    }
    if (p == null) {
      throw new IllegalStateException("the number plan has no numbers to call");
    }
    return p;
  }

  private Party partyOf(int sub, Who who) {
    return switch (who) {
      case ON_NET -> otherSubscriber(sub);
      case OFF_NET_MOBILE -> pickOrNull(numbers.offNetMobile);
      case FIXED -> pickOrNull(numbers.fixed);
      case FOREIGN -> numbers.foreignNumber(draws);
      case TOLL_FREE -> pickOrNull(numbers.tollFree);
      case PREMIUM -> pickOrNull(numbers.premium);
      case SHORT -> pickOrNull(numbers.shortNumbers);
      case EMERGENCY -> pickOrNull(numbers.emergency);
    };
  }

  private Party otherSubscriber(int sub) {
    if (subscribers.count < 2) {
      return null;
    }
    int other = draws.below(subscribers.count);
    if (other == sub) {
      other = (other + 1) % subscribers.count;
    }
    return new Party(subscribers.msisdn[other], null, NumberClass.MOBILE, "NO", homeOperator, true);
  }

  private Party pickOrNull(Party[] pool) {
    return pool.length == 0 ? null : draws.pick(pool);
  }

  private String form(Party p) {
    return p.forms() == null
        ? NumberPlan.norwegianForm(p.e164(), draws)
        : NumberPlan.formOf(p, draws);
  }

  private String servedForm(int sub) {
    return NumberPlan.norwegianForm(subscribers.msisdn[sub], draws);
  }

  /** The IMSI, except for the few records whose element did not write one. */
  private String imsi(int sub) {
    return draws.chance(0.03) ? null : subscribers.imsi[sub];
  }

  private String plmn(RoamingModel.Destination abroad) {
    if (abroad != null) {
      return RoamingModel.plmnFor(abroad, draws);
    }
    return draws.chance(0.4) ? HOME_PLMN : null;
  }

  /**
   * The interconnect trunk between us and {@code p}'s network: the trunk a call to it leaves on, or
   * a call from it entered on. Another Norwegian operator's mobile or fixed number: one of that
   * operator's trunks; a foreign number: a transit carrier's; anything inside our network or
   * without an operator (short, toll-free, premium numbers): none.
   */
  private String trunkOf(Party p) {
    if (p.onNet() || p.country() == null) {
      return null;
    }
    if ("NO".equals(p.country())) {
      boolean interconnected =
          p.operatorId() != null
              && (p.numberClass() == NumberClass.MOBILE || p.numberClass() == NumberClass.FIXED);
      String[] trunks = interconnected ? trunksByOperator.get(p.operatorId()) : null;
      return trunks == null || trunks.length == 0 ? null : draws.pick(trunks);
    }
    return transitTrunks.length == 0 ? null : draws.pick(transitTrunks);
  }

  private int callSeconds() {
    return 1 + (int) Math.min(PARTIAL_SECONDS - 2, draws.exponential(MEAN_CALL_SECONDS - 1));
  }

  /** A reference unique within the feed: a bijective mix of a counter. */
  private String nextReference() {
    long v = Mix.mix64(referenceBase + (calls++) * GOLDEN);
    char[] c = new char[16];
    for (int i = 15; i >= 0; i--) {
      c[i] = Character.toUpperCase(Character.forDigit((int) (v & 0xF), 16));
      v >>>= 4;
    }
    return new String(c);
  }

  /**
   * A record with what every event has: a fresh call reference, sequence 0 (complete), seizure at
   * {@code t}, no answer, duration 0, cause NORMAL. The caller sets the rest.
   */
  private RawCdr record(
      String element, RecordType type, String served, String imsi, String plmn, long t) {
    RawCdr r = new RawCdr();
    r.setNetworkElement(element);
    r.setCallReference(nextReference());
    r.setSequenceNumber(0);
    r.setLastPartial(true);
    r.setRecordType(type);
    r.setServedMsisdn(served);
    r.setServedImsi(imsi);
    r.setSeizureTime(Instant.ofEpochMilli(t));
    r.setDurationSeconds(0);
    r.setCauseForTerm("NORMAL");
    r.setVisitedPlmn(plmn);
    return r;
  }

  /**
   * Records of a subscriber abroad come from the visited network through roaming clearing (TAP),
   * not from one of our elements.
   */
  private static String tapElement(String plmn) {
    return "TAP-" + plmn;
  }
}
