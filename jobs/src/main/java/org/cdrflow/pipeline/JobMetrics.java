package org.cdrflow.pipeline;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.cdrflow.connectors.jdbc.SinkMetrics;
import org.cdrflow.reference.ReferenceDataProvider;
import org.cdrflow.reference.ReferenceSnapshotReader.AnonymisationStatus;

/**
 * The streaming job's own metrics, all in the metric group {@code cdrflow} of the operator that
 * reports them, so that Flink's Prometheus reporter exports them as {@code
 * flink_taskmanager_job_task_operator_cdrflow_<name>}. Labels come only from small fixed sets (a
 * record type, a reject reason, a table, a notification kind, a severity), never from a record's
 * content, a number or an id. docs/operations.md ("The job's metrics") lists every name; the
 * chart's alert rules and dashboard use them, and MetricsIT fails the build when one is missing.
 *
 * <p>The operators call in here with one line each; the definitions live here.
 */
public final class JobMetrics {
  public static final String GROUP = SinkMetrics.GROUP;

  /** Record types of the raw feed (RawCdr.recordType), plus the two that stand for the rest. */
  public enum RecordType {
    MOC,
    MTC,
    FWD,
    SMS_MO,
    SMS_MT,
    DATA,
    /** Not decodable: no record type to read. */
    UNDECODABLE,
    /** Decoded, but a type this build does not know. */
    OTHER;

    static RecordType of(String recordType, boolean decoded) {
      if (!decoded) {
        return UNDECODABLE;
      }
      if (recordType != null) {
        for (RecordType t : values()) {
          if (t.name().equals(recordType) && t != UNDECODABLE && t != OTHER) {
            return t;
          }
        }
      }
      return OTHER;
    }
  }

  private JobMetrics() {}

  /** What the mediate operator reports: records in by type, the reference data in use. */
  public static final class Mediation {
    private final Map<RecordType, Counter> received = new EnumMap<>(RecordType.class);

    private Mediation(MetricGroup operator, ReferenceDataProvider reference) {
      MetricGroup g = operator.addGroup(GROUP);
      for (RecordType t : RecordType.values()) {
        received.put(t, g.addGroup("record_type", t.name()).counter("recordsReceived"));
      }
      g.gauge("referenceVersion", (Gauge<Long>) () -> reference.current().version());
      g.gauge(
          "referenceAgeSeconds",
          (Gauge<Long>) () -> (System.currentTimeMillis() - reference.confirmedAtMillis()) / 1000);
      g.gauge(
          "anonymisationLastCompletedAsOf",
          (Gauge<Long>)
              () -> {
                AnonymisationStatus a = reference.anonymisation();
                return a == null || a.lastCompletedAsOf() == null
                    ? 0L
                    : a.lastCompletedAsOf().getEpochSecond();
              });
      g.gauge(
          "anonymisationLastCompletedAt",
          (Gauge<Long>)
              () -> {
                AnonymisationStatus a = reference.anonymisation();
                return a == null || a.lastCompletedAt() == null
                    ? 0L
                    : a.lastCompletedAt().getEpochSecond();
              });
      g.gauge(
          "anonymisationRunning",
          (Gauge<Integer>)
              () -> {
                AnonymisationStatus a = reference.anonymisation();
                return a != null && a.running() ? 1 : 0;
              });
      g.gauge(
          "anonymisationRunningLines",
          (Gauge<Long>)
              () -> {
                AnonymisationStatus a = reference.anonymisation();
                return a == null ? 0L : a.runningLines();
              });
    }

    public void received(String recordType, boolean decoded) {
      received.get(RecordType.of(recordType, decoded)).inc();
    }
  }

  public static Mediation mediation(MetricGroup operator, ReferenceDataProvider reference) {
    return new Mediation(operator, reference);
  }

  /** Notifications handed to the Kafka sink, by kind (DATA_80, DATA_100, ...). */
  public static final class Notifications {
    private final Map<String, Counter> sent = new HashMap<>();

    private Notifications(MetricGroup operator, Class<? extends Enum<?>> kinds) {
      MetricGroup g = operator.addGroup(GROUP);
      for (Enum<?> k : kinds.getEnumConstants()) {
        sent.put(k.name(), g.addGroup("kind", k.name()).counter("notificationsSent"));
      }
    }

    public void sent(Enum<?> kind) {
      Counter c = sent.get(kind.name());
      if (c != null) {
        c.inc();
      }
    }
  }

  /** One counter per constant of {@code kinds}, the notification kinds: a fixed set. */
  public static Notifications notifications(MetricGroup operator, Class<? extends Enum<?>> kinds) {
    return new Notifications(operator, kinds);
  }

  /**
   * Fraud alerts raised, by severity. Defined ahead of the fraud detection (not built yet): its
   * operator counts each alert it writes here, and the alert rule "fraud alert of high severity"
   * (docs/operations.md) starts to work.
   */
  public static Counter fraudAlertsRaised(MetricGroup operator, String severity) {
    return operator
        .addGroup(GROUP)
        .addGroup("severity", severity.toUpperCase(Locale.ROOT))
        .counter("fraudAlertsRaised");
  }
}
