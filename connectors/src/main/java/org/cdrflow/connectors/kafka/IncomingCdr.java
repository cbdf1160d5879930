package org.cdrflow.connectors.kafka;

/**
 * One record read from the raw topic: where it came from, its original bytes (kept for rejects and
 * reprocessing) and, when it could be decoded, the fields of {@code RawCdr}. A Flink POJO (public
 * fields, no-argument constructor) so it travels on Flink's POJO serializer rather than Kryo.
 */
public class IncomingCdr {
  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;
  public byte[] payload;

  /** Why the payload could not be decoded; null when it could. */
  public String undecodableReason;

  /** Set on records fed again by {@code cdrflow reprocess}: the reject they came from. */
  public String reprocessedRejectId;

  public String networkElement;
  public String callReference;
  public int sequenceNumber;
  public boolean lastPartial;

  /** The record type's symbol (MOC, MTC, FWD, SMS_MO, SMS_MT, DATA). */
  public String recordType;

  public String servedMsisdn;
  public String servedImsi;
  public String callingNumber;
  public String calledNumber;
  public long seizureTime;
  public Long answerTime;
  public int durationSeconds;
  public String causeForTerm;
  public String visitedPlmn;
  public String inTrunk;
  public String outTrunk;
  public Long uplinkBytes;
  public Long downlinkBytes;

  public IncomingCdr() {}

  public boolean decoded() {
    return undecodableReason == null;
  }

  /** Event time: the answer time when present, else the seizure time (docs/architecture.md). */
  public long eventTime() {
    return answerTime != null ? answerTime : seizureTime;
  }
}
