package org.cdrflow.benchmarks;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cdrflow.cdr.IncomingCdr;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.mediation.CdrMediation;
import org.cdrflow.mediation.MediationOutcome;
import org.cdrflow.numbers.NormalisedNumber;
import org.cdrflow.numbers.NumberNormaliser;
import org.cdrflow.rating.PeriodUsage;
import org.cdrflow.rating.PresenceDays;
import org.cdrflow.rating.RatingOutcome;
import org.cdrflow.rating.RetailRater;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.schema.RawCdr;
import org.cdrflow.schema.codec.RawCdrDecoder;
import org.cdrflow.schema.codec.UndecodableRecordException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-record pure functions of the streaming job, one record per invocation, cycling through a
 * generated feed (docs/benchmarks.md, "Micro-benchmarks"). Throughput in operations (records or
 * numbers) per second on one thread; the pipeline runs them on every record, so 1 / score is the
 * CPU each costs a record.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmarks {

  /** The generated feed, read once per fork. */
  @State(Scope.Benchmark)
  public static class Feed {
    @Param({"20000"})
    public long records;

    @Param({"2000"})
    public int subscribers;

    Workload workload;
    byte[][] payloads;
    IncomingCdr[] incoming;
    String[] numbers;
    MediatedCall[] calls;
    ReferenceData reference;

    @Setup(Level.Trial)
    public void generate() throws Exception {
      workload = Workload.generate(records, subscribers);
      payloads = workload.payloads.toArray(new byte[0][]);
      incoming = workload.incoming.toArray(new IncomingCdr[0]);
      numbers = workload.numbers.toArray(new String[0]);
      calls = workload.calls.toArray(new MediatedCall[0]);
      reference = workload.reference;
    }
  }

  /** Per-thread position in the feed and the per-subtask objects the job holds. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
    final RawCdrDecoder decoder = new RawCdrDecoder();
    RawCdr reuse;
    final NumberNormaliser cached = new NumberNormaliser();
    final NumberNormaliser uncached = new NumberNormaliser(0);
    final CdrMediation mediation = new CdrMediation(Workload.HOME);
    final RetailRater rater = new RetailRater();
    final Map<String, PeriodUsage> usage = new HashMap<>();
    final Map<String, PresenceDays> presence = new HashMap<>();
    final Instant now = Instant.ofEpochMilli(Workload.NOW);

    int next(int length) {
      int i = next;
      next = i + 1 == length ? 0 : i + 1;
      return i;
    }
  }

  /** Avro single-object decoding with payload validation, as in the Kafka deserialiser. */
  @Benchmark
  public Object decode(Feed feed, Cursor c) {
    try {
      c.reuse = c.decoder.decode(feed.payloads[c.next(feed.payloads.length)], c.reuse);
      return c.reuse;
    } catch (UndecodableRecordException e) {
      return e;
    }
  }

  /** One number with the job's result cache (served numbers repeat). */
  @Benchmark
  public NormalisedNumber normaliseCached(Feed feed, Cursor c) {
    return c.cached.normalise(feed.numbers[c.next(feed.numbers.length)]);
  }

  /** One number through libphonenumber every time: the cost the cache saves. */
  @Benchmark
  public NormalisedNumber normaliseUncached(Feed feed, Cursor c) {
    return c.uncached.normalise(feed.numbers[c.next(feed.numbers.length)]);
  }

  /** Validate, normalise, enrich one decoded record. */
  @Benchmark
  public MediationOutcome mediate(Feed feed, Cursor c) {
    return c.mediation.mediate(
        feed.incoming[c.next(feed.incoming.length)], feed.reference, Workload.NOW);
  }

  /**
   * Rate one mediated call against its subscription's usage (kept across invocations, so allowances
   * run out as in a month of traffic).
   */
  @Benchmark
  public RatingOutcome rate(Feed feed, Cursor c) {
    MediatedCall call = feed.calls[c.next(feed.calls.length)];
    String key = call.subscriptionId + '|' + RetailRater.usagePeriodOf(call);
    PeriodUsage usage = c.usage.computeIfAbsent(key, k -> new PeriodUsage());
    PresenceDays days = c.presence.computeIfAbsent(call.subscriptionId, k -> new PresenceDays());
    return c.rater.rate(call, usage, days, feed.reference, c.now);
  }
}
