package org.cdrflow.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * The second ceiling: how fast PostgreSQL takes in as many rows as the pipeline wrote, with nothing
 * in front of it. COPY (PgJDBC's CopyManager, text rows made in memory) into a scratch table made
 * {@code like invoice_line including all}: a regular, logged table with the same primary key and
 * indexes, so the server does the same work per row as for the real table (docs/benchmarks.md). One
 * connection per sink subtask of the job, in parallel. The table is dropped afterwards.
 */
final class IngestCeiling {
  static final String TABLE = "bench_ingest_ceiling";

  private static final String COLUMNS =
      "line_id, network_element, call_reference, account_id, subscription_id, msisdn, imsi,"
          + " billing_period, usage_period, event_start, event_date, service, direction,"
          + " counterpart_number, counterpart_country, counterpart_class, roaming_country,"
          + " rating_zone, duration_s, volume_bytes, billed_units, allowance_units,"
          + " chargeable_units, amount, currency, flags";

  private static final int CHUNK = 1 << 18;

  private IngestCeiling() {}

  record Result(long rows, double seconds) {
    double perSecond() {
      return rows / seconds;
    }
  }

  static Result measure(JdbcSettings jdbc, long rows, int connections) throws Exception {
    try (Connection c = connect(jdbc);
        Statement s = c.createStatement()) {
      s.execute("drop table if exists " + TABLE);
      s.execute("create table " + TABLE + " (like invoice_line including all)");
      s.execute("checkpoint");
    }
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    try {
      long started = System.nanoTime();
      List<Future<Long>> parts = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        long from = rows * i / connections;
        long to = rows * (i + 1) / connections;
        parts.add(pool.submit(() -> copy(jdbc, from, to)));
      }
      long written = 0;
      for (Future<Long> f : parts) {
        written += f.get();
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      return new Result(written, seconds);
    } finally {
      pool.shutdownNow();
      try (Connection c = connect(jdbc);
          Statement s = c.createStatement()) {
        s.execute("drop table if exists " + TABLE);
      }
    }
  }

  /** Rows {@code from} (inclusive) to {@code to} in one COPY, committed. */
  private static long copy(JdbcSettings jdbc, long from, long to) throws Exception {
    try (Connection c = connect(jdbc)) {
      c.setAutoCommit(false);
      CopyIn in =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn("copy " + TABLE + " (" + COLUMNS + ") from stdin");
      SplittableRandom random = new SplittableRandom(from);
      StringBuilder sb = new StringBuilder(CHUNK + 1024);
      for (long n = from; n < to; n++) {
        row(sb, n, random);
        if (sb.length() >= CHUNK) {
          byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
          in.writeToCopy(b, 0, b.length);
          sb.setLength(0);
        }
      }
      byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
      in.writeToCopy(b, 0, b.length);
      long copied = in.endCopy();
      c.commit();
      return copied;
    }
  }

  private static final long START = Instant.parse("2026-04-01T00:00:00Z").getEpochSecond();
  private static final String[] SERVICES = {"VOICE", "SMS", "DATA"};
  private static final String[] DIRECTIONS = {"MO", "MT", "FWD"};
  private static final String[] ZONES = {"DOMESTIC", "FREE", "INTL_EU", "ROAM_WORLD1_MO"};

  /** One tab-separated row of realistic width: numbers, ids, a time, amounts, an empty array. */
  private static void row(StringBuilder sb, long n, SplittableRandom r) {
    long hi = r.nextLong();
    long lo = r.nextLong();
    hex(sb, hi >>> 32, 8).append('-');
    hex(sb, (hi >>> 16) & 0xffff, 4).append('-');
    hex(sb, hi & 0xffff, 4).append('-');
    hex(sb, lo >>> 48, 4).append('-');
    hex(sb, lo & 0xffffffffffffL, 12).append('\t');
    int sub = r.nextInt(1_000_000);
    long at = START + r.nextInt(30 * 86_400);
    LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(at, 86_400));
    int service = r.nextInt(3);
    sb.append("MSC-OSL-").append(1 + r.nextInt(4)).append('\t');
    sb.append("CR").append(n).append('\t');
    sb.append("ACC-").append(sub / 2).append('\t');
    sb.append("SUB-").append(sub).append('\t');
    sb.append("+479").append(1_000_000 + sub).append('\t');
    sb.append("2420100").append(10_000_000 + sub).append('\t');
    sb.append("2026-04\t2026-04\t");
    sb.append(Instant.ofEpochSecond(at).atOffset(ZoneOffset.UTC)).append('\t');
    sb.append(day).append('\t');
    sb.append(SERVICES[service]).append('\t');
    sb.append(DIRECTIONS[r.nextInt(3)]).append('\t');
    sb.append("+474").append(1_000_000 + r.nextInt(9_000_000)).append('\t');
    sb.append("NO\tMOBILE\t\\N\t");
    sb.append(ZONES[r.nextInt(ZONES.length)]).append('\t');
    int seconds = r.nextInt(600);
    sb.append(service == 2 ? "\\N" : Integer.toString(seconds)).append('\t');
    sb.append(service == 2 ? Long.toString(r.nextLong(50_000_000)) : "\\N").append('\t');
    sb.append(seconds).append('\t').append(seconds / 2).append('\t').append(seconds / 2);
    sb.append('\t').append(r.nextInt(100)).append('.').append(10 + r.nextInt(90));
    sb.append("\tNOK\t{}\n");
  }

  private static StringBuilder hex(StringBuilder sb, long v, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      sb.append(Character.forDigit((int) ((v >>> (4 * i)) & 0xf), 16));
    }
    return sb;
  }

  private static Connection connect(JdbcSettings jdbc) throws Exception {
    return DriverManager.getConnection(jdbc.url(), jdbc.user(), jdbc.password());
  }
}
