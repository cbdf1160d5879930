package org.cdrflow.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cdrflow.jobs.StateMigration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Rewrites a savepoint of an earlier release of the streaming job into the state layout of this
 * build, offline (docs/operations.md, "Upgrade"): stop the old job with a savepoint, run this,
 * start the new job from {@code --out}.
 */
@Command(
    name = "migrate-state",
    description =
        "Rewrites a savepoint of the streaming job of release 52201b6 or a later build into this"
            + " build's state layout; start the new job from --out.")
public class MigrateStateCommand implements Callable<Integer> {
  @Option(
      names = "--savepoint",
      required = true,
      paramLabel = "DIR",
      description = "the savepoint (or retained checkpoint) folder, the one holding _metadata")
  Path savepoint;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "where the migrated savepoint goes (a new or empty folder)")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(savepoint.resolve("_metadata"))) {
      throw new UsageError(
          "--savepoint " + savepoint + " is not a savepoint folder (it has no _metadata file)");
    }
    StateMigration.migrate(savepoint, out);
    System.out.println("Migrated; start the job from " + out.toAbsolutePath());
    return 0;
  }
}
