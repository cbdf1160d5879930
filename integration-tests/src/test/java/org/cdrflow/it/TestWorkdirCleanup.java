package org.cdrflow.it;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
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
 *
 * <p>The ITs run in two JVMs at once (failsafe's {@code forkCount}, see the parent pom), which
 * share {@code target/}: what appeared there while a class ran may be the other JVM's. So a passed
 * class does not delete at once: it notes what appeared in {@code target/.workdir-cleanup.pending}
 * (a failed class in {@code .workdir-cleanup.keep}), and the folders noted are deleted, except
 * those of a failed class, whenever no class runs in either JVM (each JVM holds a shared lock on
 * {@code .workdir-cleanup.lock} while a class runs; the deleting one takes it exclusively). With
 * one JVM that is at the end of every class, as before.
 */
public final class TestWorkdirCleanup implements BeforeAllCallback, AfterAllCallback, TestWatcher {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(TestWorkdirCleanup.class);
  private static final Path TARGET = Path.of("target");
  private static final Pattern TEMP_DIRECTORY = Pattern.compile(".+\\d{6,}(\\.[a-z]+)?");
  private static final Path LOCK = TARGET.resolve(".workdir-cleanup.lock");
  private static final Path PENDING = TARGET.resolve(".workdir-cleanup.pending");
  private static final Path KEEP = TARGET.resolve(".workdir-cleanup.keep");

  /** This JVM's shared lock while one of its classes runs. */
  private static FileChannel channel;

  private static FileLock running;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    if (context.getTestClass().map(c -> c.getEnclosingClass() != null).orElse(false)) {
      return; // a nested class: its outer class cleans up
    }
    context.getStore(NS).put("before", entries());
    enter();
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
    List<String> appeared = new ArrayList<>();
    for (String name : entries()) {
      if (!before.contains(name) && TEMP_DIRECTORY.matcher(name).matches()) {
        appeared.add(name);
        if (failed) {
          System.err.println(
              "A test failed: the work folders made while it ran are kept: "
                  + TARGET.resolve(name).toAbsolutePath());
        }
      }
    }
    note(failed ? KEEP : PENDING, appeared);
    leave();
    sweep();
  }

  private static synchronized void enter() throws IOException {
    Files.createDirectories(TARGET);
    if (channel == null) {
      // A shared lock needs a channel open for reading.
      channel =
          FileChannel.open(
              LOCK, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
    if (running == null) {
      running = channel.lock(0, Long.MAX_VALUE, true);
    }
  }

  private static synchronized void leave() throws IOException {
    if (running != null) {
      running.release();
      running = null;
    }
  }

  /** Deletes what passed classes noted, unless a class runs in another JVM (then it does later). */
  private static synchronized void sweep() throws IOException {
    FileLock alone = channel == null ? null : channel.tryLock(0, Long.MAX_VALUE, false);
    if (alone == null) {
      return;
    }
    try {
      Set<String> keep = new HashSet<>(noted(KEEP));
      for (String name : new LinkedHashSet<>(noted(PENDING))) {
        Path dir = TARGET.resolve(name);
        if (keep.contains(name) || !Files.exists(dir)) {
          continue;
        }
        try {
          delete(dir);
        } catch (IOException | RuntimeException e) {
          // Something still writes there (a server not yet down): the folder stays, the tests
          // passed all the same.
          System.err.println("Could not delete " + dir.toAbsolutePath() + ": " + e);
        }
      }
      Files.deleteIfExists(PENDING);
    } finally {
      alone.release();
    }
  }

  /** Appends names to a list shared by the JVMs (one small append: atomic on a local disk). */
  private static void note(Path list, List<String> names) throws IOException {
    if (names.isEmpty()) {
      return;
    }
    Files.writeString(
        list,
        String.join("\n", names) + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  private static List<String> noted(Path list) throws IOException {
    return Files.exists(list)
        ? Files.readAllLines(list).stream().filter(l -> !l.isBlank()).toList()
        : List.of();
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
