package org.cdrflow.collector.job;

/** A record for {@code cdr.raw}: key and single-object encoded value (a Flink POJO). */
public final class TopicRecord {
  public byte[] key;
  public byte[] value;

  public TopicRecord() {}

  public TopicRecord(byte[] key, byte[] value) {
    this.key = key;
    this.value = value;
  }
}
