package org.cdrflow.schema.codec;

import java.io.IOException;
import java.io.Serializable;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.UndecodableRecordException.Reason;

/**
 * Decodes Avro single-object encoded {@link RawCdr} values ({@code C3 01}, 8-byte little-endian
 * CRC-64-AVRO fingerprint, binary datum), as found on topic {@code cdr.raw}.
 *
 * <p>Accepts every writer schema in {@link RawCdrSchemas#knownWriterSchemas()} (current, v1, and
 * both without namespace) and resolves it to the current schema. Before Avro sees the payload, it
 * is checked against its writer schema (see {@link PayloadValidator}), so garbage is rejected with
 * a precise {@link UndecodableRecordException} and never makes Avro allocate absurd buffers.
 *
 * <p><b>Not thread-safe</b>: hold one per Flink subtask (a field set in {@code open()}, or as a
 * field of the function: it is {@link Serializable} and builds its buffers lazily). For occasional
 * use from any thread, see {@link RawCdrCodec#decode(byte[])}.
 */
public final class RawCdrDecoder implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final int HEADER_LENGTH = 10;

  // Thread-safe, shared by all instances: it caches one resolving reader per writer fingerprint.
  private static final BinaryMessageDecoder<RawCdr> MESSAGE_DECODER;

  static {
    SchemaTrust.ensureRegistered();
    MESSAGE_DECODER = RawCdr.createDecoder(RawCdrSchemas.store());
  }

  private transient ByteSliceInputStream in;
  private transient PayloadValidator validator;

  /** Schemas of the registry wire format, or null: single-object encoding only. */
  private final RegistryFramedSchemas registry;

  /** A decoder that also reads the registry wire format, with {@code registry}'s schemas. */
  public RawCdrDecoder(RegistryFramedSchemas registry) {
    SchemaTrust.ensureRegistered();
    this.registry = registry;
  }

  public RawCdrDecoder() {
    this.registry = null;
    // Also here, not only in the static initialiser: something may have replaced Avro's global
    // validator since this class was loaded (e.g. another job in the same TaskManager).
    SchemaTrust.ensureRegistered();
  }

  /** Decodes one single-object encoded RawCdr into a new instance. */
  public RawCdr decode(byte[] bytes) throws UndecodableRecordException {
    return decode(bytes, null);
  }

  /**
   * Decodes one single-object encoded RawCdr, reusing {@code reuse} if not null (only when the
   * caller no longer holds on to the previous record, e.g. not with Flink object reuse disabled and
   * the record emitted downstream).
   */
  public RawCdr decode(byte[] bytes, RawCdr reuse) throws UndecodableRecordException {
    if (bytes == null || bytes.length == 0) {
      throw new UndecodableRecordException(Reason.EMPTY, "no bytes");
    }
    if (registry != null && RegistryFramedSchemas.isFramed(bytes)) {
      return registry.decode(bytes, reuse);
    }
    int length = bytes.length;
    if ((bytes[0] & 0xff) != 0xC3 || (length > 1 && (bytes[1] & 0xff) != 0x01)) {
      throw new UndecodableRecordException(
          Reason.BAD_MARKER,
          String.format(
              "does not start with the single-object marker C3 01 (found %s)",
              length > 1
                  ? String.format("%02X %02X", bytes[0] & 0xff, bytes[1] & 0xff)
                  : String.format("%02X", bytes[0] & 0xff)));
    }
    if (length < HEADER_LENGTH) {
      throw new UndecodableRecordException(
          Reason.TRUNCATED,
          "only "
              + length
              + " byte(s); the single-object header alone is "
              + HEADER_LENGTH
              + " bytes");
    }
    long fingerprint = littleEndianLong(bytes, 2);
    Schema writer = RawCdrSchemas.findWriter(fingerprint);
    if (writer == null) {
      throw new UndecodableRecordException(
          Reason.UNKNOWN_FINGERPRINT,
          String.format(
              "writer schema fingerprint %016X is not a known RawCdr schema", fingerprint));
    }
    if (validator == null) {
      validator = new PayloadValidator();
      in = new ByteSliceInputStream();
    }
    validator.validate(writer, bytes, HEADER_LENGTH, length);

    in.reset(bytes, 0, length);
    try {
      RawCdr record = MESSAGE_DECODER.decode(in, reuse);
      if (in.remaining() != 0) {
        // The validator walked the same schema, so this means Avro disagrees with it: a bug.
        throw new UndecodableRecordException(
            Reason.TRAILING_BYTES, in.remaining() + " byte(s) after the end of the record");
      }
      return record;
    } catch (MissingSchemaException e) {
      throw new UndecodableRecordException(
          Reason.UNKNOWN_FINGERPRINT,
          String.format(
              "writer schema fingerprint %016X is not a known RawCdr schema", fingerprint));
    } catch (IOException | AvroRuntimeException e) {
      // The payload is valid for its writer schema, so what is left is resolution to the
      // reader schema. Avro's message is not passed on: some name the offending value.
      throw new UndecodableRecordException(
          Reason.SCHEMA_MISMATCH,
          String.format(
              "payload of writer schema %016X cannot be read as the current RawCdr (%s)",
              fingerprint, e.getClass().getSimpleName()));
    } finally {
      in.clear(); // do not keep the caller's (personal) data reachable
    }
  }

  private static long littleEndianLong(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[off + i] & 0xffL);
    }
    return v;
  }
}
