package org.cdrflow.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * The name-based (version 3, MD5) UUID of a name, as text: exactly {@code
 * UUID.nameUUIDFromBytes(name.getBytes(UTF_8)).toString()}, with one MD5 digest per thread instead
 * of a provider lookup per call. The job derives a line id and a settlement id from every call this
 * way (docs/architecture.md, "Exactly-once effect"); the lookup was the larger part of the cost.
 */
public final class NameUuid {
  private static final ThreadLocal<MessageDigest> MD5 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
              throw new InternalError("MD5 not supported", e);
            }
          });

  private NameUuid() {}

  /** The UUID of {@code name}'s UTF-8 bytes, as {@link UUID#nameUUIDFromBytes} makes it. */
  public static String of(String name) {
    MessageDigest md5 = MD5.get();
    md5.reset();
    byte[] hash = md5.digest(name.getBytes(StandardCharsets.UTF_8));
    hash[6] &= 0x0f; // clear version
    hash[6] |= 0x30; // set to version 3
    hash[8] &= 0x3f; // clear variant
    hash[8] |= (byte) 0x80; // set to IETF variant
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (hash[i] & 0xff);
    }
    for (int i = 8; i < 16; i++) {
      lsb = (lsb << 8) | (hash[i] & 0xff);
    }
    return new UUID(msb, lsb).toString();
  }
}
