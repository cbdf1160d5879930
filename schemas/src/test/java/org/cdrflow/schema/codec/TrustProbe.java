package org.cdrflow.schema.codec;

import java.nio.ByteBuffer;
import org.cdrflow.schema.RawCdr;

/**
 * Run in a fresh JVM by {@link SchemaTrustTest}: shows that Avro 1.12 forbids our generated class
 * out of the box, and that the codec works anyway. Prints one word per step.
 */
public final class TrustProbe {

  private TrustProbe() {}

  public static void main(String[] args) throws Exception {
    if (System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES") != null
        || System.getProperty("org.apache.avro.SERIALIZABLE_CLASSES") != null) {
      System.out.println("PROPERTY-SET");
      System.exit(2);
    }
    // Encoding with the generated encoder does not touch our codec classes, nor the validator.
    ByteBuffer encoded = RawCdr.getEncoder().encode(Samples.moc("c-probe"));
    byte[] bytes = new byte[encoded.remaining()];
    encoded.get(bytes);

    // Step 1: plain Avro, before any codec class is loaded.
    try {
      RawCdr.getDecoder().decode(bytes);
      System.out.println("AVRO-ALLOWED");
    } catch (SecurityException e) {
      System.out.println("AVRO-FORBIDDEN");
    }

    // Step 2: our codec, in the same JVM, still without any system property.
    RawCdr decoded = RawCdrCodec.decode(bytes);
    System.out.println(decoded.equals(Samples.moc("c-probe")) ? "CODEC-OK" : "CODEC-WRONG");

    // Step 3: once registered, Avro's own decoder of the generated class works too.
    System.out.println(
        RawCdr.fromByteBuffer(ByteBuffer.wrap(bytes)).equals(decoded) ? "AVRO-OK" : "AVRO-WRONG");
  }
}
