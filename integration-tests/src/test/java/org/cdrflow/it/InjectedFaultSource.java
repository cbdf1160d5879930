package org.cdrflow.it;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.watermark.WatermarkDeclaration;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A fault injected through the topology's source (docs/reliability.md, "The fault-injection run"):
 * wraps the job's raw-CDR source, and once {@link #arm()} is called, the first reader to poll
 * throws {@link InjectedFailureException}, once. The job runs in this JVM (a MiniCluster), so the
 * switch is a flag shared by the reader copies that Flink deserialised, found by a token.
 */
final class InjectedFaultSource {
  private static final ConcurrentHashMap<String, AtomicBoolean> ARMED = new ConcurrentHashMap<>();
  private static final ConcurrentHashMap<String, AtomicBoolean> FIRED = new ConcurrentHashMap<>();

  private final String token = UUID.randomUUID().toString();

  InjectedFaultSource() {
    ARMED.put(token, new AtomicBoolean());
    FIRED.put(token, new AtomicBoolean());
  }

  /** From now on, the next poll of a reader of the wrapped source throws (once). */
  void arm() {
    ARMED.get(token).set(true);
  }

  /** The job's source, wrapped: for {@code LocalStreamingRun.withSource}. */
  <T> Source<T, ?, ?> around(Source<T, ?, ?> source) {
    return wrap(source, token);
  }

  private static <T, S extends SourceSplit, E> Source<T, S, E> wrap(
      Source<T, S, E> source, String token) {
    return new Wrapped<>(source, token);
  }

  private static void failIfArmed(String token) {
    if (ARMED.get(token).get() && FIRED.get(token).compareAndSet(false, true)) {
      throw new InjectedFailureException("injected failure in the source reader");
    }
  }

  /** Thrown on purpose; the job's restart strategy recovers from the last checkpoint. */
  static final class InjectedFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InjectedFailureException(String message) {
      super(message);
    }
  }

  private static final class Wrapped<T, S extends SourceSplit, E>
      implements Source<T, S, E>, ResultTypeQueryable<T> {
    private static final long serialVersionUID = 1L;
    private final Source<T, S, E> delegate;
    private final String token;

    Wrapped(Source<T, S, E> delegate, String token) {
      this.delegate = delegate;
      this.token = token;
    }

    @Override
    public Boundedness getBoundedness() {
      return delegate.getBoundedness();
    }

    @Override
    public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
      return new Reader<>(delegate.createReader(context), token);
    }

    @Override
    public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context)
        throws Exception {
      return delegate.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint)
        throws Exception {
      return delegate.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<S> getSplitSerializer() {
      return delegate.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
      return delegate.getEnumeratorCheckpointSerializer();
    }

    @Override
    public Set<? extends WatermarkDeclaration> declareWatermarks() {
      return delegate.declareWatermarks();
    }

    @Override
    @SuppressWarnings("unchecked")
    public TypeInformation<T> getProducedType() {
      return ((ResultTypeQueryable<T>) delegate).getProducedType();
    }
  }

  private static final class Reader<T, S extends SourceSplit> implements SourceReader<T, S> {
    private final SourceReader<T, S> delegate;
    private final String token;

    Reader(SourceReader<T, S> delegate, String token) {
      this.delegate = delegate;
      this.token = token;
    }

    @Override
    public void start() {
      delegate.start();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
      failIfArmed(token);
      return delegate.pollNext(output);
    }

    @Override
    public List<S> snapshotState(long checkpointId) {
      return delegate.snapshotState(checkpointId);
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
      return delegate.isAvailable();
    }

    @Override
    public void addSplits(List<S> splits) {
      delegate.addSplits(splits);
    }

    @Override
    public void notifyNoMoreSplits() {
      delegate.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent event) {
      delegate.handleSourceEvents(event);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      delegate.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
      delegate.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void pauseOrResumeSplits(
        Collection<String> splitsToPause, Collection<String> splitsToResume) {
      delegate.pauseOrResumeSplits(splitsToPause, splitsToResume);
    }

    @Override
    public void close() throws Exception {
      delegate.close();
    }
  }
}
