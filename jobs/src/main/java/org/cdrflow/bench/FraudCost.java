package org.cdrflow.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.shaded.guava33.com.google.common.hash.Hashing;

/**
 * What the abnormal-usage detection stage costs (docs/benchmarks.md, "Fraud detection"): the state
 * its operator holds in a checkpoint, and the CPU time of its task threads.
 */
final class FraudCost {
  /** The detection operator's uid (FraudDetection). */
  static final String OPERATOR_UID = "detect-fraud";

  /** The name its task threads carry (the operator's name, FraudDetection). */
  static final String TASK_NAME = "Detect abnormal usage";

  private FraudCost() {}

  /** The operator id Flink derives from a uid (the job graph's hasher: murmur3 128 of the uid). */
  static OperatorID operatorId(String uid) {
    return new OperatorID(
        Hashing.murmur3_128(0).newHasher().putString(uid, StandardCharsets.UTF_8).hash().asBytes());
  }

  /**
   * The full state size of the operator with {@code uid} in the checkpoint or savepoint whose
   * folder is {@code dir} (all its subtasks, every file an incremental checkpoint refers to), or
   * empty when the checkpoint holds no such operator.
   */
  static OptionalLong operatorStateBytes(Path dir, String uid) throws IOException {
    Path metadata = dir.resolve("_metadata");
    CheckpointMetadata m;
    try (InputStream in = Files.newInputStream(metadata);
        DataInputStream data = new DataInputStream(in)) {
      m =
          Checkpoints.loadCheckpointMetadata(
              data, FraudCost.class.getClassLoader(), dir.toString());
    }
    OperatorID id = operatorId(uid);
    for (OperatorState s : m.getOperatorStates()) {
      if (s.getOperatorID().equals(id)) {
        return OptionalLong.of(s.getStateSize());
      }
    }
    return OptionalLong.empty();
  }

  /**
   * CPU time of the threads whose name contains {@link #TASK_NAME}, sampled until {@link #stop()}:
   * a task thread's time is lost with the thread, so the highest value seen of each is kept.
   */
  static final class TaskThreads implements AutoCloseable {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> nanos = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    TaskThreads() {
      sampler =
          new Thread(
              () -> {
                while (running) {
                  sample();
                  try {
                    Thread.sleep(250);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "bench-fraud-thread-cpu");
      sampler.setDaemon(true);
      sampler.start();
    }

    synchronized void sample() {
      for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
        if (t != null && t.getThreadName().contains(TASK_NAME)) {
          long cpu = mx.getThreadCpuTime(t.getThreadId());
          if (cpu > 0) {
            nanos.merge(t.getThreadId(), cpu, Math::max);
          }
        }
      }
    }

    /** Stops sampling; returns the CPU seconds of every detection task thread together. */
    synchronized double stop() {
      sample();
      running = false;
      sampler.interrupt();
      return nanos.values().stream().mapToLong(Long::longValue).sum() / 1e9;
    }

    @Override
    public void close() {
      running = false;
      sampler.interrupt();
    }
  }
}
