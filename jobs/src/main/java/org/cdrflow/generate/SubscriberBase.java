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
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
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
 *
 * <p><b>Churn</b> ({@link GeneratorSettings#churnPerMonth()}, off by default): in every month of
 * the feed that share of the subscriptions active at its start leaves (the subscription gets a
 * {@code valid_to} on a day of the month, and no traffic from then on) and as many new ones join (a
 * new subscription and account, {@code valid_from} on a day of the month, traffic only from then
 * on). Churn draws from a stream of its own, after everything else, so a feed without churn keeps
 * its bytes.
 */
final class SubscriberBase {

  /** Timestamps as the example tables write them: {@code 2026-10-01T00:00:00+02:00}. */
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX", Locale.ROOT);

  static final String IMSI_PREFIX = "24277";
  private static final double NEW_ACCOUNT_SHARE = 0.7;
  private static final double PLAN_CHANGE_SHARE = 0.02;

  /** Subscriptions, those that join during the feed (churn) included. */
  int count;

  String[] msisdn;
  String[] imsi;
  String[] subscriptionId;
  int[] account;
  int accountCount;
  String[] plan;
  Instant[] validFrom;

  /** When the subscription ends (churn); null while it lasts. */
  Instant[] validTo;

  /** Whether any subscription starts or ends during the feed (churn). */
  boolean churning;

  /** The first account of a subscription that joined during the feed, and the month of each. */
  private int firstJoinedAccount = Integer.MAX_VALUE;

  private final List<YearMonth> joinedAccountMonth = new ArrayList<>();

  /** For subscribers whose plan changes during the feed: the new plan and when; else null. */
  String[] newPlan;

  Instant[] planChangeAt;

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
    validTo = new Instant[count];
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

  /**
   * Subscribers leave and join in every month the feed touches ({@link
   * GeneratorSettings#churnPerMonth()}), in proportion to the share of the month inside the feed.
   * Leaving and joining happen at 00:00 Europe/Oslo of a day within the feed.
   */
  void churn(NumberPlan numbers, Draws draws) {
    double share = settings.churnPerMonth();
    if (share <= 0) {
      return;
    }
    churning = true;
    ZoneId oslo = GeneratorSettings.OSLO;
    LocalDate feedStart = settings.start();
    LocalDate feedEnd = feedStart.plusDays(settings.days()); // exclusive
    int initial = count;
    for (YearMonth m = YearMonth.from(feedStart);
        m.atDay(1).isBefore(feedEnd);
        m = m.plusMonths(1)) {
      LocalDate from = m.atDay(1).isBefore(feedStart) ? feedStart : m.atDay(1);
      LocalDate to = m.plusMonths(1).atDay(1).isAfter(feedEnd) ? feedEnd : m.plusMonths(1).atDay(1);
      int daysIn = (int) (to.toEpochDay() - from.toEpochDay());
      if (daysIn <= 1) {
        continue;
      }
      double monthShare = share * daysIn / m.lengthOfMonth();
      Instant monthStart = from.atStartOfDay(oslo).toInstant();
      // Leavers: of those active at the start of this stretch, each with the month's chance.
      for (int i = 0; i < count; i++) {
        boolean active =
            !validFrom[i].isAfter(monthStart)
                && (validTo[i] == null || validTo[i].isAfter(monthStart));
        if (active && draws.chance(monthShare)) {
          validTo[i] = from.plusDays(draws.between(1, daysIn - 1)).atStartOfDay(oslo).toInstant();
          if (planChangeAt[i] != null && !planChangeAt[i].isBefore(validTo[i])) {
            newPlan[i] = null;
            planChangeAt[i] = null;
          }
        }
      }
      // Joiners: as many as leave on average, each on a day of the stretch.
      int joiners = (int) Math.round(initial * monthShare);
      int first = count;
      grow(count + joiners);
      Set<String> taken = new HashSet<>();
      for (String n : msisdn) {
        if (n != null) {
          taken.add(n);
        }
      }
      for (String n : unknownNumbers) {
        taken.add(n);
      }
      String[] fresh = numbers.homeMobileNumbers(joiners, taken, draws);
      for (int k = 0; k < joiners; k++) {
        int i = first + k;
        msisdn[i] = fresh[k];
        imsi[i] = IMSI_PREFIX + pad(i + 1L, 10);
        subscriptionId[i] = "SUB-" + pad(i + 1L, 7);
        accountCount++;
        firstJoinedAccount = Math.min(firstJoinedAccount, accountCount);
        joinedAccountMonth.add(m);
        account[i] = accountCount;
        plan[i] = choosePlan(draws);
        validFrom[i] = from.plusDays(draws.below(daysIn - 1)).atStartOfDay(oslo).toInstant();
      }
    }
  }

  /** Room for {@code n} subscriptions. */
  private void grow(int n) {
    msisdn = Arrays.copyOf(msisdn, n);
    imsi = Arrays.copyOf(imsi, n);
    subscriptionId = Arrays.copyOf(subscriptionId, n);
    account = Arrays.copyOf(account, n);
    plan = Arrays.copyOf(plan, n);
    validFrom = Arrays.copyOf(validFrom, n);
    validTo = Arrays.copyOf(validTo, n);
    newPlan = Arrays.copyOf(newPlan, n);
    planChangeAt = Arrays.copyOf(planChangeAt, n);
    count = n;
  }

  /** Whether subscription {@code i} holds its number at {@code millis}. */
  boolean activeAt(int i, long millis) {
    return validFrom[i].toEpochMilli() <= millis
        && (validTo[i] == null || millis < validTo[i].toEpochMilli());
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
        String to = validTo[i] == null ? "" : timestamp(validTo[i]);
        if (newPlan[i] == null) {
          row(w, subscriptionId[i], accountId(i), msisdn[i], imsi[i], plan[i], from, to);
        } else {
          String change = timestamp(planChangeAt[i]);
          row(w, subscriptionId[i], accountId(i), msisdn[i], imsi[i], plan[i], from, change);
          row(w, subscriptionId[i], accountId(i), msisdn[i], imsi[i], newPlan[i], change, to);
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
          if (a >= firstJoinedAccount
              && m.isBefore(joinedAccountMonth.get(a - firstJoinedAccount))) {
            continue; // no invoice before the account existed
          }
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
