package org.cdrflow.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Line and settlement ids are public keys: the faster derivation must give the same ids. */
class NameUuidTest {
  @Test
  void equalsTheJdksNameBasedUuid() {
    Random random = new Random(3);
    String[] fixed = {"", "a", "MSC-OSL-1|REF-0000123456|MOC", "settlement|NE|ø|SMS_MO", "日本語"};
    for (String name : fixed) {
      assertEquals(jdk(name), NameUuid.of(name), name);
    }
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sb = new StringBuilder();
      int length = random.nextInt(80);
      for (int c = 0; c < length; c++) {
        sb.append((char) (random.nextBoolean() ? 32 + random.nextInt(95) : random.nextInt(0x3000)));
      }
      String name = sb.toString();
      assertEquals(jdk(name), NameUuid.of(name));
    }
  }

  private static String jdk(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
