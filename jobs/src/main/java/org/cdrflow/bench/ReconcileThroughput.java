package org.cdrflow.bench;

import java.io.BufferedWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import org.cdrflow.reconciliation.PartnerFiles;
import org.cdrflow.reconciliation.Reconciliation;
import org.cdrflow.reconciliation.ReconciliationClass;
import org.cdrflow.reconciliation.Tolerances;

/**
 * How many partner calls per second {@code cdrflow reconcile} matches (docs/benchmarks.md,
 * "Reconciliation"): {@code n} settled calls of a bench partner are written into {@code
 * settlement_call} with one set-based statement, the partner's file holds the same calls (numbers
 * in national format, starts up to 3 s off, 1 % left out, 1 % added, 1 % with another amount), and
 * the run is timed from reading the file to the committed result. The bench rows are removed
 * afterwards.
 */
public final class ReconcileThroughput {
  public static final String PARTNER = "BENCH-RECONCILE";
  private static final YearMonth MONTH = YearMonth.of(2026, 10);

  private ReconcileThroughput() {}

  /** The figures of one measurement. */
  public record Result(
      long partnerCalls,
      long ourCalls,
      double readSeconds,
      double matchSeconds,
      long matched,
      long different,
      long oursOnly,
      long theirsOnly,
      java.util.Map<String, Double> stepSeconds) {
    public double perSecond() {
      return partnerCalls / (readSeconds + matchSeconds);
    }

    public double matchingPerSecond() {
      return partnerCalls / matchSeconds;
    }
  }

  public static Result measure(Connection c, int n, Path dir) throws Exception {
    Instant monthStart = MONTH.atDay(1).atStartOfDay(ZoneId.of("Europe/Oslo")).toInstant();
    long spacing = Math.max(1, (MONTH.lengthOfMonth() * 86_400L - 7_200) / n);
    clean(c);
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO settlement_call (settlement_id, line_id, partner_id, direction, product,"
                + " event_start, event_date, seconds, units, price, amount, currency, a_number,"
                + " b_number)"
                + " SELECT gen_random_uuid(), gen_random_uuid(), ?, 'OUT', 'VOICE_TERM_MOBILE',"
                + " t, (t AT TIME ZONE 'Europe/Oslo')::date, 30 + i % 600, 1, 0.059,"
                + " round(0.059 * (30 + i % 600) / 60, 6), 'NOK',"
                + " '+479' || lpad((i % 9000000)::text, 7, '0'),"
                + " '+474' || lpad(((i * 7) % 9000000)::text, 7, '0')"
                + " FROM generate_series(0, ? - 1) AS i,"
                + " LATERAL (SELECT ?::timestamptz + make_interval(secs => 3600 + i * ?)) AS s(t)")) {
      s.setString(1, PARTNER);
      s.setInt(2, n);
      s.setObject(3, monthStart.atOffset(java.time.ZoneOffset.UTC));
      s.setLong(4, spacing);
      s.executeUpdate();
    }
    Files.createDirectories(dir);
    Path calls = dir.resolve("bench-partner-cdrs.csv");
    Path statement = dir.resolve("bench-statement.csv");
    try (BufferedWriter w = Files.newBufferedWriter(calls, StandardCharsets.UTF_8)) {
      w.write("call_id,a_number,b_number,start,duration_s,direction,product,amount\n");
      for (int i = 0; i < n; i++) {
        if (i % 100 == 17) {
          continue; // left out
        }
        long seconds = 30 + i % 600;
        BigDecimal amount =
            new BigDecimal("0.059")
                .multiply(BigDecimal.valueOf(seconds))
                .divide(BigDecimal.valueOf(60), 6, java.math.RoundingMode.HALF_UP);
        if (i % 100 == 42) {
          amount = amount.add(new BigDecimal("0.5"));
        }
        Instant start = monthStart.plusSeconds(3600 + i * spacing + i % 4);
        w.write(
            "B"
                + i
                + ",9"
                + String.format("%07d", i % 9000000)
                + ",4"
                + String.format("%07d", (i * 7L) % 9000000)
                + ","
                + start
                + ","
                + seconds
                + ",OUT,VOICE_TERM_MOBILE,"
                + amount.toPlainString()
                + "\n");
        if (i % 100 == 63) {
          w.write(
              "X"
                  + i
                  + ",+4798765432,+4798765431,"
                  + start
                  + ",60,OUT,VOICE_TERM_MOBILE,0.059000\n");
        }
      }
    }
    Files.writeString(statement, "direction,product,day,events,minutes,amount,currency\n");
    long t0 = System.nanoTime();
    PartnerFiles.Calls read = PartnerFiles.readCalls(calls, MONTH);
    PartnerFiles.Statement st = PartnerFiles.readStatement(statement, MONTH);
    long t1 = System.nanoTime();
    Reconciliation.Result r = Reconciliation.run(c, PARTNER, MONTH, st, read, Tolerances.DEFAULTS);
    long t2 = System.nanoTime();
    clean(c);
    return new Result(
        read.calls().size(),
        r.ourCalls(),
        (t1 - t0) / 1e9,
        (t2 - t1) / 1e9,
        r.callCounts().get(ReconciliationClass.MATCHED),
        r.callCounts().get(ReconciliationClass.MATCHED_WITH_DIFFERENCE),
        r.callCounts().get(ReconciliationClass.OURS_ONLY),
        r.callCounts().get(ReconciliationClass.THEIRS_ONLY),
        r.stepSeconds());
  }

  private static void clean(Connection c) throws Exception {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM settlement_call WHERE partner_id = '" + PARTNER + "'");
      s.executeUpdate("DELETE FROM reconciliation_run WHERE partner_id = '" + PARTNER + "'");
    } finally {
      c.setAutoCommit(auto);
    }
  }
}
