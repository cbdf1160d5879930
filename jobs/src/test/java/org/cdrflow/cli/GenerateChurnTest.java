package org.cdrflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code generate --churn} (README, "Commands"): subscribers leave with a {@code valid_to} and new
 * ones join, so a test or a long run can feed a base that changes month by month.
 */
class GenerateChurnTest {

  private static List<String> subscriptionRows(Path dir, double churn) throws Exception {
    Path feed = dir.resolve("churn-" + churn).resolve("feed.avro");
    Files.createDirectories(feed.getParent());
    int exit =
        CommandLineConventions.apply(new CommandLine(new Cdrflow()))
            .execute(
                "generate",
                "--records",
                "4000",
                "--subscribers",
                "200",
                "--seed",
                "5",
                "--start",
                "2026-01-01",
                "--days",
                "90",
                "--churn",
                Double.toString(churn),
                "--out",
                feed.toString());
    assertEquals(0, exit);
    List<String> rows =
        Files.readAllLines(feed.getParent().resolve("reference").resolve("subscription.csv"));
    return rows.subList(1, rows.size());
  }

  @Test
  void churnEndsSomeSubscriptionsAndAddsAsManyNewOnes(@TempDir Path dir) throws Exception {
    List<String> fixed = subscriptionRows(dir, 0);
    List<String> churned = subscriptionRows(dir, 0.05);

    long endedFixed = fixed.stream().filter(r -> !r.endsWith(",")).count();
    long ended = churned.stream().filter(r -> !r.endsWith(",")).count();
    long subscriptions =
        churned.stream().map(r -> r.substring(0, r.indexOf(','))).distinct().count();
    long fixedSubscriptions =
        fixed.stream().map(r -> r.substring(0, r.indexOf(','))).distinct().count();

    assertTrue(ended > endedFixed, "churn ends subscriptions: " + ended + " vs " + endedFixed);
    // three months at 5 % of 200 leave and as many join
    assertTrue(
        subscriptions >= fixedSubscriptions + 20,
        "new subscriptions join: " + subscriptions + " vs " + fixedSubscriptions);
  }

  @Test
  void aShareOutsideZeroToHalfOrWithPlantedFraudIsAUsageError(@TempDir Path dir) {
    for (String[] c :
        List.of(
            new String[] {"0.9", "", "--churn 0.9: is a share of the subscriptions, 0 to 0.5"},
            new String[] {"0.02", "--fraud", "--fraud and --churn cannot be combined"})) {
      CommandLine cli = CommandLineConventions.apply(new CommandLine(new Cdrflow()));
      StringWriter err = new StringWriter();
      cli.setErr(new PrintWriter(err, true));
      List<String> args =
          new java.util.ArrayList<>(
              List.of(
                  "generate",
                  "--records",
                  "10",
                  "--subscribers",
                  "5",
                  "--seed",
                  "1",
                  "--churn",
                  c[0],
                  "--out",
                  dir.resolve("f.avro").toString()));
      if (!c[1].isEmpty()) {
        args.add(c[1]);
      }
      assertEquals(2, cli.execute(args.toArray(String[]::new)), err.toString());
      assertEquals("cdrflow generate: " + c[2], err.toString().strip());
      assertTrue(Files.notExists(dir.resolve("f.avro")), "nothing written");
    }
  }
}
