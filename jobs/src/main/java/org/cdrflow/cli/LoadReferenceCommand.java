package org.cdrflow.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cdrflow.connectors.config.CdrflowConfig;
import org.cdrflow.connectors.db.ReferenceDataLoader;
import org.cdrflow.connectors.db.ReferenceLoadSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(
    name = "load-reference",
    description =
        "Loads one CSV per reference table from DIR (upsert; a bad file changes nothing).")
public class LoadReferenceCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Parameters(index = "0", paramLabel = "DIR", description = "directory with <table>.csv files")
  Path dir;

  @Override
  public Integer call() throws Exception {
    try (RuntimeStack stack = RuntimeStack.open(common.config(), common.workDir)) {
      CdrflowConfig.JdbcSettings jdbc = stack.config().jdbc();
      ReferenceLoadSummary summary =
          new ReferenceDataLoader(jdbc.url(), jdbc.user(), jdbc.password()).load(dir);
      System.out.println("Loaded reference data from " + dir + ":");
      System.out.println(summary);
      return 0;
    }
  }
}
