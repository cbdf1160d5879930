package org.cdrflow.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.YearMonth;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The generator's copy of the example reference tables must stay what {@code examples/reference}
 * holds: the demo, the tests and the benchmark rate generated traffic against it. When this fails
 * after a change to the examples, copy the changed file into {@code
 * jobs/src/main/resources/generate/reference/}.
 */
class BundledReferenceTest {
  private static final Path EXAMPLES = Path.of("..", "examples", "reference");

  /** Written by the generator itself, for the generated subscribers. */
  private static final Set<String> GENERATED = Set.of("subscription", "sim_block", "invoice");

  @Test
  void everyBundledTableIsByteForByteTheExampleTable() throws Exception {
    for (String table : BundledReference.TABLES) {
      byte[] example = Files.readAllBytes(EXAMPLES.resolve(table + ".csv"));
      byte[] bundled;
      try (InputStream in = BundledReference.open(table)) {
        bundled = in.readAllBytes();
      }
      assertArrayEquals(example, bundled, table + ".csv differs from examples/reference");
    }
  }

  @Test
  void everyExampleTableIsBundledExceptTheSubscriberTablesTheGeneratorWrites() throws Exception {
    Set<String> examples;
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      examples =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".csv"))
              .map(n -> n.substring(0, n.length() - 4))
              .filter(n -> !GENERATED.contains(n))
              .collect(Collectors.toCollection(TreeSet::new));
    }
    assertEquals(examples, new TreeSet<>(BundledReference.TABLES));
  }

  @Test
  void theModelFindsWhatItNeedsInTheBundledTables() {
    BundledReference ref = BundledReference.load();
    assertEquals("HOME", ref.operatorOf("+4791234567"));
    assertEquals("OPA", ref.operatorOf("+4793123456"));
    assertTrue(ref.trunksByOperator.containsKey("OPA"), "trunks of another operator");
    assertTrue(ref.trunksByOperator.containsKey("OPB"), "trunks of another operator");
    assertFalse(ref.transitTrunks.isEmpty(), "a transit carrier's trunk");
    assertTrue(ref.specialPrefixes.contains("+47820"), "premium 820 is priced per minute and SMS");
    assertTrue(ref.planIds.containsAll(Set.of("MINI", "SMART", "BUSINESS")));
  }

  @Test
  void lateUsageLandsInTheFirstPeriodTheReferenceLeavesOpen() {
    BundledReference ref = BundledReference.load();
    YearMonth october = YearMonth.of(2026, 10);
    assertEquals(YearMonth.of(2026, 11), ref.landingPeriod(october));
    assertEquals(YearMonth.of(2026, 12), ref.landingPeriod(YearMonth.of(2026, 12)));
  }
}
