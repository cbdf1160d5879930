package org.cdrflow.collector.ber;

import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.RawCdrCodec;

/**
 * One charging file as the collector accounts for it: identity (name, size, SHA-256), the decoded
 * records ready for {@code cdr.raw} (key and single-object encoding, as every producer of the topic
 * writes them), the rejections, and whether the file is whole.
 *
 * @param name the file's name (without directories)
 * @param sha256 the content's SHA-256 in lower-case hex: a file's identity
 * @param keys the records' {@code cdr.raw} keys
 * @param values the records' single-object encodings, in the order of {@code keys}
 * @param firstEventTime the earliest event time of the decoded records, or null
 * @param lastEventTime the latest, or null
 */
public record CollectedFile(
    String name,
    long size,
    String sha256,
    boolean complete,
    int records,
    List<byte[]> keys,
    List<byte[]> values,
    List<ChargingFile.Rejection> rejections,
    Instant firstEventTime,
    Instant lastEventTime)
    implements Serializable {

  /** Decodes {@code content} of the file {@code name}. */
  public static CollectedFile of(
      String name, byte[] content, boolean released, ChargingFileDecoder decoder) {
    ChargingFile file = decoder.decode(name, content, released);
    List<byte[]> keys = new ArrayList<>(file.records().size());
    List<byte[]> values = new ArrayList<>(file.records().size());
    Instant first = null;
    Instant last = null;
    for (ChargingFile.Record r : file.records()) {
      RawCdr c = r.cdr();
      keys.add(RawCdrCodec.key(c).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      values.add(RawCdrCodec.encode(c));
      Instant t = c.getAnswerTime() != null ? c.getAnswerTime() : c.getSeizureTime();
      first = first == null || t.isBefore(first) ? t : first;
      last = last == null || t.isAfter(last) ? t : last;
    }
    return new CollectedFile(
        name,
        content.length,
        sha256(content),
        file.complete(),
        file.recordCount(),
        keys,
        values,
        file.rejections(),
        first,
        last);
  }

  public static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
