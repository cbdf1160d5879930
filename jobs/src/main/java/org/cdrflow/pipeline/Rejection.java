package org.cdrflow.pipeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.domain.RejectReason;

/**
 * A record that was not rated, kept with its reason, a readable detail (never a subscriber number),
 * where it came from and its original bytes, so that it can be fixed and fed again ({@code cdrflow
 * reprocess}). Becomes a row of {@code rejected_cdr} and a message on the rejected topic.
 */
public class Rejection {
  public String rejectId;
  public String reason;
  public String detail;
  public String sourceTopic;
  public int sourcePartition;
  public long sourceOffset;
  public byte[] payload;

  /** Event time when the record had a readable one; null otherwise. */
  public Long eventTime;

  public long firstSeen;

  public Rejection() {}

  public static Rejection of(
      String rejectId,
      RejectReason reason,
      String detail,
      String topic,
      int partition,
      long offset,
      byte[] payload,
      Long eventTime,
      long now) {
    Rejection r = new Rejection();
    r.rejectId = rejectId;
    r.reason = reason.name();
    r.detail = detail;
    r.sourceTopic = topic;
    r.sourcePartition = partition;
    r.sourceOffset = offset;
    r.payload = payload;
    r.eventTime = eventTime;
    r.firstSeen = now;
    return r;
  }

  /**
   * The id of the reject of one record, from the record's own identity (docs/reliability.md, "A
   * record fed twice is one reject"): the same record rejected again, whether fed twice, replayed
   * after a crash or reprocessed, updates its row instead of adding one. Where it sat on the topic
   * stays in the row's source columns.
   */
  public static String idOf(
      String networkElement, String callReference, String recordType, int sequenceNumber) {
    return UUID.nameUUIDFromBytes(
            ("reject|"
                    + networkElement
                    + '|'
                    + callReference
                    + '|'
                    + recordType
                    + '|'
                    + sequenceNumber)
                .getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /**
   * The id of the reject of a record without a usable identity (undecodable, or missing its network
   * element, call reference or record type): a hash of its bytes, so the same bytes are one reject.
   * Kept apart from {@link #idOf(String, String, String, int)} by its prefix.
   */
  public static String idOfBytes(byte[] payload) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(payload == null ? new byte[0] : payload);
      byte[] name = new byte[digest.length + 6];
      System.arraycopy("bytes|".getBytes(StandardCharsets.US_ASCII), 0, name, 0, 6);
      System.arraycopy(digest, 0, name, 6, digest.length);
      return UUID.nameUUIDFromBytes(name).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * The reject id of an incoming record: its identity when it has one, else its bytes.
   *
   * @param recordType the record type's symbol, or null when unknown
   */
  public static String idOfRecord(
      String networkElement,
      String callReference,
      String recordType,
      int sequenceNumber,
      byte[] payload) {
    if (isBlank(networkElement) || isBlank(callReference) || isBlank(recordType)) {
      return idOfBytes(payload);
    }
    return idOf(networkElement, callReference, recordType, sequenceNumber);
  }

  /** The reject id of a record read from the raw topic (decoded or not). */
  public static String idOf(IncomingCdr in) {
    return in.decoded()
        ? idOfRecord(
            in.networkElement, in.callReference, in.recordType, in.sequenceNumber, in.payload)
        : idOfBytes(in.payload);
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
