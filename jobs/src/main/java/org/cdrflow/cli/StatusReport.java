package org.cdrflow.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code cdrflow status} found, and what of it needs a human (docs/operations.md, "cdrflow
 * status"). Plain data gathered by {@link StatusCommand}; the judgement is {@link #needsHuman}, a
 * pure function of the facts and the clock.
 *
 * @param job the streaming job as its Flink REST API reports it; null when no Flink REST endpoint
 *     is known or none answers (then nothing can be said about the job)
 * @param consumerLag records on the raw topic past the consumer group's committed offsets; null
 *     when unknown
 * @param audit the audit equation over every {@code mediation_audit} row
 * @param openRejects rejects not fed again, by reason
 * @param openFraudAlerts open fraud alerts by severity; null while no {@code fraud_alert} table
 *     exists
 * @param lastAnonymisation the latest anonymisation run that was not a dry run; null if none
 * @param anonymisationPending whether lines older than this month's anonymisation cutoff exist
 *     (without them a missing run is nothing to worry about)
 */
public record StatusReport(
    Job job,
    Long consumerLag,
    Audit audit,
    Map<String, Long> openRejects,
    Map<String, Long> openFraudAlerts,
    AnonymisationRun lastAnonymisation,
    boolean anonymisationPending) {

  private static final ZoneId OSLO = ZoneId.of("Europe/Oslo");

  /**
   * By then the monthly anonymisation of the 1st must have completed (the alert rule's default).
   */
  static final int ANONYMISATION_DUE_DAY = 5;

  /** Severity of fraud alerts that page. */
  static final String FRAUD_SEVERITY = "HIGH";

  /**
   * @param state Flink's job state (RUNNING, RESTARTING, FAILED …), or NOT_FOUND when the endpoint
   *     runs no cdrflow streaming job
   * @param lastCheckpoint when the latest completed checkpoint completed; null if none
   * @param failedCheckpoints checkpoints failed since the job (re)started
   * @param eventTimeLagSeconds processing time minus the lowest watermark of the rating stage; null
   *     when unknown
   * @param auditUnaccounted the job's own audit balance as of its latest checkpoint; null when
   *     unknown
   */
  public record Job(
      String endpoint,
      String state,
      Instant lastCheckpoint,
      long failedCheckpoints,
      Long eventTimeLagSeconds,
      Long auditUnaccounted) {}

  public record Audit(long received, long accountedFor) {
    public long difference() {
      return received - accountedFor;
    }
  }

  public record AnonymisationRun(
      LocalDate asOf, String status, Instant startedAt, Instant finishedAt, long linesAnonymised) {}

  /**
   * Everything that needs a human now, one sentence each; empty when all is well. {@code
   * checkpointMaxAge}: how old the latest checkpoint of a running job may be.
   */
  public List<String> needsHuman(Instant now, Duration checkpointMaxAge) {
    List<String> out = new ArrayList<>();
    if (job != null) {
      if (!"RUNNING".equals(job.state())) {
        out.add("the streaming job is " + job.state() + " (" + job.endpoint() + ")");
      } else if (job.lastCheckpoint() == null
          || job.lastCheckpoint().isBefore(now.minus(checkpointMaxAge))) {
        out.add("no checkpoint completed in the last " + checkpointMaxAge.toMinutes() + " minutes");
      }
      if (job.auditUnaccounted() != null && job.auditUnaccounted() != 0) {
        out.add(
            "the job's audit balance is "
                + job.auditUnaccounted()
                + " at its latest checkpoint: records were lost or counted twice");
      }
    }
    if (audit.difference() < 0) {
      out.add(
          "mediation_audit accounts for "
              + -audit.difference()
              + " more records than it received: something was counted twice");
    }
    if (openFraudAlerts != null && openFraudAlerts.getOrDefault(FRAUD_SEVERITY, 0L) > 0) {
      out.add(
          openFraudAlerts.get(FRAUD_SEVERITY)
              + " open fraud alert(s) of severity "
              + FRAUD_SEVERITY);
    }
    if (lastAnonymisation != null && "FAILED".equals(lastAnonymisation.status())) {
      out.add("the latest anonymisation run (as of " + lastAnonymisation.asOf() + ") failed");
    } else if (anonymisationOverdue(now)) {
      out.add(
          "this month's anonymisation has not completed by day "
              + ANONYMISATION_DUE_DAY
              + " (latest completed: "
              + (lastAnonymisation == null ? "none" : lastAnonymisation.asOf())
              + ")");
    }
    return out;
  }

  /** Day ≥ 5 in Oslo, lines to anonymise exist, and no run of this month has completed. */
  boolean anonymisationOverdue(Instant now) {
    LocalDate today = now.atZone(OSLO).toLocalDate();
    if (today.getDayOfMonth() < ANONYMISATION_DUE_DAY || !anonymisationPending) {
      return false;
    }
    return lastAnonymisation == null
        || !"COMPLETED".equals(lastAnonymisation.status())
        || lastAnonymisation.asOf() == null
        || YearMonth.from(lastAnonymisation.asOf()).isBefore(YearMonth.from(today));
  }

  /** The report as one JSON object, for scripts. */
  public String toJson(Instant now, Duration checkpointMaxAge) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("checked_at", now.toString());
    if (job == null) {
      root.put("job", null);
    } else {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("endpoint", job.endpoint());
      j.put("state", job.state());
      j.put(
          "last_checkpoint", job.lastCheckpoint() == null ? null : job.lastCheckpoint().toString());
      j.put("failed_checkpoints", job.failedCheckpoints());
      j.put("event_time_lag_seconds", job.eventTimeLagSeconds());
      j.put("audit_unaccounted", job.auditUnaccounted());
      root.put("job", j);
    }
    root.put("consumer_lag", consumerLag);
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("received", audit.received());
    a.put("accounted_for", audit.accountedFor());
    a.put("difference", audit.difference());
    root.put("audit", a);
    root.put("open_rejects", openRejects);
    root.put("open_fraud_alerts", openFraudAlerts);
    if (lastAnonymisation == null) {
      root.put("last_anonymisation", null);
    } else {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("as_of", String.valueOf(lastAnonymisation.asOf()));
      r.put("status", lastAnonymisation.status());
      r.put("started_at", String.valueOf(lastAnonymisation.startedAt()));
      r.put(
          "finished_at",
          lastAnonymisation.finishedAt() == null
              ? null
              : lastAnonymisation.finishedAt().toString());
      r.put("lines_anonymised", lastAnonymisation.linesAnonymised());
      root.put("last_anonymisation", r);
    }
    root.put("needs_human", needsHuman(now, checkpointMaxAge));
    try {
      return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The report as text for a terminal. */
  public String toText(Instant now, Duration checkpointMaxAge) {
    StringBuilder sb = new StringBuilder();
    if (job == null) {
      sb.append("Job:                 unknown (no Flink REST endpoint; --flink-rest URL)\n");
    } else {
      sb.append(String.format("Job:                 %s (%s)%n", job.state(), job.endpoint()));
      sb.append(
          String.format(
              "Last checkpoint:     %s%s%n",
              job.lastCheckpoint() == null ? "none" : job.lastCheckpoint(),
              job.failedCheckpoints() > 0 ? ", " + job.failedCheckpoints() + " failed" : ""));
      sb.append(
          String.format(
              "Event-time lag:      %s%n",
              job.eventTimeLagSeconds() == null ? "unknown" : job.eventTimeLagSeconds() + " s"));
    }
    sb.append(
        String.format(
            "Consumer lag:        %s%n",
            consumerLag == null ? "unknown" : consumerLag + " records"));
    sb.append(
        String.format(
            "Audit:               received %d, accounted for %d, difference %d%s%n",
            audit.received(),
            audit.accountedFor(),
            audit.difference(),
            job != null && job.auditUnaccounted() != null
                ? " (job's balance at its latest checkpoint: " + job.auditUnaccounted() + ")"
                : ""));
    sb.append("Open rejects:        ").append(counts(openRejects)).append('\n');
    sb.append("Open fraud alerts:   ")
        .append(openFraudAlerts == null ? "no fraud_alert table" : counts(openFraudAlerts))
        .append('\n');
    sb.append("Last anonymisation:  ");
    if (lastAnonymisation == null) {
      sb.append("none\n");
    } else {
      sb.append(
          String.format(
              "as of %s, %s, started %s%s, %d lines%n",
              lastAnonymisation.asOf(),
              lastAnonymisation.status(),
              lastAnonymisation.startedAt(),
              lastAnonymisation.finishedAt() == null
                  ? ""
                  : ", finished " + lastAnonymisation.finishedAt(),
              lastAnonymisation.linesAnonymised()));
    }
    List<String> human = needsHuman(now, checkpointMaxAge);
    if (human.isEmpty()) {
      sb.append("Needs a human:       nothing\n");
    } else {
      for (String h : human) {
        sb.append("NEEDS A HUMAN:       ").append(h).append('\n');
      }
    }
    return sb.toString();
  }

  private static String counts(Map<String, Long> byKey) {
    if (byKey.isEmpty()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    byKey.forEach(
        (k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
    return sb.toString();
  }
}
