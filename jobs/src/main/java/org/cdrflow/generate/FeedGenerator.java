package org.cdrflow.generate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.PriorityQueue;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.RecordType;

/**
 * Writes a synthetic signalling feed and the reference data it rates against: realistic traffic of
 * a Norwegian mobile operator, with the awkward records a real feed has (duplicates, broken
 * records, unknown subscribers, long calls in partial records, a few seconds of disorder), for the
 * demo, the tests and the benchmark.
 *
 * <p><b>Reproducible.</b> The same {@link GeneratorSettings} give byte-identical files, on any
 * machine: all randomness comes from the seed (see {@link Draws}), nothing reads the clock, and the
 * Avro container's sync marker is derived from the seed too.
 *
 * <p><b>Streaming.</b> Records are written as they are made, in event-time order (with a few
 * seconds of jitter); only the records that belong later in the feed are held: the following
 * partial records of the long calls in progress and the duplicates not yet re-sent (both at most an
 * hour or a few hours ahead). Memory grows with the subscriber count, not the record count, apart
 * from the summary's list of injected records (about 0.6 % of the feed, a few MB for millions).
 *
 * <p>Exactly {@code records} records are written. The counts of what was injected come back in the
 * {@link GeneratedFeedSummary}.
 */
public final class FeedGenerator {

  /** Share of clean records sent a second time, later: about 0.5 % of the feed. */
  static final double DUPLICATE_SHARE = 0.0054;

  /** A duplicate comes back between a second and an hour after the original. */
  static final double MEAN_DUPLICATE_DELAY_MS = 120_000;

  static final long MAX_DUPLICATE_DELAY_MS = 3_600_000;

  private static final long NUMBERS = 1;
  private static final long SUBSCRIBERS = 2;
  private static final long INVOICES = 3;
  private static final long TRAFFIC = 4;
  private static final long CONTAINER_SYNC = 5;
  private static final long FRAUD = 6;
  private static final long CHURN = 7;

  private FeedGenerator() {}

  /**
   * Writes the feed to {@code feed} (Avro container for {@code .avro}, else Avro JSON lines) and a
   * complete reference directory to {@code referenceDir} (both created or overwritten).
   */
  public static GeneratedFeedSummary write(GeneratorSettings settings, Path feed, Path referenceDir)
      throws IOException {
    return write(settings, feed, referenceDir, false);
  }

  /**
   * As {@link #write(GeneratorSettings, Path, Path)}; with {@code fraud}, one case of every
   * abnormal-usage kind is planted and the ground truth written beside the feed (docs/fraud.md).
   */
  public static GeneratedFeedSummary write(
      GeneratorSettings settings, Path feed, Path referenceDir, boolean fraud) throws IOException {
    Path feedDir = feed.toAbsolutePath().getParent();
    if (feedDir != null) {
      Files.createDirectories(feedDir);
    }
    byte[] sync = new byte[16];
    Draws syncDraws = new Draws(settings.seed(), CONTAINER_SYNC);
    for (int i = 0; i < sync.length; i++) {
      sync[i] = (byte) syncDraws.below(256);
    }
    return write(settings, feed, FeedSink.open(feed, sync), referenceDir, fraud);
  }

  /**
   * As {@link #write(GeneratorSettings, Path, Path)}, but the feed as one JSON-lines file per month
   * (Europe/Oslo) in {@code feedDir}, {@code feed-YYYY-MM.jsonl}: a record goes into the file of
   * the month it is sent in, as an element's files would come month after month (a duplicate or a
   * partial sent after midnight of the first goes into the next month's file). Used by the bench's
   * long run (docs/benchmarks.md).
   */
  public static GeneratedFeedSummary writeMonthly(
      GeneratorSettings settings, Path feedDir, Path referenceDir) throws IOException {
    Files.createDirectories(feedDir);
    return write(settings, feedDir, FeedSink.monthly(feedDir), referenceDir, false);
  }

  /** The name of the monthly feed file of {@code month} ({@link #writeMonthly}). */
  public static String monthlyFileName(java.time.YearMonth month) {
    return FeedSink.Monthly.fileName(month);
  }

  private static GeneratedFeedSummary write(
      GeneratorSettings settings, Path feed, FeedSink opened, Path referenceDir, boolean fraud)
      throws IOException {
    long started = System.nanoTime();
    if (fraud && settings.churnPerMonth() > 0) {
      opened.close();
      throw new IllegalArgumentException("planted fraud and churn cannot be combined");
    }
    Files.createDirectories(referenceDir);

    long seed = settings.seed();
    BundledReference reference = BundledReference.load();
    NumberPlan numbers =
        new NumberPlan(reference, settings.homeOperatorId(), new Draws(seed, NUMBERS));
    SubscriberBase subscribers =
        new SubscriberBase(settings, reference, numbers, new Draws(seed, SUBSCRIBERS));
    subscribers.churn(numbers, new Draws(seed, CHURN));
    FraudPlanting planting = fraud ? FraudPlanting.prepare(settings, subscribers) : null;
    BundledReference.copyTo(referenceDir);
    int invoices = subscribers.writeTo(referenceDir, new Draws(seed, INVOICES));

    Run run;
    try (FeedSink sink = opened) {
      run = new Run(settings, sink, new Draws(seed, TRAFFIC), reference, subscribers, numbers);
      if (planting != null) {
        planting.plant(run.model, numbers, new Draws(seed, FRAUD));
        planting.writeTruth(feed.toAbsolutePath().getParent());
      }
      run.generate();
    }
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    TrafficModel model = run.model;
    return new GeneratedFeedSummary(
        feed,
        referenceDir,
        run.written,
        run.byType,
        run.duplicates,
        model.malformedByKind,
        model.unknownSubscriber,
        model.unanswered,
        model.partialCalls,
        model.partialRecords,
        run.roaming,
        subscribers.count,
        subscribers.accountCount,
        subscribers.simBlockSubscribers.size(),
        invoices,
        run.firstEvent == Long.MAX_VALUE ? null : Instant.ofEpochMilli(run.firstEvent),
        run.lastEvent == Long.MIN_VALUE ? null : Instant.ofEpochMilli(run.lastEvent),
        model.injected,
        elapsedMillis);
  }

  /** A record held for a later point of the feed. */
  private record Held(RawCdr record, long emitAt, long order, boolean duplicable) {}

  /** One generation: the feed order, the budget of records, the held records. */
  private static final class Run implements TrafficModel.Emitter {
    private final long target;
    private final FeedSink sink;
    private final Draws draws;
    private final TimeAxis axis;
    private final long endMillis;
    final TrafficModel model;
    private final PriorityQueue<Held> held =
        new PriorityQueue<>(
            (a, b) ->
                a.emitAt != b.emitAt
                    ? Long.compare(a.emitAt, b.emitAt)
                    : Long.compare(a.order, b.order));
    private long order;

    /** Records written or held: the feed gets exactly {@link #target}. */
    private long reserved;

    /** Feed time of what is being written now. */
    private long now;

    long written;
    long duplicates;
    long roaming;
    long firstEvent = Long.MAX_VALUE;
    long lastEvent = Long.MIN_VALUE;
    final Map<RecordType, Long> byType = new EnumMap<>(RecordType.class);

    Run(
        GeneratorSettings settings,
        FeedSink sink,
        Draws draws,
        BundledReference reference,
        SubscriberBase subscribers,
        NumberPlan numbers) {
      this.target = settings.records();
      this.sink = sink;
      this.draws = draws;
      this.axis = new TimeAxis(settings);
      this.endMillis = axis.endMillis();
      RoamingModel roamingModel = new RoamingModel(reference, settings.seed());
      this.model =
          new TrafficModel(
              settings,
              reference,
              subscribers,
              numbers,
              roamingModel,
              draws,
              sink.acceptsRawLines(),
              this);
    }

    void generate() throws IOException {
      while (reserved < target) {
        // Moments spread evenly over the traffic curve; held records take slots of their own.
        long slot = axis.millisAt((reserved + draws.uniform()) / target);
        release(slot);
        now = slot;
        model.event(slot, target - reserved);
      }
      release(Long.MAX_VALUE);
    }

    /** Writes every held record due at or before {@code until}. */
    private void release(long until) throws IOException {
      while (!held.isEmpty() && held.peek().emitAt <= until) {
        Held h = held.poll();
        now = h.emitAt;
        write(h.record);
        if (h.duplicable) {
          maybeDuplicate(h.record);
        }
      }
    }

    @Override
    public void now(RawCdr record, boolean duplicable) throws IOException {
      reserved++;
      write(record);
      if (duplicable) {
        maybeDuplicate(record);
      }
    }

    @Override
    public void later(RawCdr record, long emitAtMillis, boolean duplicable) {
      reserved++;
      held.add(new Held(record, emitAtMillis, order++, duplicable));
    }

    @Override
    public void rawLine(String line) throws IOException {
      reserved++;
      sink.at(now);
      sink.writeRawLine(line);
      written++;
    }

    /** Sends the same record again a little later, as a network element retrying would. */
    private void maybeDuplicate(RawCdr record) {
      if (reserved >= target || !draws.chance(DUPLICATE_SHARE)) {
        return;
      }
      long delay =
          1000
              + (long) Math.min(MAX_DUPLICATE_DELAY_MS, draws.exponential(MEAN_DUPLICATE_DELAY_MS));
      long at = now + delay;
      if (at < endMillis) {
        duplicates++;
        later(record, at, false);
      }
    }

    private void write(RawCdr record) throws IOException {
      sink.at(now);
      sink.write(record);
      written++;
      byType.merge(record.getRecordType(), 1L, Long::sum);
      String plmn = record.getVisitedPlmn();
      if (plmn != null && !plmn.startsWith("242")) {
        roaming++;
      }
      Instant answer = record.getAnswerTime();
      long event = (answer != null ? answer : record.getSeizureTime()).toEpochMilli();
      firstEvent = Math.min(firstEvent, event);
      lastEvent = Math.max(lastEvent, event);
    }
  }
}
