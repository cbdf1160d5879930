package org.cdrflow.collector.ber;

import java.util.List;
import org.cdrflow.schema.RawCdr;

/**
 * What one charging file holds, decoded: the records that became {@link RawCdr}s, the ones
 * rejected, and where the file is cut off when it is incomplete. Every byte of the file is in
 * exactly one record, one rejection, the filler between records, or the incomplete tail.
 *
 * @param nodeId the node ID of the file's name (docs/formats.md)
 * @param size the file's length in bytes
 * @param records the decoded records in file order
 * @param rejections the records that did not decode, in file order
 * @param incompleteAt offset of the record the file ends inside, or -1 when it ends after a whole
 *     record
 * @param fillerBytes bytes of filler (00H or FFH) between records
 */
public record ChargingFile(
    String nodeId,
    long size,
    List<Record> records,
    List<Rejection> rejections,
    int incompleteAt,
    int fillerBytes) {

  /** A decoded record: its index among the file's records (from 0), offset and length. */
  public record Record(int index, int offset, int length, RawCdr cdr) {}

  /**
   * A record that did not decode: its index, offset, length (to the next record found) and why,
   * without any of its bytes.
   */
  public record Rejection(int index, int offset, int length, String reason) {}

  public boolean complete() {
    return incompleteAt < 0;
  }

  /** Records in the file, decoded or rejected (the incomplete tail not counted). */
  public int recordCount() {
    return records.size() + rejections.size();
  }
}
