package org.cdrflow.schema.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.cdrflow.schema.RawCdr;

/**
 * Static helpers for the {@code cdr.raw} wire format: Avro single-object encoding of {@link
 * RawCdr}, and the record key.
 *
 * <p>All methods are thread-safe. For decoding on a hot path prefer one {@link RawCdrDecoder} per
 * thread or subtask, which reuses its buffers.
 */
public final class RawCdrCodec {

  static {
    SchemaTrust.ensureRegistered();
  }

  private RawCdrCodec() {}

  /**
   * Single-object encodes a record with the current schema.
   *
   * @throws IllegalArgumentException if the record cannot be encoded (e.g. a required field is
   *     null); the message names the field, never a value
   */
  public static byte[] encode(RawCdr record) {
    ByteBuffer buffer;
    try {
      // Avro's encoder is thread-safe (thread-local buffers) and returns a copy we may keep.
      buffer = RawCdr.getEncoder().encode(record);
    } catch (IOException e) {
      throw new UncheckedIOException("RawCdr cannot be encoded", e);
    } catch (RuntimeException e) {
      throw sanitised(e);
    }
    if (buffer.hasArray()
        && buffer.arrayOffset() == 0
        && buffer.position() == 0
        && buffer.remaining() == buffer.array().length) {
      return buffer.array();
    }
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  /**
   * Decodes one single-object encoded RawCdr, written with any known writer schema.
   *
   * @throws UndecodableRecordException with a readable reason and no field values
   */
  public static RawCdr decode(byte[] bytes) throws UndecodableRecordException {
    // A decoder is two small objects; creating one per call keeps this method thread-safe
    // without thread-locals that would pin a Flink user class loader.
    return new RawCdrDecoder().decode(bytes);
  }

  /** The Kafka key of a record on {@code cdr.raw}: {@code networkElement|callReference}. */
  public static String key(RawCdr record) {
    return record.getNetworkElement() + "|" + record.getCallReference();
  }

  /**
   * Avro's messages for a bad datum can quote the value (a subscriber number, say); keep only what
   * is safe: the exception type, and for nulls Avro's message, which names the field.
   */
  private static IllegalArgumentException sanitised(RuntimeException e) {
    String what =
        e instanceof NullPointerException && e.getMessage() != null
            ? e.getMessage()
            : e.getClass().getSimpleName();
    IllegalArgumentException safe =
        new IllegalArgumentException("RawCdr cannot be encoded: " + what);
    // Keep where it happened, without the original message.
    safe.setStackTrace(e.getStackTrace());
    return safe;
  }
}
