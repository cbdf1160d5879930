package org.cdrflow.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.db.ReferenceDataException;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.db.ReferenceLoadSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "load-reference",
    description =
        "Loads one CSV per reference table from DIR (upsert) in one transaction: a bad file"
            + " changes nothing, not even the files before it.")
public class LoadReferenceCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "DIR", description = "directory with <table>.csv files")
  Path dir;

  @Override
  public Integer call() throws Exception {
    CdrflowConfig base = common.config();
    InputChecks.referenceFolder("DIR", dir);
    StackFolder.requireStackOrNew(base, common.workDir);
    try (CreatedFolders created = CreatedFolders.track(common.workDir);
        RuntimeStack stack = RuntimeStack.openDatabase(base, common.workDir)) {
      CdrflowConfig.JdbcSettings jdbc = stack.config().jdbc();
      ReferenceLoadSummary summary;
      try {
        summary = new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(dir);
      } catch (ReferenceDataException e) {
        throw new IllegalArgumentException(
            e.getMessage() + "; nothing of " + dir + " was loaded (one transaction)", e);
      }
      System.out.println("Loaded reference data from " + dir + ":");
      System.out.println(summary);
      created.keep();
      return 0;
    }
  }
}
