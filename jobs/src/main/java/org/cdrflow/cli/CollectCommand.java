package org.cdrflow.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.cdrflow.collector.job.LocalCollectorRun;
import org.cdrflow.connectors.config.CdrflowConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "collect",
    description =
        "Collects 3GPP TS 32.298 BER charging files from DIR onto the raw topic (docs/formats.md):"
            + " each file once by content, undecodable records rejected with their position,"
            + " incomplete files held until whole or released.")
public class CollectCommand implements Callable<Integer> {
  @Option(
      names = "--dir",
      required = true,
      paramLabel = "IN",
      description = "directory the charging files arrive in")
  Path dir;

  @Option(names = "--once", description = "collect the files there now, then stop")
  boolean once;

  @Option(
      names = "--release",
      paramLabel = "FILE",
      description = "release the held incomplete file FILE (a name in IN): send its whole records")
  String release;

  @Option(
      names = "--interval",
      paramLabel = "DURATION",
      description = "how often to look for new files (ISO-8601, default ${DEFAULT-VALUE})")
  Duration interval = Duration.ofSeconds(10);

  @Option(
      names = "--workdir",
      paramLabel = "DIR",
      description = "database and job state of the embedded stack (default: IN/../work)")
  Path workDir;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Java properties (README, Configuration)")
  Path configFile;

  @Override
  public Integer call() throws Exception {
    CdrflowConfig base =
        configFile == null ? CdrflowConfig.defaults() : ConfigFiles.load(configFile);
    Path work = workDir != null ? workDir : dir.toAbsolutePath().getParent().resolve("work");
    try (RuntimeStack stack = RuntimeStack.open(base, work)) {
      LocalCollectorRun run = new LocalCollectorRun(stack.config(), work.resolve("collector"));
      if (release != null) {
        long sent = run.release(dir.resolve(release));
        System.out.println("Released " + release + ": " + sent + " records sent");
        return 0;
      }
      run.run(dir, once, interval);
      return 0;
    }
  }
}
