package org.cdrflow.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code generate --fraud}: one case of every abnormal-usage kind planted among the ordinary
 * traffic, and the ground truth written beside the feed (docs/fraud.md, "Scoring detection"). The
 * cases sit on one day of the feed (the ninth, or the last of a shorter feed), each on its own
 * subscriber; the SIM box is the last subscriber of the base, which gets no ordinary traffic.
 */
final class FraudPlanting {
  /** File name of the ground truth, in the feed's directory. */
  static final String TRUTH_FILE = "fraud-truth.csv";

  private static final long MIN = 60_000L;
  private static final long HOUR = 60 * MIN;

  /** A planted case: kind, subscriber, first and last planted event. */
  record Case(String kind, String subscriptionId, long first, long last) {}

  private final List<Case> cases = new ArrayList<>();

  /**
   * Picks the subscribers before the base is written (the blocked SIM needs its sim_block row, the
   * SIM box its silence).
   */
  static FraudPlanting prepare(GeneratorSettings settings, SubscriberBase subscribers) {
    if (subscribers.count < 20) {
      throw new IllegalArgumentException("--fraud needs at least 20 subscribers");
    }
    subscribers.reservedForFraud = 1;
    return new FraudPlanting(settings, subscribers);
  }

  private final GeneratorSettings settings;
  private final SubscriberBase subscribers;
  private final int[] victims;
  private final long day;

  private FraudPlanting(GeneratorSettings settings, SubscriberBase subscribers) {
    this.settings = settings;
    this.subscribers = subscribers;
    int dayIndex = Math.min(8, settings.days() - 1);
    this.day =
        settings
            .start()
            .plusDays(dayIndex)
            .atStartOfDay(GeneratorSettings.OSLO)
            .toInstant()
            .toEpochMilli();
    // Six ordinary subscribers spread over the base, none of them blocked already; the SIM box
    // last.
    Set<Integer> blocked = new HashSet<>(subscribers.simBlockSubscribers);
    victims = new int[7];
    int step = (subscribers.count - 1) / 7;
    for (int k = 0; k < 6; k++) {
      int s = k * step + 1;
      while (blocked.contains(s)) {
        s++;
      }
      victims[k] = s;
    }
    victims[6] = subscribers.count - 1;
    // The stolen SIM is blocked at noon; its later calls are usage after the block.
    subscribers.simBlockSubscribers.add(victims[5]);
    subscribers.simBlockedAt.add(Instant.ofEpochMilli(day + 12 * HOUR));
  }

  /** Plants the calls of every case into the feed. */
  void plant(TrafficModel model, NumberPlan numbers, Draws draws) {
    // International revenue share: five 4-minute night calls to a high-risk country.
    Party[] kenya = numbers.foreignNumbers("KE", draws);
    calls(model, "HIGH_RISK_DESTINATION", victims[0], day + 2 * HOUR, 7 * MIN, 5, kenya, null, 240);
    // Premium burst: twelve 2-minute calls to premium-rate numbers in under an hour.
    calls(
        model,
        "PREMIUM_BURST",
        victims[1],
        day + 14 * HOUR,
        4 * MIN,
        12,
        numbers.premium,
        null,
        120);
    // Wangiri: forty 3-second calls to distinct numbers in forty minutes.
    calls(
        model,
        "CALL_SPRAY",
        victims[2],
        day + 19 * HOUR,
        MIN,
        40,
        distinct(numbers.offNetMobile, 40, draws),
        null,
        3);
    // Roaming in Thailand: back-to-back 20-minute calls home for four hours.
    calls(
        model,
        "ROAMING_HIGH_USAGE",
        victims[3],
        day + 10 * HOUR,
        20 * MIN,
        12,
        numbers.offNetMobile,
        "52001",
        1200);
    // A spike: twelve 28-minute calls to India, one an hour (no hour of them looks odd).
    Party[] india = numbers.foreignNumbers("IN", draws);
    calls(model, "USAGE_SPIKE", victims[4], day + 7 * HOUR, 60 * MIN, 12, india, null, 1680);
    // The stolen SIM, blocked at noon, still calls.
    calls(
        model,
        "BLOCKED_SIM_ACTIVITY",
        victims[5],
        day + 13 * HOUR,
        10 * MIN,
        3,
        numbers.offNetMobile,
        null,
        60);
    // The SIM box: 150 calls to distinct numbers from 06:00, nothing in, no data.
    Party[] all = new Party[numbers.offNetMobile.length + numbers.fixed.length];
    System.arraycopy(numbers.offNetMobile, 0, all, 0, numbers.offNetMobile.length);
    System.arraycopy(numbers.fixed, 0, all, numbers.offNetMobile.length, numbers.fixed.length);
    calls(
        model,
        "SIM_BOX",
        victims[6],
        day + 6 * HOUR,
        6 * MIN,
        150,
        distinct(all, 150, draws),
        null,
        90);
  }

  private void calls(
      TrafficModel model,
      String kind,
      int sub,
      long first,
      long every,
      int n,
      Party[] to,
      String plmn,
      int seconds) {
    long t = first;
    for (int i = 0; i < n; i++) {
      model.plantedCall(sub, to[i % to.length], plmn, t, seconds);
      t += every;
    }
    cases.add(new Case(kind, subscribers.subscriptionId[sub], first, t - every));
  }

  private static Party[] distinct(Party[] pool, int n, Draws draws) {
    List<Party> out = new ArrayList<>(n);
    Set<String> seen = new HashSet<>();
    int attempts = 0;
    while (out.size() < n && attempts++ < 100 * n) {
      Party p = draws.pick(pool);
      if (seen.add(p.e164())) {
        out.add(p);
      }
    }
    return out.toArray(new Party[0]);
  }

  /** Writes {@value #TRUTH_FILE}: kind, subscription_id, first_event, last_event. */
  Path writeTruth(Path dir) throws IOException {
    Path file = dir.resolve(TRUTH_FILE);
    try (BufferedWriter w = Files.newBufferedWriter(file)) {
      w.write("kind,subscription_id,first_event,last_event\n");
      for (Case c : cases) {
        w.write(
            c.kind()
                + ','
                + c.subscriptionId()
                + ','
                + Instant.ofEpochMilli(c.first())
                + ','
                + Instant.ofEpochMilli(c.last())
                + '\n');
      }
    }
    return file;
  }

  List<Case> cases() {
    return cases;
  }

  GeneratorSettings settings() {
    return settings;
  }
}
