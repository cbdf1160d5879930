package org.cdrflow.domain;

import java.math.BigDecimal;
import java.time.Instant;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.reference.CountryZone;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.Subscription;
import org.cdrflow.schema.RecordType;

/**
 * One validated, deduplicated, enriched event ready for rating: a complete record, or the partial
 * records of one long call joined into one (docs/architecture.md). A Flink POJO: public fields and
 * a no-argument constructor keep it on Flink's fast POJO serializer.
 */
public class MediatedCall {
  /** Invoice line id, derived from networkElement, callReference and recordType. */
  public String lineId;

  public String networkElement;
  public String callReference;
  public RecordType recordType;

  /** Event time: answer time of the record (of partial 1 for a joined call), else seizure time. */
  public long eventStartMillis;

  public int durationSeconds;

  /** Uplink + downlink bytes of a DATA record (summed over joined partials); 0 otherwise. */
  public long volumeBytes;

  /** The served subscriber (E.164) and IMSI. */
  public String msisdn;

  public String imsi;

  public String subscriptionId;
  public String accountId;
  public String planId;

  /**
   * When the subscription started: the earliest valid_from of its subscription_id (a plan change
   * adds a row but does not restart the fair-use window, docs/rating.md "Fair use").
   */
  public long subscriptionValidFromMillis;

  /** Everything that prices the event, resolved by mediation (docs/rating.md). */
  public Tariff tariff;

  /** When the SIM block notice that applies to this event was received, or null. */
  public Long simBlockedAtMillis;

  /** The other party (E.164, or dialled digits for SHORT/EMERGENCY); null for DATA. */
  public String counterpartNumber;

  public NumberClass counterpartClass;

  /** ISO 3166 alpha-2 country of the other party's number; null when it has none. */
  public String counterpartCountry;

  /** Zone of {@code country_zone} of the counterpart's country (for INTL_ zones), or null. */
  public String counterpartZone;

  public VisitedZone visitedZone;

  /** ISO 3166 alpha-2 visited country when roaming; null at home and on MCC 901 networks. */
  public String roamingCountry;

  /** Whether the visited country is Nordic or Baltic (fair use does not apply there). */
  public boolean roamingNordicBaltic;

  public String inTrunk;
  public String outTrunk;

  /** The partial records of this call did not all arrive within the join timeout. */
  public boolean incomplete;

  /** How many raw records this event stands for (partials joined), for the audit. */
  public int rawRecords = 1;

  /** Settlement resolved by mediation; null when the event is not settled here. */
  public String settlementPartnerId;

  public String settlementDirection;
  public String settlementProduct;
  public String settlementUnit;
  public String settlementCurrency;

  /** Interconnect price in force at the event time. */
  public BigDecimal settlementPrice;

  /** Valid_from of the interconnect_rate version that gave settlementPrice, epoch millis. */
  public Long settlementRateValidFromMillis;

  /** Where the (first) raw record came from, and its original bytes until partials are joined. */
  public String sourceTopic;

  public int sourcePartition;
  public long sourceOffset;
  public byte[] payload;

  /** Partial records: 0 for a complete record, 1..n for the partials of one long call. */
  public int sequenceNumber;

  public boolean lastPartial;

  public MediatedCall() {}

  /**
   * Takes on what rating needs of the subscription the call belongs to at {@code at}: its ids and
   * plan, the start of the subscription that bounds the fair-use window (its first {@code
   * valid_from}, not the plan change's: docs/rating.md, "Fair use") and the SIM block notice that
   * applies at the event (docs/rating.md, "Blocked SIM"). Mediation and re-rating both use it, so a
   * re-rated call carries the same facts as the first rating did.
   */
  public void attachSubscription(Subscription s, ReferenceData ref, Instant at) {
    subscriptionId = s.subscriptionId();
    accountId = s.accountId();
    planId = s.planId();
    subscriptionValidFromMillis = ref.subscriptionStart(s).toEpochMilli();
    simBlockedAtMillis = ref.blockedAt(s, at).map(Instant::toEpochMilli).orElse(null);
  }

  /**
   * The zone of the other party's country: Norway's own for a Norwegian number (Norway has no row
   * of its own in {@code country_zone}), else the country's zone, or null when it has none.
   */
  public static String counterpartZoneOf(String counterpartCountry, ReferenceData ref) {
    return "NO".equals(counterpartCountry)
        ? "NO"
        : ref.countryZone(counterpartCountry).map(CountryZone::zone).orElse(null);
  }

  /** The key that identifies one call across its partials and its duplicates. */
  public String callKey() {
    return networkElement + '|' + callReference + '|' + recordType;
  }

  public long eventStartMillis() {
    return eventStartMillis;
  }
}
