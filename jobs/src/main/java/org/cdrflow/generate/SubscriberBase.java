package org.cdrflow.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The generated customers: subscriptions (numbers in the home operator's mobile ranges, an IMSI
 * each, plans mixed, some accounts holding several subscriptions, a few plan changes during the
 * feed), a few SIM blocks, an invoice for every account and month the feed's lines can be billed
 * in, and a handful of numbers in our ranges that have no subscription (for the unknown-subscriber
 * records). Everything is written as reference CSVs in the loader's format
 * (docs/reference-data.md).
 */
final class SubscriberBase {

  /** Timestamps as the example tables write them: {@code 2026-10-01T00:00:00+02:00}. */
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX", Locale.ROOT);

  static final String IMSI_PREFIX = "24277";
  private static final double NEW_ACCOUNT_SHARE = 0.7;
  private static final double PLAN_CHANGE_SHARE = 0.02;

  final int count;
  final String[] msisdn;
  final String[] imsi;
  final String[] subscriptionId;
  final int[] account;
  final int accountCount;
  final String[] plan;
  final Instant[] validFrom;

  /** For subscribers whose plan changes during the feed: the new plan and when; else null. */
  final String[] newPlan;

  final Instant[] planChangeAt;

  /** Subscriber index and block time of each SIM block. */
  final List<Integer> simBlockSubscribers = new ArrayList<>();

  final List<Instant> simBlockedAt = new ArrayList<>();

  /** How many subscribers at the end of the base get no ordinary traffic (planted fraud). */
  int reservedForFraud;

  /** Numbers in our mobile ranges that no subscription holds. */
  final String[] unknownNumbers;

  private final GeneratorSettings settings;
  private final BundledReference reference;

  SubscriberBase(
      GeneratorSettings settings, BundledReference reference, NumberPlan numbers, Draws draws) {
    this.settings = settings;
    this.reference = reference;
    this.count = settings.subscribers();
    if (reference.planIds.isEmpty()) {
      throw new IllegalStateException("the bundled price_plan.csv has no plans");
    }
    Set<String> taken = new HashSet<>();
    msisdn = numbers.homeMobileNumbers(count, taken, draws);
    unknownNumbers =
        numbers.homeMobileNumbers(Math.max(5, Math.min(200, count / 50)), taken, draws);

    imsi = new String[count];
    subscriptionId = new String[count];
    account = new int[count];
    plan = new String[count];
    validFrom = new Instant[count];
    newPlan = new String[count];
    planChangeAt = new Instant[count];

    int accounts = 0;
    LocalDate start = settings.start();
    for (int i = 0; i < count; i++) {
      imsi[i] = IMSI_PREFIX + pad(i + 1L, 10);
      subscriptionId[i] = "SUB-" + pad(i + 1L, 7);
      if (i == 0 || draws.chance(NEW_ACCOUNT_SHARE)) {
        accounts++;
      }
      account[i] = accounts;
      plan[i] = choosePlan(draws);
      // Customers of up to six years, the newest joined a month before the feed: the fair-use
      // window (docs/rating.md) then sees both new and long-standing subscriptions.
      validFrom[i] =
          start
              .minusDays(30 + draws.below(6 * 365))
              .atStartOfDay(GeneratorSettings.OSLO)
              .toInstant();
      if (settings.days() > 1 && reference.planIds.size() > 1 && draws.chance(PLAN_CHANGE_SHARE)) {
        String other;
        do {
          other = choosePlan(draws);
        } while (other.equals(plan[i]));
        newPlan[i] = other;
        planChangeAt[i] =
            start
                .plusDays(draws.between(1, settings.days() - 1))
                .atStartOfDay(GeneratorSettings.OSLO)
                .toInstant();
      }
    }
    accountCount = accounts;

    int blocks = count < 10 ? 0 : Math.max(1, count / 500);
    Set<Integer> blocked = new HashSet<>();
    long span = settings.endInstant().toEpochMilli() - settings.startInstant().toEpochMilli();
    while (blocked.size() < blocks) {
      int s = draws.below(count);
      if (blocked.add(s)) {
        simBlockSubscribers.add(s);
        long at = settings.startInstant().toEpochMilli() + draws.below(span);
        simBlockedAt.add(Instant.ofEpochMilli(at - at % 1000));
      }
    }
  }

  /** A plan id: Smart most, Mini next, Business least; other plans of the file a small share. */
  private String choosePlan(Draws draws) {
    List<String> plans = reference.planIds;
    int[] weights = new int[plans.size()];
    int total = 0;
    for (int i = 0; i < plans.size(); i++) {
      weights[i] =
          switch (plans.get(i)) {
            case "SMART" -> 50;
            case "MINI" -> 35;
            case "BUSINESS" -> 15;
            default -> 10;
          };
      total += weights[i];
    }
    int w = draws.below(total);
    for (int i = 0; i < weights.length; i++) {
      w -= weights[i];
      if (w < 0) {
        return plans.get(i);
      }
    }
    throw new IllegalStateException("unreachable");
  }

  String accountId(int subscriber) {
    return "ACC-" + pad(account[subscriber], 7);
  }

  /** Writes subscription.csv, sim_block.csv and invoice.csv; returns the invoice row count. */
  int writeTo(Path dir, Draws draws) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("subscription.csv"))) {
      w.write("subscription_id,account_id,msisdn,imsi,plan_id,valid_from,valid_to\n");
      for (int i = 0; i < count; i++) {
        String from = timestamp(validFrom[i]);
        if (newPlan[i] == null) {
          row(w, subscriptionId[i], accountId(i), msisdn[i], imsi[i], plan[i], from, "");
        } else {
          String change = timestamp(planChangeAt[i]);
          row(w, subscriptionId[i], accountId(i), msisdn[i], imsi[i], plan[i], from, change);
          row(w, subscriptionId[i], accountId(i), msisdn[i], imsi[i], newPlan[i], change, "");
        }
      }
    }
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("sim_block.csv"))) {
      w.write("msisdn,blocked_at\n");
      for (int i = 0; i < simBlockSubscribers.size(); i++) {
        row(w, msisdn[simBlockSubscribers.get(i)], timestamp(simBlockedAt.get(i)));
      }
    }
    return writeInvoices(dir.resolve("invoice.csv"), draws);
  }

  /**
   * One invoice per account and billing period the feed's lines can land in: every month of the
   * feed and, for a month the bundled {@code billing_period} closes, the period its late lines go
   * to. Mostly paid, some open, overdue or disputed, so that the anonymisation run (which only
   * touches lines of paid invoices) has both kinds.
   */
  private int writeInvoices(Path file, Draws draws) throws IOException {
    Set<YearMonth> months = new TreeSet<>();
    YearMonth first = YearMonth.from(settings.start());
    YearMonth last =
        YearMonth.from(settings.endInstant().minusMillis(1).atZone(GeneratorSettings.OSLO));
    for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
      months.add(m);
      months.add(reference.landingPeriod(m));
    }
    int rows = 0;
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("invoice_id,account_id,billing_period,status,paid_at\n");
      for (int a = 1; a <= accountCount; a++) {
        String accountId = "ACC-" + pad(a, 7);
        for (YearMonth m : months) {
          String invoiceId = "INV-" + m.getYear() + pad(m.getMonthValue(), 2) + "-" + pad(a, 7);
          double u = draws.uniform();
          String status = u < 0.88 ? "PAID" : u < 0.93 ? "OPEN" : u < 0.97 ? "OVERDUE" : "DISPUTED";
          String paidAt = "";
          if (status.equals("PAID")) {
            ZonedDateTime paid =
                m.plusMonths(1)
                    .atDay(draws.between(5, 28))
                    .atTime(LocalTime.of(draws.between(7, 22), draws.below(60)))
                    .atZone(GeneratorSettings.OSLO);
            paidAt = TIMESTAMP.format(paid);
          }
          row(w, invoiceId, accountId, m.toString(), status, paidAt);
          rows++;
        }
      }
    }
    return rows;
  }

  static String timestamp(Instant t) {
    return TIMESTAMP.format(t.atZone(GeneratorSettings.OSLO));
  }

  private static void row(BufferedWriter w, String... cells) throws IOException {
    w.write(String.join(",", cells));
    w.write('\n');
  }

  static String pad(long value, int width) {
    String s = Long.toString(value);
    if (s.length() >= width) {
      return s;
    }
    return "0".repeat(width - s.length()) + s;
  }
}
