package org.cdrflow.schema.codec;

import org.apache.avro.util.ClassSecurityValidator;
import org.apache.avro.util.ClassSecurityValidator.ClassSecurityPredicate;
import org.cdrflow.schema.FraudAlert;
import org.cdrflow.schema.NotificationKind;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;
import org.cdrflow.schema.RejectedCdr;
import org.cdrflow.schema.UsageNotification;

/**
 * Makes Avro 1.12 willing to instantiate this module's generated classes.
 *
 * <p>Avro 1.12.2 refuses to deserialise into any class that is not trusted ({@code
 * SecurityException: Forbidden ...}) unless {@code org.apache.avro.SERIALIZABLE_PACKAGES} is set on
 * that JVM. Relying on a system property would make every Flink TaskManager, test JVM and CLI
 * depend on a deployment flag, and a missing flag shows up only as a restart loop. Instead the
 * codecs of this module register exactly their generated classes, by name, with Avro's global
 * {@link ClassSecurityValidator}, keeping whatever was trusted before.
 *
 * <p>The codecs call {@link #ensureRegistered()} themselves. Code that deserialises these classes
 * by other means (e.g. {@code RejectedCdr.fromByteBuffer}, Flink's Avro formats) should call it
 * once, e.g. in {@code open()}.
 */
public final class SchemaTrust {

  private static final ClassSecurityPredicate OUR_CLASSES =
      ClassSecurityValidator.builder()
          .add(RawCdr.class)
          .add(FraudAlert.class)
          .add(RecordType.class)
          .add(RejectedCdr.class)
          .add(UsageNotification.class)
          .add(NotificationKind.class)
          .build();

  private SchemaTrust() {}

  /**
   * Trusts the generated classes of this module in Avro's global class validator. Idempotent and
   * cheap; re-registers if someone replaced the global validator since the last call.
   */
  public static void ensureRegistered() {
    if (isRegistered()) {
      return;
    }
    // The global is a plain static field in Avro: serialise our read-modify-write so that two
    // operators opening at once cannot drop each other's wrapper.
    synchronized (ClassSecurityValidator.class) {
      ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
      if (!trusts(current)) {
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current, OUR_CLASSES));
      }
    }
  }

  /** Whether Avro's global validator currently trusts every generated class of this module. */
  public static boolean isRegistered() {
    return trusts(ClassSecurityValidator.getGlobal());
  }

  private static boolean trusts(ClassSecurityPredicate predicate) {
    return predicate.isTrusted(RawCdr.class)
        && predicate.isTrusted(RecordType.class)
        && predicate.isTrusted(RejectedCdr.class)
        && predicate.isTrusted(UsageNotification.class)
        && predicate.isTrusted(NotificationKind.class)
        && predicate.isTrusted(FraudAlert.class);
  }
}
