package org.cdrflow.collector.ber;

import java.util.ArrayList;
import java.util.List;
import org.cdrflow.collector.asn1.cdrflowchargingrecords.CallEventRecord;
import org.cdrflow.schema.RawCdr;

/**
 * Splits a charging file into its CallEventRecords and decodes each one (docs/formats.md): a file
 * is the records' BER encodings one after the other, optionally with filler octets (00H or FFH)
 * between them.
 *
 * <p>A record that does not decode is rejected with its index and byte offset and the file goes on
 * after it. When a record's own tag or length is broken, so that its end is unknown, the decoder
 * looks for the next position where a whole record of a collected type starts, and rejects
 * everything in between as one record. A file that ends inside a record is incomplete: its tail is
 * left undecoded ({@link ChargingFile#incompleteAt()}), unless the operator released it, in which
 * case the tail is searched and rejected like broken framing.
 *
 * <p>Not thread-safe (one per Flink subtask); keeps no data between files.
 */
public final class ChargingFileDecoder {

  /** Separates the node ID from the rest of a file name (TS 32.297 file naming). */
  public static final String NODE_ID_SEPARATOR = "_-_";

  private final KnownComponents known = KnownComponents.get();
  private final BerTlv tlv = new BerTlv();
  private final BerTlv probe = new BerTlv();

  /** The node ID in a file name: up to {@code _-_}, else up to the first dot. */
  public static String nodeId(String fileName) {
    int sep = fileName.indexOf(NODE_ID_SEPARATOR);
    if (sep > 0) {
      return fileName.substring(0, sep);
    }
    int dot = fileName.indexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }

  /**
   * Decodes a whole file.
   *
   * @param released the operator released the file: a cut-off tail is rejected, not held
   */
  public ChargingFile decode(String fileName, byte[] b, boolean released) {
    String nodeId = nodeId(fileName);
    List<ChargingFile.Record> records = new ArrayList<>();
    List<ChargingFile.Rejection> rejections = new ArrayList<>();
    int filler = 0;
    int incompleteAt = -1;
    int index = 0;
    int pos = 0;
    int len = b.length;
    while (pos < len) {
      if (b[pos] == 0 || b[pos] == (byte) 0xFF) {
        filler++;
        pos++;
        continue;
      }
      int end;
      try {
        end = tlv.read(b, pos, len).end;
      } catch (BerFramingException e) {
        if (e.truncated() && !released) {
          incompleteAt = pos;
          break;
        }
        int next = nextRecordStart(b, pos + 1, len);
        rejections.add(
            new ChargingFile.Rejection(
                index++, pos, next - pos, "record framing broken: " + e.getMessage()));
        pos = next;
        continue;
      }
      try {
        RawCdr cdr = decodeRecord(b, pos, end, nodeId);
        records.add(new ChargingFile.Record(index++, pos, end - pos, cdr));
      } catch (UndecodableChargingRecord e) {
        rejections.add(new ChargingFile.Rejection(index++, pos, end - pos, e.getMessage()));
      }
      pos = end;
    }
    return new ChargingFile(nodeId, len, records, rejections, incompleteAt, filler);
  }

  /** The first offset at or after {@code from} where a whole record of a collected type starts. */
  private int nextRecordStart(byte[] b, int from, int len) {
    for (int q = from; q < len; q++) {
      int first = b[q] & 0xFF;
      // Context-specific and constructed, as every CallEventRecord alternative is.
      if ((first & 0xE0) != 0xA0) {
        continue;
      }
      try {
        probe.read(b, q, len);
      } catch (BerFramingException e) {
        continue;
      }
      if (known.record(probe.tagNumber) != null) {
        return q;
      }
    }
    return len;
  }

  /**
   * Decodes one delimited record.
   *
   * @throws UndecodableChargingRecord with the reason, never the bytes
   */
  RawCdr decodeRecord(byte[] b, int offset, int end, String nodeId)
      throws UndecodableChargingRecord {
    if (tlv.tagClass != 2 || !tlv.constructed) {
      throw new UndecodableChargingRecord("not a CallEventRecord (tag is not context-specific)");
    }
    KnownComponents.Shape shape = known.record(tlv.tagNumber);
    if (shape == null) {
      throw new UndecodableChargingRecord(
          "record type [" + tlv.tagNumber + "] is not one cdrflow collects");
    }
    // Most records hold only components cdrflow declares: those are decoded where they lie, in
    // the file's bytes, without a copy.
    byte[] bytes = b;
    int from = offset;
    int to = end;
    try {
      if (known.hasUnknown(b, offset, end, shape)) {
        bytes = known.stripUnknown(b, offset, end, shape);
        from = 0;
        to = bytes.length;
      }
    } catch (BerFramingException e) {
      throw new UndecodableChargingRecord("component framing broken: " + e.getMessage());
    }
    CallEventRecord record = new CallEventRecord();
    try {
      int read = record.decode(new ByteSpanInput(bytes, from, to));
      if (read != to - from) {
        throw new UndecodableChargingRecord(shape.name + " does not fill its length");
      }
    } catch (java.io.IOException | RuntimeException e) {
      // The generated decoder's messages are about tags, but keep to the type: no content.
      throw new UndecodableChargingRecord("not a valid " + shape.name + " (BER decoding failed)");
    }
    try {
      return ChargingRecordMapper.map(record, nodeId);
    } catch (IllegalArgumentException e) {
      throw new UndecodableChargingRecord(shape.name + ": " + e.getMessage());
    } catch (ArithmeticException e) {
      throw new UndecodableChargingRecord(shape.name + ": data volumes overflow");
    }
  }

  /** Why one record did not decode; the message holds no content of the record. */
  static final class UndecodableChargingRecord extends Exception {
    private static final long serialVersionUID = 1L;

    UndecodableChargingRecord(String message) {
      super(message, null, false, false);
    }
  }
}
