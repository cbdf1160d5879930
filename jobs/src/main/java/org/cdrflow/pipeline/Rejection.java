package org.cdrflow.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

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
      RejectReason reason,
      String detail,
      String topic,
      int partition,
      long offset,
      byte[] payload,
      Long eventTime,
      long now) {
    Rejection r = new Rejection();
    r.rejectId = idOf(topic, partition, offset);
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
   * Derived from the source position, so a record rejected again after a replay or a reprocess
   * updates its row instead of adding one.
   */
  public static String idOf(String topic, int partition, long offset) {
    return UUID.nameUUIDFromBytes(
            ("reject|" + topic + '|' + partition + '|' + offset).getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
