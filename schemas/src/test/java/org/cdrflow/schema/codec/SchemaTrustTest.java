package org.cdrflow.schema.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;
import org.cdrflow.schema.RawCdr;
import org.junit.jupiter.api.Test;

/** Decoding into the generated classes must work in any JVM, without Avro system properties. */
class SchemaTrustTest {

  @Test
  void freshJvmWithoutSystemPropertiesDecodes() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    TrustProbe.class.getName()))
            .redirectErrorStream(true)
            .start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    List<String> steps = out.lines().filter(l -> l.matches("[A-Z-]+")).toList();
    // AVRO-FORBIDDEN proves the gotcha is real in this Avro version, so CODEC-OK means something.
    assertEquals(List.of("AVRO-FORBIDDEN", "CODEC-OK", "AVRO-OK"), steps, out);
  }

  @Test
  void thisJvmHasNoAvroTrustProperties() {
    assertNull(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES"));
    assertNull(System.getProperty("org.apache.avro.SERIALIZABLE_CLASSES"));
  }

  @Test
  void reRegistersWhenSomeoneResetsTheGlobalValidator() throws Exception {
    ClassSecurityPredicate before = ClassSecurityValidator.getGlobal();
    try {
      ClassSecurityValidator.setGlobal(ClassSecurityValidator.DEFAULT);
      // A fresh model has an empty class cache, so this really asks the validator.
      assertThrows(
          SecurityException.class, () -> new SpecificData().getClass(RawCdr.getClassSchema()));

      RawCdrDecoder decoder = new RawCdrDecoder(); // opening a decoder registers again
      assertTrue(SchemaTrust.isRegistered());
      assertEquals(RawCdr.class, new SpecificData().getClass(RawCdr.getClassSchema()));
      assertEquals(Samples.moc("c-1"), decoder.decode(RawCdrCodec.encode(Samples.moc("c-1"))));
    } finally {
      ClassSecurityValidator.setGlobal(before);
    }
  }

  @Test
  void keepsWhatWasTrustedBefore() throws IOException {
    ClassSecurityPredicate before = ClassSecurityValidator.getGlobal();
    try {
      ClassSecurityValidator.setGlobal(
          ClassSecurityValidator.composite(
              ClassSecurityValidator.DEFAULT,
              ClassSecurityValidator.builder().add(SchemaTrustTest.class).build()));
      SchemaTrust.ensureRegistered();
      assertTrue(ClassSecurityValidator.getGlobal().isTrusted(SchemaTrustTest.class));
      assertTrue(ClassSecurityValidator.getGlobal().isTrusted(String.class));
      assertTrue(SchemaTrust.isRegistered());
    } finally {
      ClassSecurityValidator.setGlobal(before);
    }
  }
}
