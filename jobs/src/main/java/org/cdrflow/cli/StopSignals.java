package org.cdrflow.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cdrflow.jobs.LocalStreamingRun;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT (Ctrl-C) and SIGTERM stop a command that runs the local job with a savepoint, before the
 * JVM's shutdown hooks stop the embedded stack (they run all at once, and the job's sinks still
 * need the database while the savepoint is taken). The next run of the same command resumes from
 * that savepoint (docs/operations.md, "After a crash or a stop"). A second signal exits at once;
 * the next run then resumes from the newest checkpoint instead.
 */
final class StopSignals implements AutoCloseable {
  private static final Duration SAVEPOINT_TIMEOUT = Duration.ofMinutes(5);

  private final SignalHandler previousInt;
  private final SignalHandler previousTerm;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile LocalStreamingRun job;

  private StopSignals(PrintStream out) {
    SignalHandler handler = s -> onSignal(s, out);
    previousInt = Signal.handle(new Signal("INT"), handler);
    previousTerm = Signal.handle(new Signal("TERM"), handler);
  }

  /** Handles SIGINT and SIGTERM until closed. */
  static StopSignals install(PrintStream out) {
    return new StopSignals(out);
  }

  /** The job to stop with a savepoint on a signal from now on (null: none runs). */
  void watch(LocalStreamingRun job) {
    this.job = job;
  }

  private void onSignal(Signal signal, PrintStream out) {
    int status = 128 + signal.getNumber();
    if (!stopping.compareAndSet(false, true)) {
      System.exit(status);
      return;
    }
    Thread stop =
        new Thread(
            () -> {
              LocalStreamingRun running = job;
              try {
                if (running != null) {
                  out.println("cdrflow: stopping the job with a savepoint (again: stop at once)");
                  String savepoint = running.stopWithSavepoint(SAVEPOINT_TIMEOUT);
                  if (savepoint != null) {
                    out.println("cdrflow: saved " + savepoint + "; run the same command again");
                  }
                }
              } catch (Exception e) {
                System.err.println(
                    "cdrflow: no savepoint ("
                        + e.getClass().getSimpleName()
                        + "); the next run resumes from the newest checkpoint");
              } finally {
                System.exit(status);
              }
            },
            "cdrflow-stop");
    stop.start();
  }

  @Override
  public void close() {
    Signal.handle(new Signal("INT"), previousInt);
    Signal.handle(new Signal("TERM"), previousTerm);
  }
}
