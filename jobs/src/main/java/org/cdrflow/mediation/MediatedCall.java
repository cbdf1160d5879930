package org.cdrflow.mediation;

import java.math.BigDecimal;
import org.cdrflow.numbers.NumberClass;
import org.cdrflow.schema.RecordType;

/**
 * A call as release 52201b6 kept it in keyed state (partials, calls held for the watermark), under
 * this class name, before the record moved to {@link org.cdrflow.domain.MediatedCall}. Flink's POJO
 * serializer names the class in every savepoint, so a savepoint of that release can only be read
 * with a class of this name and these fields. Only {@code cdrflow migrate-state} reads it
 * (org.cdrflow.jobs.StateMigration); nothing else may use it, and it must not change
 * (docs/operations.md, "Upgrade").
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

  /** Uplink + downlink bytes of a DATA record; 0 otherwise. */
  public long volumeBytes;

  /** The served subscriber (E.164) and IMSI. */
  public String msisdn;

  public String imsi;

  public String subscriptionId;
  public String accountId;
  public String planId;
  public long subscriptionValidFromMillis;

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

  /** Where the (first) raw record came from, and its original bytes until partials are joined. */
  public String sourceTopic;

  public int sourcePartition;
  public long sourceOffset;
  public byte[] payload;

  /** Partial records: 0 for a complete record, 1..n for the partials of one long call. */
  public int sequenceNumber;

  public boolean lastPartial;

  public MediatedCall() {}
}
