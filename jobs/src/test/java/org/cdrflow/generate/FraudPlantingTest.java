package org.cdrflow.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate --fraud: every kind planted, the ground truth beside the feed, the SIM box silent. */
class FraudPlantingTest {
  @Test
  void everyKindIsPlantedAndTheTruthWritten(@TempDir Path dir) throws Exception {
    Path feed = dir.resolve("feed.jsonl");
    GeneratedFeedSummary s =
        FeedGenerator.write(
            GeneratorSettings.of(20_000, 400, 7L).withDays(10), feed, dir.resolve("ref"), true);
    assertEquals(20_000, s.records());
    List<String> truth = Files.readAllLines(dir.resolve(FraudPlanting.TRUTH_FILE));
    assertEquals("kind,subscription_id,first_event,last_event", truth.get(0));
    assertEquals(
        List.of(
            "BLOCKED_SIM_ACTIVITY",
            "CALL_SPRAY",
            "HIGH_RISK_DESTINATION",
            "PREMIUM_BURST",
            "ROAMING_HIGH_USAGE",
            "SIM_BOX",
            "USAGE_SPIKE"),
        truth.stream().skip(1).map(l -> l.split(",")[0]).sorted().collect(Collectors.toList()));
    assertEquals(
        7, truth.stream().skip(1).map(l -> l.split(",")[1]).distinct().count(), "one each");
    // The SIM box is the last subscriber: only its 150 planted calls carry its IMSI.
    String simBoxImsi = "\"" + SubscriberBase.IMSI_PREFIX + "0000000400\"";
    long simBoxRecords;
    try (var lines = Files.lines(feed)) {
      simBoxRecords = lines.filter(l -> l.contains(simBoxImsi)).count();
    }
    assertEquals(150, simBoxRecords);
    assertTrue(Files.readString(dir.resolve("ref").resolve("sim_block.csv")).lines().count() >= 2);
  }
}
