package org.cdrflow.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.kafka.FeedProducer;
import org.cdrflow.connectors.kafka.IncomingCdrDeserializer;
import org.cdrflow.jobs.LocalStreamingRun;
import org.cdrflow.pipeline.RejectReason;
import org.cdrflow.schema.codec.RawCdrCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Feeds the kept rejects of one reason back through the pipeline after the reference data was fixed
 * (docs/decisions.md, "Reprocessing"): each open reject once, with its original bytes. What was
 * already rated is not rated twice: a record that was rejected never counted as seen, and a second
 * copy of one that was rated is a duplicate.
 */
@Command(
    name = "reprocess",
    description = "Feeds the kept rejects of reason R through the pipeline again.")
public class ReprocessCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Mixin RebuildAggregatesOption rebuildAggregates;

  @Option(
      names = "--reason",
      required = true,
      paramLabel = "R",
      description = "reject reason, e.g. UNKNOWN_SUBSCRIBER")
  RejectReason reason;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "embedded stack: give up after this long (default PT30M)")
  Duration timeout = Duration.ofMinutes(30);

  private record Reject(String id, byte[] payload) {}

  @Override
  public Integer call() throws Exception {
    CdrflowConfig base = common.config();
    try (RuntimeStack stack = RuntimeStack.open(base, common.workDir)) {
      CdrflowConfig config = rebuildAggregates.apply(stack.config());
      CdrflowConfig.JdbcSettings jdbc = config.jdbc();
      List<Reject> rejects = claim(jdbc);
      System.out.println(rejects.size() + " rejects of reason " + reason + " to feed again");
      if (rejects.isEmpty()) {
        return 0;
      }
      AtomicReference<Exception> failure = new AtomicReference<>();
      try (FeedProducer producer = FeedProducer.toRawTopic(config)) {
        for (Reject r : rejects) {
          producer.send(
              keyOf(r.payload()),
              r.payload(),
              new String[] {IncomingCdrDeserializer.REPROCESS_HEADER, r.id()},
              failure);
        }
        producer.flush();
      }
      if (failure.get() != null) {
        release(jdbc, rejects);
        throw new IllegalStateException(
            "feeding the rejects failed; they stay open: " + failure.get().getMessage());
      }
      if (stack.isEmbedded()) {
        new LocalStreamingRun(config, common.workDir.resolve("job-state"))
            .runToEndOfTopic(timeout, System.out::println);
      }
      System.out.println("Fed " + rejects.size() + " rejects of reason " + reason + " again");
      return 0;
    }
  }

  /**
   * Marks the open rejects of the reason as reprocessed and returns them. Marked before they are
   * fed: if the job rejects one again, its upsert opens the row again after this mark.
   */
  private List<Reject> claim(CdrflowConfig.JdbcSettings jdbc) throws Exception {
    List<Reject> rejects = new ArrayList<>();
    try (Connection c = jdbc.connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement s =
          c.prepareStatement(
              "update rejected_cdr set reprocessed_at = now() where reason = ?"
                  + " and reprocessed_at is null and payload is not null"
                  + " returning reject_id, payload")) {
        s.setString(1, reason.name());
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            rejects.add(new Reject(r.getString(1), r.getBytes(2)));
          }
        }
      }
      c.commit();
    }
    return rejects;
  }

  private void release(CdrflowConfig.JdbcSettings jdbc, List<Reject> rejects) throws Exception {
    try (Connection c = jdbc.connect();
        PreparedStatement s =
            c.prepareStatement(
                "update rejected_cdr set reprocessed_at = null where reject_id = ?::uuid")) {
      for (Reject r : rejects) {
        s.setString(1, r.id());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static String keyOf(byte[] payload) {
    try {
      return RawCdrCodec.key(RawCdrCodec.decode(payload));
    } catch (Exception e) {
      return null;
    }
  }
}
