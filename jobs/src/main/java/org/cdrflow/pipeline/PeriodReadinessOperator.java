package org.cdrflow.pipeline;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.YearMonth;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.rating.PeriodCompletion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves billing periods to {@code COMPLETE} as the job's event time passes them
 * (docs/interfaces.md, "Period readiness"). Runs once (parallelism 1) behind the rater and sees
 * only its watermarks.
 *
 * <p>When the watermark passes a period's end plus {@code period.lateness}, every OPEN period up to
 * it that nobody has closed gets {@code closed_at = now()} (the job closes it), so the LATE rule
 * (closed_at at or before the rating time) sends every later event of it to the next open period.
 * The period becomes COMPLETE once its {@code closed_at} lies {@code settle} in the past: long
 * enough for every TaskManager's reference snapshot to have seen it and for lines rated before it
 * to have been written. A period BSS closes later than that waits for BSS. Nothing is kept in
 * state: after a restart the first watermark checks the table again, and every statement is
 * idempotent. A database error is logged and retried at the next check; it never fails the job.
 *
 * <p>The end-of-input watermark of a drain is not event time and never closes anything by itself.
 * At the drain the step instead uses the latest event time rated ({@link LastRatedEventTime}) less
 * the out-of-orderness: the watermark the source would have sent after its last record. Without it
 * a local run, whose source subtask without a partition holds the watermark back until the drain,
 * would close a period only when the end-of-input watermark of a later run happened to be preceded
 * by an event-time one (docs/interfaces.md, "Period readiness").
 */
public class PeriodReadinessOperator extends AbstractStreamOperator<Void>
    implements OneInputStreamOperator<Long, Void> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(PeriodReadinessOperator.class);

  private final CdrflowConfig.JdbcSettings jdbc;
  private final Duration lateness;
  private final Duration settle;
  private final Duration outOfOrderness;

  private transient YearMonth handledUpTo;
  private transient long latestRated = Long.MIN_VALUE;
  private transient boolean timerPending;

  /**
   * @param lateness event time past a period's end after which it is complete
   * @param settle how long a period stays closed before it is COMPLETE (the reference refresh
   *     interval plus the sinks' batch interval, and a margin)
   * @param outOfOrderness the source's watermark delay ({@code watermark.out-of-orderness})
   */
  public PeriodReadinessOperator(
      CdrflowConfig.JdbcSettings jdbc,
      Duration lateness,
      Duration settle,
      Duration outOfOrderness) {
    this.jdbc = jdbc;
    this.lateness = lateness;
    this.settle = settle;
    this.outOfOrderness = outOfOrderness;
  }

  /** The latest event time rated by one rater subtask, sent at the end of input. */
  @Override
  public void processElement(StreamRecord<Long> element) {
    latestRated = Math.max(latestRated, element.getValue());
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    super.processWatermark(mark);
    long eventTime = mark.getTimestamp();
    if (eventTime == Long.MAX_VALUE && latestRated != Long.MIN_VALUE) {
      // As BoundedOutOfOrderness would have emitted after the latest record.
      eventTime = latestRated - outOfOrderness.toMillis() - 1;
    }
    YearMonth passed = PeriodCompletion.lastPassedPeriod(eventTime, lateness).orElse(null);
    if (passed == null || (handledUpTo != null && !passed.isAfter(handledUpTo))) {
      return;
    }
    if (check(passed, true)) {
      handledUpTo = passed;
    }
  }

  /**
   * Closes what nobody closed (when {@code close}) and completes what has been closed long enough;
   * schedules another check while a period up to {@code upTo} is still OPEN.
   *
   * @return false when the database could not be reached (try again at the next watermark)
   */
  private boolean check(YearMonth upTo, boolean close) {
    long open;
    try (Connection c = jdbc.connect()) {
      c.setAutoCommit(false);
      if (close) {
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO billing_period (period, closed_at) VALUES (?, now())"
                    + " ON CONFLICT (period) DO NOTHING")) {
          s.setString(1, upTo.toString());
          s.executeUpdate();
        }
        try (PreparedStatement s =
            c.prepareStatement(
                "UPDATE billing_period SET closed_at = now()"
                    + " WHERE period <= ? AND closed_at IS NULL AND readiness = 'OPEN'")) {
          s.setString(1, upTo.toString());
          s.executeUpdate();
        }
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "UPDATE billing_period SET readiness = 'COMPLETE', completed_at = now()"
                  + " WHERE period <= ? AND readiness = 'OPEN'"
                  + " AND closed_at <= now() - make_interval(secs => ?)")) {
        s.setString(1, upTo.toString());
        s.setDouble(2, settle.toMillis() / 1000.0);
        int done = s.executeUpdate();
        if (done > 0) {
          LOG.info("{} billing period(s) up to {} are COMPLETE", done, upTo);
        }
      }
      try (PreparedStatement s =
          c.prepareStatement(
              "SELECT count(*) FROM billing_period WHERE period <= ? AND readiness = 'OPEN'")) {
        s.setString(1, upTo.toString());
        try (ResultSet r = s.executeQuery()) {
          r.next();
          open = r.getLong(1);
        }
      }
      c.commit();
    } catch (SQLException e) {
      LOG.warn(
          "Could not update the readiness of billing periods up to {} (SQL state {}); trying"
              + " again later",
          upTo,
          e.getSQLState());
      return false;
    }
    if (open > 0 && !timerPending) {
      timerPending = true;
      long at = getProcessingTimeService().getCurrentProcessingTime() + settle.toMillis();
      getProcessingTimeService()
          .registerTimer(
              at,
              t -> {
                timerPending = false;
                check(handledUpTo != null ? handledUpTo : upTo, false);
              });
    }
    return true;
  }
}
