package org.cdrflow.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.cdrflow.connectors.config.CdrflowConfig;

/**
 * The folder a command's embedded stack lives in ({@code --workdir}). Commands that answer a
 * question about data an earlier command left (settlement-report, export-subscriber, anonymise,
 * reprocess) need a folder that holds a stack and never create one; commands that bring data
 * (replay, load-reference, cluster) create a stack only in a new or empty folder, never in an
 * existing folder that holds something else (e.g. the demo's folder, whose stack is in {@code
 * stack/}).
 */
final class StackFolder {
  /** Where {@code cdrflow demo} keeps its stack, relative to its {@code --workdir}. */
  static final String DEMO_STACK = "stack";

  private StackFolder() {}

  /** Whether the configuration leaves Kafka or PostgreSQL to the embedded stack. */
  static boolean usesEmbedded(CdrflowConfig config) {
    return !config.hasKafka() || !config.hasJdbc();
  }

  static boolean holdsStack(Path dir) {
    return Files.isDirectory(dir.resolve("postgres").resolve("data"));
  }

  /** For a command that reads what earlier commands left in the stack of {@code dir}. */
  static void requireStack(CdrflowConfig config, Path dir) {
    if (!usesEmbedded(config) || holdsStack(dir)) {
      return;
    }
    throw new UsageError(
        "--workdir "
            + dir
            + ": "
            + (Files.exists(dir) ? "holds no cdrflow stack" : "no such folder")
            + hint(dir));
  }

  /** For a command that may start a new stack in {@code dir}. */
  static void requireStackOrNew(CdrflowConfig config, Path dir) throws IOException {
    if (!usesEmbedded(config) || holdsStack(dir) || isNewOrEmpty(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      throw new UsageError("--workdir " + dir + ": is a file; expected a folder");
    }
    throw new UsageError(
        "--workdir "
            + dir
            + ": holds no cdrflow stack, and a new one is only started in a new or empty folder"
            + hint(dir));
  }

  static boolean isNewOrEmpty(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return true;
    }
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  private static String hint(Path dir) {
    Path demoStack = dir.resolve(DEMO_STACK);
    if (holdsStack(demoStack)) {
      return "; the stack in it is " + demoStack + ": use --workdir " + demoStack;
    }
    Path defaultDemo = Path.of(DemoCommand.DEFAULT_WORKDIR).resolve(DEMO_STACK);
    if (holdsStack(defaultDemo)) {
      return "; the demo's data is in " + defaultDemo + ": use --workdir " + defaultDemo;
    }
    return "; name the folder of an earlier replay or load-reference with --workdir";
  }
}
