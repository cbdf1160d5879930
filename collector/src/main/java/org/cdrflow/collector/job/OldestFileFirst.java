package org.cdrflow.collector.job;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.PriorityQueue;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;

/**
 * Hands out files in the order they were closed (modification time, then name): a charging gateway
 * closes each element's file every few minutes, so the records reach {@code cdr.raw} roughly in
 * event-time order, as mediation's watermark expects, however many files wait in the directory.
 */
final class OldestFileFirst implements FileSplitAssigner {

  private static final Comparator<FileSourceSplit> ORDER =
      Comparator.comparingLong(FileSourceSplit::fileModificationTime)
          .thenComparing(s -> s.path().getName())
          .thenComparing(FileSourceSplit::splitId);

  private final PriorityQueue<FileSourceSplit> splits = new PriorityQueue<>(ORDER);

  OldestFileFirst(Collection<FileSourceSplit> initial) {
    splits.addAll(initial);
  }

  @Override
  public Optional<FileSourceSplit> getNext(String hostname) {
    return Optional.ofNullable(splits.poll());
  }

  @Override
  public void addSplits(Collection<FileSourceSplit> more) {
    splits.addAll(more);
  }

  @Override
  public Collection<FileSourceSplit> remainingSplits() {
    return new ArrayList<>(splits);
  }
}
