package org.cdrflow.connectors.local;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Main class of the JobManager and TaskManager JVMs of {@link LocalFlinkCluster}.
 *
 * <p>Usage: {@code FlinkProcess <main class> <arguments…>}. Runs the named Flink entry point in
 * this JVM, and, as {@link KafkaBrokerProcess} does for the broker, watches stdin: the parent keeps
 * it open for as long as it wants the cluster, so end of stdin means that the parent closed the
 * cluster or died (even by {@code kill -9}). The process then exits through Flink's own shutdown
 * hooks, and is halted if those take longer than {@link #SHUTDOWN_GRACE_MS}. That is what
 * guarantees that no Flink process outlives the parent.
 *
 * <p>Uses nothing but the JDK, and has no nested class: {@link LocalFlinkCluster} copies this one
 * class file next to the Flink jars, so that the cluster's class path holds no class of the job
 * (the job's classes come only from the uploaded job jar, as on a real cluster).
 */
public final class FlinkProcess {

  /** How long Flink's shutdown hooks may take after the parent has gone. */
  static final long SHUTDOWN_GRACE_MS = 30_000;

  private FlinkProcess() {}

  public static void main(String[] args) throws Throwable {
    if (args.length < 1) {
      System.err.println("usage: FlinkProcess <main class> <arguments...>");
      System.exit(2);
    }
    watchParent(System.in);
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void watchParent(InputStream parent) {
    Thread watcher =
        new Thread(
            () -> {
              try {
                byte[] buffer = new byte[64];
                while (parent.read(buffer) != -1) {
                  // The parent never writes; anything it might send is irrelevant.
                }
              } catch (IOException e) {
                // A broken pipe means the same as end of stream: the parent is gone.
              }
              System.out.println("FlinkProcess: stdin closed, shutting down");
              Thread halt =
                  new Thread(
                      () -> {
                        try {
                          Thread.sleep(SHUTDOWN_GRACE_MS);
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                        }
                        System.out.println("FlinkProcess: shutdown hooks hang; halting");
                        Runtime.getRuntime().halt(1);
                      },
                      "shutdown-deadline");
              halt.setDaemon(true);
              halt.start();
              System.exit(0);
            },
            "parent-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }
}
