package org.cdrflow.generate;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.cdrflow.reconciliation.Tolerances;

/**
 * A partner's view of a generated feed, as it would send it for reconciliation (docs/
 * reconciliation.md, "Generated partner statements"): its per-call file and monthly statement made
 * from our settled calls of that partner (the {@code settlement_call.csv} of a replay's export),
 * with planted differences, and the ground truth of what was planted.
 *
 * <p>Planted: missing calls (OURS_ONLY), calls we never had (THEIRS_ONLY), clock skew of 30-90 s
 * (start), durations rounded up to the whole minute (duration, and amount when beyond tolerance),
 * and 7 % more money on two days (amount, where beyond tolerance). Other calls are copied with
 * their numbers in national or international format and, for some, a skew within tolerance, so they
 * must match. A difference is recorded in the truth only where it is beyond the default tolerances;
 * a skew is planted only on a call with no other call of the same numbers and direction within
 * twice the pairing window and not within ten minutes of an Oslo midnight, so that planting never
 * changes which calls pair up or which day a call counts on.
 */
public final class PartnerStatementGenerator {
  private static final ZoneId OSLO = ZoneId.of("Europe/Oslo");
  private static final BigDecimal SIXTY = BigDecimal.valueOf(60);
  private static final BigDecimal DAY_RATE_FACTOR = new BigDecimal("1.07");

  private PartnerStatementGenerator() {}

  /** What the generator wrote: the files and how many of each kind it planted. */
  public record Written(
      Path statement,
      Path calls,
      Path truth,
      int ourCalls,
      int theirCalls,
      Map<String, Integer> planted) {}

  private record Call(
      String settlementId,
      String direction,
      String product,
      Instant start,
      long seconds,
      BigDecimal price,
      BigDecimal amount,
      String currency,
      String a,
      String b) {
    String key() {
      return direction + '|' + a + '|' + b;
    }
  }

  private record Theirs(
      String callId,
      String a,
      String b,
      Instant start,
      long seconds,
      String direction,
      String product,
      BigDecimal amount,
      String currency) {}

  public static Written write(
      Path settlementCalls, String partner, YearMonth month, long seed, Path outDir)
      throws IOException {
    Tolerances tol = Tolerances.DEFAULTS;
    List<Call> ours = read(settlementCalls, partner, month);
    Map<String, List<Instant>> startsByKey = new HashMap<>();
    for (Call c : ours) {
      startsByKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c.start());
    }
    Random random = new Random(seed);
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = month.atDay(1); !d.isAfter(month.atEndOfMonth()); d = d.plusDays(1)) {
      days.add(d);
    }
    LocalDate rateDay1 = days.get(random.nextInt(days.size()));
    LocalDate rateDay2 = days.get(random.nextInt(days.size()));

    List<Theirs> theirs = new ArrayList<>();
    List<String> truth = new ArrayList<>();
    Map<String, Integer> planted = new TreeMap<>();
    int n = 0;
    for (Call c : ours) {
      n++;
      String id = "P" + partner.hashCode() % 1000 + "-" + n;
      LocalDate day = c.start().atZone(OSLO).toLocalDate();
      double u = random.nextDouble();
      boolean alone = alone(c, startsByKey, tol.pairingWindow().multipliedBy(2));
      boolean nearMidnight = nearMidnight(c.start());
      if (u < 0.03) {
        planted.merge("missing", 1, Integer::sum);
        truth.add(String.join(",", "missing", "OURS_ONLY", c.settlementId(), "", ""));
        continue;
      }
      Instant start = c.start();
      long seconds = c.seconds();
      BigDecimal amount = c.amount();
      List<String> fields = new ArrayList<>();
      String kind = null;
      if (u < 0.06 && alone && !nearMidnight) {
        long skew = (30 + random.nextInt(61)) * (random.nextBoolean() ? 1 : -1);
        start = start.plusSeconds(skew);
        kind = "clock-skew";
        fields.add("start");
      } else if (u < 0.09 && c.seconds() % 60 != 0 && c.seconds() % 60 < 59 && isVoice(c)) {
        seconds = (c.seconds() / 60 + 1) * 60;
        amount =
            c.price().multiply(BigDecimal.valueOf(seconds)).divide(SIXTY, 6, RoundingMode.HALF_UP);
        kind = "rounded-duration";
        fields.add("duration");
        if (amount.subtract(c.amount()).abs().compareTo(tol.amount()) > 0) {
          fields.add("amount");
        }
      } else if (day.equals(rateDay1) || day.equals(rateDay2)) {
        amount = c.amount().multiply(DAY_RATE_FACTOR).setScale(6, RoundingMode.HALF_UP);
        if (amount.subtract(c.amount()).abs().compareTo(tol.amount()) > 0) {
          kind = "day-rate";
          fields.add("amount");
        }
      } else if (u < 0.20 && alone && !nearMidnight) {
        // A skew within tolerance: must still match.
        start = start.plusSeconds(random.nextInt(9) - 4);
      }
      if (kind != null) {
        planted.merge(kind, 1, Integer::sum);
        truth.add(
            String.join(
                ",",
                kind,
                "MATCHED_WITH_DIFFERENCE",
                c.settlementId(),
                id,
                String.join("|", fields)));
      }
      theirs.add(
          new Theirs(
              id,
              partnerFormat(c.a(), random),
              partnerFormat(c.b(), random),
              start,
              seconds,
              c.direction(),
              c.product(),
              amount,
              c.currency()));
    }
    int phantoms = Math.max(1, ours.size() / 100);
    String currency = ours.isEmpty() ? "NOK" : ours.get(0).currency();
    for (int i = 0; i < phantoms; i++) {
      String id = "P" + partner.hashCode() % 1000 + "-X" + (i + 1);
      LocalDate day = days.get(random.nextInt(days.size()));
      Instant start =
          day.atTime(8 + random.nextInt(12), random.nextInt(60), random.nextInt(60))
              .atZone(OSLO)
              .toInstant();
      long seconds = 30 + random.nextInt(600);
      // Numbers from a range no generated subscriber has: they can pair with nothing of ours.
      String a = "+4799" + String.format("%06d", random.nextInt(1_000_000));
      String b = "+4798" + String.format("%06d", random.nextInt(1_000_000));
      BigDecimal amount =
          new BigDecimal("0.059")
              .multiply(BigDecimal.valueOf(seconds))
              .divide(SIXTY, 6, RoundingMode.HALF_UP);
      theirs.add(
          new Theirs(id, a, b, start, seconds, "OUT", "VOICE_TERM_MOBILE", amount, currency));
      planted.merge("extra", 1, Integer::sum);
      truth.add(String.join(",", "extra", "THEIRS_ONLY", "", id, ""));
    }

    Files.createDirectories(outDir);
    Path callsFile = outDir.resolve("partner-cdrs.csv");
    try (Writer w = Files.newBufferedWriter(callsFile, StandardCharsets.UTF_8)) {
      w.write("call_id,a_number,b_number,start,duration_s,direction,product,amount\n");
      for (Theirs t : theirs) {
        w.write(
            String.join(
                ",",
                t.callId(),
                t.a() == null ? "" : t.a(),
                t.b(),
                t.start().toString(),
                Long.toString(t.seconds()),
                t.direction(),
                t.product(),
                t.amount().toPlainString()));
        w.write('\n');
      }
    }
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, BigDecimal[]> sums = new TreeMap<>();
    for (Theirs t : theirs) {
      String k =
          String.join(
              ",", t.direction(), t.product(), t.start().atZone(OSLO).toLocalDate().toString());
      counts.computeIfAbsent(k, x -> new long[2]);
      counts.get(k)[0]++;
      counts.get(k)[1] += t.seconds();
      sums.computeIfAbsent(k, x -> new BigDecimal[] {BigDecimal.ZERO});
      sums.get(k)[0] = sums.get(k)[0].add(t.amount());
    }
    Path statementFile = outDir.resolve("statement.csv");
    try (Writer w = Files.newBufferedWriter(statementFile, StandardCharsets.UTF_8)) {
      w.write("direction,product,day,events,minutes,amount,currency\n");
      for (Map.Entry<String, long[]> e : counts.entrySet()) {
        w.write(
            String.join(
                ",",
                e.getKey(),
                Long.toString(e.getValue()[0]),
                BigDecimal.valueOf(e.getValue()[1])
                    .divide(SIXTY, 2, RoundingMode.HALF_UP)
                    .toPlainString(),
                sums.get(e.getKey())[0].setScale(2, RoundingMode.HALF_UP).toPlainString(),
                currency));
        w.write('\n');
      }
    }
    Path truthFile = outDir.resolve("planted.csv");
    try (Writer w = Files.newBufferedWriter(truthFile, StandardCharsets.UTF_8)) {
      w.write("kind,class,settlement_id,their_call_id,fields\n");
      for (String t : truth) {
        w.write(t);
        w.write('\n');
      }
    }
    return new Written(statementFile, callsFile, truthFile, ours.size(), theirs.size(), planted);
  }

  private static boolean isVoice(Call c) {
    return c.product().startsWith("VOICE");
  }

  private static boolean alone(Call c, Map<String, List<Instant>> startsByKey, Duration margin) {
    for (Instant other : startsByKey.get(c.key())) {
      if (!other.equals(c.start())
          && Duration.between(other, c.start()).abs().compareTo(margin) <= 0) {
        return false;
      }
    }
    return startsByKey.get(c.key()).stream().filter(c.start()::equals).count() == 1;
  }

  private static boolean nearMidnight(Instant start) {
    var local = start.atZone(OSLO);
    int minuteOfDay = local.getHour() * 60 + local.getMinute();
    return minuteOfDay < 10 || minuteOfDay >= 24 * 60 - 10;
  }

  /** A Norwegian number as a partner might write it: national, 00-prefixed or E.164. */
  private static String partnerFormat(String e164, Random random) {
    if (e164 == null || !e164.startsWith("+47")) {
      return e164;
    }
    return switch (random.nextInt(3)) {
      case 0 -> e164.substring(3);
      case 1 -> "00" + e164.substring(1);
      default -> e164;
    };
  }

  private static List<Call> read(Path file, String partner, YearMonth month) throws IOException {
    List<Call> calls = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        CSVParser p =
            CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
      for (CSVRecord rec : p) {
        if (!partner.equals(rec.get("partner_id"))) {
          continue;
        }
        LocalDate day = LocalDate.parse(rec.get("event_date"));
        if (!YearMonth.from(day).equals(month)) {
          continue;
        }
        calls.add(
            new Call(
                rec.get("settlement_id"),
                rec.get("direction"),
                rec.get("product"),
                Instant.parse(rec.get("event_start")),
                Long.parseLong(rec.get("seconds")),
                new BigDecimal(rec.get("price")),
                new BigDecimal(rec.get("amount")),
                rec.get("currency"),
                rec.get("a_number").isEmpty() ? null : rec.get("a_number"),
                rec.get("b_number")));
      }
    }
    calls.sort((x, y) -> x.settlementId().compareTo(y.settlementId()));
    return calls;
  }
}
