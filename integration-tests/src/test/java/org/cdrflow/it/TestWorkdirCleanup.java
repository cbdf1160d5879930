package org.cdrflow.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Deletes the work folders and files a test class made under {@code target/} (named by {@code
 * Files.createTempDirectory} or {@code createTempFile}: a prefix and a random number) once every
 * test of the class passed: a stack folder costs 50 MB and more, and a verify made 1.4 GB of them.
 * A failed class keeps its folders for inspection. Registered for every test class of this module
 * (junit-platform.properties and META-INF/services).
 */
public final class TestWorkdirCleanup implements BeforeAllCallback, AfterAllCallback, TestWatcher {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(TestWorkdirCleanup.class);
  private static final Path TARGET = Path.of("target");
  private static final Pattern TEMP_DIRECTORY = Pattern.compile(".+\\d{6,}(\\.[a-z]+)?");

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    if (context.getTestClass().map(c -> c.getEnclosingClass() != null).orElse(false)) {
      return; // a nested class: its outer class cleans up
    }
    context.getStore(NS).put("before", entries());
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    context.getParent().ifPresent(p -> p.getStore(NS).put("failed", true));
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    @SuppressWarnings("unchecked")
    Set<String> before = context.getStore(NS).get("before", Set.class);
    if (before == null) {
      return;
    }
    boolean failed =
        context.getStore(NS).getOrDefault("failed", Boolean.class, false)
            || context.getExecutionException().isPresent();
    for (String name : entries()) {
      if (before.contains(name) || !TEMP_DIRECTORY.matcher(name).matches()) {
        continue;
      }
      Path dir = TARGET.resolve(name);
      if (failed) {
        System.err.println("A test failed: its work folder is kept: " + dir.toAbsolutePath());
      } else {
        try {
          delete(dir);
        } catch (IOException | RuntimeException e) {
          // Something still writes there (a server not yet down): the folder stays, the tests
          // passed all the same.
          System.err.println("Could not delete " + dir.toAbsolutePath() + ": " + e);
        }
      }
    }
  }

  private static Set<String> entries() throws IOException {
    if (!Files.isDirectory(TARGET)) {
      return Set.of();
    }
    try (Stream<Path> s = Files.list(TARGET)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  static void delete(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
