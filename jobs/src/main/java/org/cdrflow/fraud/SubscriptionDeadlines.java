package org.cdrflow.fraud;

import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;

/**
 * The event-time deadlines of the subscriptions of one detection subtask, on the heap
 * (docs/fraud.md, "State"): when a subscription's Oslo day ends, when its recent events leave the
 * longest window, when its state retires. {@link FraudDetectionOperator} keeps them here instead of
 * in Flink's timer service, where each was a state write (on RocksDB a RocksDB write, and a read
 * and a delete when it fired) and nearly every line of a sparse feed opens a day
 * (docs/benchmarks.md, "Fraud detection, third round"). Nothing of it goes into a checkpoint: every
 * deadline follows from the subscription's state, so a restore derives them again from it ({@link
 * FraudDetectionFunction#keepDeadlines}).
 *
 * <p>A deadline is a hint: firing one for a subscription that has nothing due (a day closed by a
 * later line, a state retired) changes nothing, so neither duplicates nor stale entries matter.
 */
final class SubscriptionDeadlines {
  /** The subscriptions due at each instant. Day ends are shared by every subscription of a day. */
  private final TreeMap<Long, ArrayList<String>> byTime = new TreeMap<>();

  /** The bucket added to last: consecutive lines mostly open the same day. */
  private long lastTime = Long.MIN_VALUE;

  private ArrayList<String> last;
  private long size;

  void add(long time, String subscription) {
    ArrayList<String> due = time == lastTime && last != null ? last : null;
    if (due == null) {
      due = byTime.computeIfAbsent(time, t -> new ArrayList<>());
      lastTime = time;
      last = due;
    } else if (!due.isEmpty() && due.get(due.size() - 1).equals(subscription)) {
      return;
    }
    due.add(subscription);
    size++;
  }

  /**
   * Removes and returns the earliest instant and its subscriptions when it is at or before {@code
   * watermark}; null when nothing is due.
   */
  Map.Entry<Long, ArrayList<String>> pollDue(long watermark) {
    Map.Entry<Long, ArrayList<String>> first = byTime.firstEntry();
    if (first == null || first.getKey() > watermark) {
      return null;
    }
    byTime.pollFirstEntry();
    if (first.getValue() == last) {
      last = null;
      lastTime = Long.MIN_VALUE;
    }
    size -= first.getValue().size();
    return first;
  }

  /** How many deadlines are pending (one subscription may have several). */
  long size() {
    return size;
  }
}
