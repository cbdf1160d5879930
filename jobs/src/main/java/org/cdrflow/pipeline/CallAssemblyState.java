package org.cdrflow.pipeline;

import java.util.Arrays;

/**
 * What the call assembler remembers of one call (networkElement, callReference, recordType): the
 * sequence numbers already seen (duplicates), whether the call was emitted, the last partial's
 * sequence number and the newest partial's event time (join timeout).
 */
public class CallAssemblyState {
  /** Sequence numbers 0..63 seen, as bits. */
  public long seenLow;

  /** Sequence numbers above 63 seen, sorted (long calls only). */
  public int[] seenHigh;

  public boolean emitted;
  public int lastSequence = -1;
  public long newestPartialEventTime = Long.MIN_VALUE;
  public long timer = Long.MIN_VALUE;
  public int pending;

  public CallAssemblyState() {}

  /** A deep copy (the heap state backend's copy-on-write snapshots need one). */
  public CallAssemblyState copy() {
    CallAssemblyState c = new CallAssemblyState();
    c.seenLow = seenLow;
    c.seenHigh = seenHigh == null ? null : seenHigh.clone();
    c.emitted = emitted;
    c.lastSequence = lastSequence;
    c.newestPartialEventTime = newestPartialEventTime;
    c.timer = timer;
    c.pending = pending;
    return c;
  }

  public boolean hasSeen(int seq) {
    if (seq < 64) {
      return (seenLow & (1L << seq)) != 0;
    }
    return seenHigh != null && Arrays.binarySearch(seenHigh, seq) >= 0;
  }

  public void markSeen(int seq) {
    if (seq < 64) {
      seenLow |= 1L << seq;
      return;
    }
    if (seenHigh == null) {
      seenHigh = new int[] {seq};
      return;
    }
    int at = -Arrays.binarySearch(seenHigh, seq) - 1;
    int[] next = new int[seenHigh.length + 1];
    System.arraycopy(seenHigh, 0, next, 0, at);
    next[at] = seq;
    System.arraycopy(seenHigh, at, next, at + 1, seenHigh.length - at);
    seenHigh = next;
  }
}
