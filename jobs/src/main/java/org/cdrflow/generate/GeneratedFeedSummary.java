package org.cdrflow.generate;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.cdrflow.schema.RecordType;

/**
 * What {@link FeedGenerator} wrote and injected, so that tests and the benchmark can check the
 * pipeline's audit against it.
 *
 * @param feed the feed file
 * @param referenceDir the reference directory
 * @param records records in the feed (lines or container entries)
 * @param recordsByType decodable records per record type (duplicates and broken ones included)
 * @param duplicates exact copies of earlier records, emitted again later
 * @param malformedByKind broken records per kind
 * @param unknownSubscriber records of a number in our ranges with no subscription
 * @param unanswered voice records never answered (no answer time, duration 0)
 * @param partialCalls long calls split into partial records
 * @param partialRecords the partial records of those calls
 * @param roaming records made abroad (visitedPlmn outside Norway)
 * @param subscribers subscriptions written
 * @param accounts accounts they belong to
 * @param simBlocks SIM block rows written
 * @param invoices invoice rows written
 * @param firstEvent earliest event time in the feed
 * @param lastEvent latest event time in the feed
 * @param injectedRejects every malformed and unknown-subscriber record (about 0.6 % of the feed,
 *     the one part of the summary that grows with it)
 * @param elapsedMillis wall time of the generation
 */
public record GeneratedFeedSummary(
    Path feed,
    Path referenceDir,
    long records,
    Map<RecordType, Long> recordsByType,
    long duplicates,
    Map<MalformedKind, Long> malformedByKind,
    long unknownSubscriber,
    long unanswered,
    long partialCalls,
    long partialRecords,
    long roaming,
    int subscribers,
    int accounts,
    int simBlocks,
    int invoices,
    Instant firstEvent,
    Instant lastEvent,
    List<InjectedReject> injectedRejects,
    long elapsedMillis) {

  public GeneratedFeedSummary {
    EnumMap<RecordType, Long> types = new EnumMap<>(RecordType.class);
    types.putAll(recordsByType);
    recordsByType = Collections.unmodifiableMap(types);
    EnumMap<MalformedKind, Long> kinds = new EnumMap<>(MalformedKind.class);
    kinds.putAll(malformedByKind);
    malformedByKind = Collections.unmodifiableMap(kinds);
    injectedRejects = List.copyOf(injectedRejects);
  }

  /** All broken records. */
  public long malformed() {
    return malformedByKind.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Records mediation must reject: the broken ones and those of unknown subscribers. */
  public long expectedRejects() {
    return malformed() + unknownSubscriber;
  }

  /** Expected {@code rejected_cdr} rows per reason. */
  public Map<String, Long> expectedRejectsByReason() {
    Map<String, Long> out = new TreeMap<>();
    malformedByKind.forEach((k, n) -> out.merge(k.rejectReason(), n, Long::sum));
    if (unknownSubscriber > 0) {
      out.merge(InjectedReject.UNKNOWN_SUBSCRIBER, unknownSubscriber, Long::sum);
    }
    return out;
  }

  /** The one line {@code cdrflow generate} prints. */
  public String summaryLine() {
    double seconds = elapsedMillis / 1000.0;
    long perSecond = elapsedMillis == 0 ? records : Math.round(records / Math.max(seconds, 1e-3));
    return String.format(
        Locale.ROOT,
        "Generated %d records (%d subscribers, %s to %s): duplicates %d, malformed %d,"
            + " unknown-subscriber %d, partial calls %d (%d records), unanswered %d, roaming %d"
            + " in %.1f s (%d records/s)",
        records,
        subscribers,
        firstEvent,
        lastEvent,
        duplicates,
        malformed(),
        unknownSubscriber,
        partialCalls,
        partialRecords,
        unanswered,
        roaming,
        seconds,
        perSecond);
  }
}
