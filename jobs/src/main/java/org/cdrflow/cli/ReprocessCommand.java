package org.cdrflow.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.kafka.FeedProducer;
import org.cdrflow.connectors.kafka.IncomingCdrDeserializer;
import org.cdrflow.domain.RejectReason;
import org.cdrflow.jobs.LocalStreamingRun;
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
    StackFolder.requireStack(base, common.workDir);
    // The batch's files go only once the stack has stopped: a kill while it stops (the job's state
    // saved, the rejects fed and processed) then leaves the batch for the same command to finish
    // (nothing left to send or consume), not a new batch of the rejects the job opened again.
    Path[] finished = null;
    String done;
    // A reprocess killed at any point is finished by the same command run again
    // (docs/operations.md, "After a crash or a stop"): the batch it claimed is kept in the workdir
    // until its records are on the topic and, on the embedded stack, processed.
    Path batchFile = common.workDir.resolve("feeds").resolve("reprocess-" + reason + ".batch");
    boolean resumed = Files.exists(batchFile);
    if (!resumed) {
      // Which rejects are open is the database's answer alone: with none, the broker and the job
      // are not started at all (docs/operations.md, "The embedded stack").
      List<Reject> open;
      try (RuntimeStack db = RuntimeStack.openDatabase(base, common.workDir)) {
        open = open(rebuildAggregates.apply(db.config()).jdbc());
      }
      System.out.println(open.size() + " rejects of reason " + reason + " to feed again");
      if (open.isEmpty()) {
        return 0;
      }
      writeBatch(batchFile, open);
    }
    try (StopSignals signals = StopSignals.install(System.out);
        RuntimeStack stack = RuntimeStack.open(base, common.workDir)) {
      CdrflowConfig config = rebuildAggregates.apply(stack.config());
      CdrflowConfig.JdbcSettings jdbc = config.jdbc();
      List<Reject> rejects = readBatch(batchFile);
      if (resumed) {
        System.out.println(
            "Finishing the interrupted reprocess of "
                + rejects.size()
                + " rejects of reason "
                + reason);
      }
      // Named by the batch's own identity, so a marker left by a kill never matches a later batch.
      String feed = "reprocess-" + batchIdentity(batchFile);
      Path claimed = batchFile.resolveSibling(feed + ".claimed");
      if (!Files.exists(claimed)) {
        claim(jdbc, rejects);
        Files.createFile(claimed);
      }
      List<FeedProducer.Outgoing> records = new ArrayList<>();
      for (Reject r : rejects) {
        records.add(
            new FeedProducer.Outgoing(
                keyOf(r.payload()),
                r.payload(),
                new String[] {IncomingCdrDeserializer.REPROCESS_HEADER, r.id()}));
      }
      FeedProducer.FeedResult fed;
      try (FeedProducer producer = FeedProducer.toRawTopic(config)) {
        fed = producer.sendRest(feed, batchFile.getParent(), records.iterator(), null, 0);
      } catch (Exception e) {
        throw new IllegalStateException(
            "feeding the rejects failed; run the same command again to finish: " + e.getMessage(),
            e);
      }
      if (stack.isEmbedded()) {
        try (PhaseProgress.Processing progress =
            PhaseProgress.Processing.start(config, System.out)) {
          LocalStreamingRun job =
              new LocalStreamingRun(config, common.workDir.resolve("job-state"));
          signals.watch(job);
          job.runToEndOfTopic(timeout, System.out::println);
          signals.watch(null);
        }
      }
      finished = new Path[] {batchFile, claimed, batchFile.resolveSibling(feed + ".start")};
      done =
          "Fed "
              + fed.sent()
              + " rejects of reason "
              + reason
              + " again"
              + (fed.alreadyOnTopic() > 0
                  ? " (" + fed.alreadyOnTopic() + " were on the topic from the interrupted run)"
                  : "");
    }
    for (Path f : finished) {
      Files.deleteIfExists(f);
    }
    System.out.println(done);
    return 0;
  }

  /** The open rejects of the reason that still have their bytes, in a fixed order. */
  private List<Reject> open(CdrflowConfig.JdbcSettings jdbc) throws Exception {
    List<Reject> rejects = new ArrayList<>();
    try (Connection c = jdbc.connect();
        PreparedStatement s =
            c.prepareStatement(
                "select reject_id, payload from rejected_cdr where reason = ?"
                    + " and reprocessed_at is null and payload is not null"
                    + " order by source_topic, source_partition, source_offset, reject_id")) {
      s.setString(1, reason.name());
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          rejects.add(new Reject(r.getString(1), r.getBytes(2)));
        }
      }
    }
    return rejects;
  }

  /**
   * Marks the batch's rejects as reprocessed. Marked before they are fed: if the job rejects one
   * again, its upsert opens the row again after this mark. Runs once per batch (the ".claimed"
   * marker), so a resumed batch never marks a row the job has opened again.
   */
  private static void claim(CdrflowConfig.JdbcSettings jdbc, List<Reject> rejects)
      throws Exception {
    try (Connection c = jdbc.connect();
        PreparedStatement s =
            c.prepareStatement(
                "update rejected_cdr set reprocessed_at = now() where reject_id = ?::uuid")) {
      c.setAutoCommit(false);
      for (Reject r : rejects) {
        s.setString(1, r.id());
        s.addBatch();
      }
      s.executeBatch();
      c.commit();
    }
  }

  /** One line per reject: its id and its bytes in Base64; written whole or not at all. */
  private static void writeBatch(Path file, List<Reject> rejects) throws IOException {
    Files.createDirectories(file.getParent());
    // A batch of its own identity: the same rejects claimed again later are another feed.
    StringBuilder sb = new StringBuilder("batch ").append(UUID.randomUUID()).append('\n');
    for (Reject r : rejects) {
      sb.append(r.id()).append(' ').append(Base64.getEncoder().encodeToString(r.payload()));
      sb.append('\n');
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, sb, StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static List<Reject> readBatch(Path file) throws IOException {
    List<Reject> rejects = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (!line.isBlank() && !line.startsWith("batch ")) {
        int space = line.indexOf(' ');
        rejects.add(
            new Reject(
                line.substring(0, space), Base64.getDecoder().decode(line.substring(space + 1))));
      }
    }
    return rejects;
  }

  /** The batch's feed identity, written with it. */
  private static String batchIdentity(Path batchFile) throws IOException {
    String first = Files.readAllLines(batchFile, StandardCharsets.UTF_8).get(0);
    return first.substring("batch ".length()).trim();
  }

  private static String keyOf(byte[] payload) {
    try {
      return RawCdrCodec.key(RawCdrCodec.decode(payload));
    } catch (Exception e) {
      return null;
    }
  }
}
