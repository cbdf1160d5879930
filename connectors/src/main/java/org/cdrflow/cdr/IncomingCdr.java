package org.cdrflow.cdr;

import org.cdrflow.schema.RawCdr;

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

  /** Takes the fields of a decoded record, as the Kafka deserialiser does for every record. */
  public void copyFrom(RawCdr cdr) {
    this.networkElement = cdr.getNetworkElement();
    this.callReference = cdr.getCallReference();
    this.sequenceNumber = cdr.getSequenceNumber();
    this.lastPartial = cdr.getLastPartial();
    this.recordType = cdr.getRecordType() == null ? null : cdr.getRecordType().name();
    this.servedMsisdn = cdr.getServedMsisdn();
    this.servedImsi = cdr.getServedImsi();
    this.callingNumber = cdr.getCallingNumber();
    this.calledNumber = cdr.getCalledNumber();
    this.seizureTime = cdr.getSeizureTime() == null ? 0L : cdr.getSeizureTime().toEpochMilli();
    this.answerTime = cdr.getAnswerTime() == null ? null : cdr.getAnswerTime().toEpochMilli();
    this.durationSeconds = cdr.getDurationSeconds();
    this.causeForTerm = cdr.getCauseForTerm();
    this.visitedPlmn = cdr.getVisitedPlmn();
    this.inTrunk = cdr.getInTrunk();
    this.outTrunk = cdr.getOutTrunk();
    this.uplinkBytes = cdr.getUplinkBytes();
    this.downlinkBytes = cdr.getDownlinkBytes();
  }

  public boolean decoded() {
    return undecodableReason == null;
  }

  /** Event time: the answer time when present, else the seizure time (docs/architecture.md). */
  public long eventTime() {
    return answerTime != null ? answerTime : seizureTime;
  }
}
