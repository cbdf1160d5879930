package org.cdrflow.connectors.jdbc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.connectors.db.DatabaseSchema;
import org.cdrflow.connectors.local.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The COPY sink on a real PostgreSQL with the real {@code invoice_line} table
 * (docs/architecture.md, "Exactly-once effect"): every value arrives exactly, a batch is an
 * idempotent upsert that never overwrites an anonymised row, a key repeated within a batch keeps
 * its last row, a database restart between batches is waited out, and a batch the database refuses
 * is applied not at all and names no value.
 */
class CopyUpsertSinkIT {
  private static final String NUMBER = "+4791000101";

  /** A part of invoice_line, enough for every kind of value the output tables hold. */
  private static final UpsertTable LINES =
      new UpsertTable(
          "invoice_line",
          List.of(
              "line_id",
              "event_date",
              "msisdn",
              "network_element",
              "duration_s",
              "volume_bytes",
              "billed_units",
              "amount",
              "event_start",
              "flags",
              "rate_valid_from"),
          2,
          List.of("updated_at = now()"),
          "invoice_line.anonymised_at is null");

  private static final CopyRowEncoder<Line> ENCODER =
      (l, row) ->
          row.uuid(l.id)
              .date(l.day)
              .text(l.msisdn)
              .text(l.note)
              .integer(l.seconds)
              .integer(l.bytes)
              .integer(l.units)
              .number(l.amount)
              .timestamp(l.start)
              .textArray(l.flags)
              // A timestamp that may be NULL: here, whenever the line has no seconds.
              .timestampOrNull(l.seconds == null ? null : l.start);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dataDir;

  private static int port;
  private static EmbeddedPostgres server;
  private static String url;

  record Line(
      String id,
      LocalDate day,
      String msisdn,
      String note,
      Integer seconds,
      Long bytes,
      long units,
      BigDecimal amount,
      long start,
      String[] flags) {}

  @BeforeAll
  static void start() throws Exception {
    port = FreePorts.onLoopback(1)[0];
    server = startServer();
    url = server.getJdbcUrl("postgres", "postgres");
    DatabaseSchema.migrate(url, "postgres", "postgres");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void everyValueArrivesExactlyWhateverCharactersItHolds() throws Exception {
    String awkward =
        "tab\there, back\\slash \\N, new\nline, cr\r, \"quoted\" 'single' æøå ☎ \uD83D\uDCDE";
    Line full =
        new Line(
            id(),
            LocalDate.of(2026, 7, 10),
            NUMBER,
            awkward,
            61,
            9_876_543_210L,
            2,
            new BigDecimal("-1234567890.05"),
            OffsetDateTime.parse("2026-07-10T23:59:59.123+02:00").toInstant().toEpochMilli(),
            new String[] {"LATE", "a \"quoted\", {braced} word", "back\\slash", "NULL", ""});
    Line empty =
        new Line(
            id(), LocalDate.of(1969, 12, 31), null, null, null, null, 0, null, -1, new String[0]);
    Line nullWord =
        new Line(
            id(),
            LocalDate.of(2026, 1, 1),
            "\\N",
            "",
            0,
            0L,
            0,
            BigDecimal.ZERO,
            0,
            new String[] {null});

    try (CopyUpsertWriter<Line> writer = writer(100, 0, null)) {
      writer.write(full, null);
      writer.write(empty, null);
      writer.write(nullWord, null);
      writer.flush(false);
    }

    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select event_date, msisdn, network_element, duration_s, volume_bytes,"
                    + " billed_units, amount, event_start, flags, created_at, updated_at,"
                    + " rate_valid_from from invoice_line where line_id = '"
                    + full.id
                    + "'")) {
      assertTrue(r.next());
      assertEquals(LocalDate.of(2026, 7, 10), r.getObject(1, LocalDate.class));
      assertEquals(NUMBER, r.getString(2));
      assertEquals(awkward, r.getString(3));
      assertEquals(61, r.getInt(4));
      assertEquals(9_876_543_210L, r.getLong(5));
      assertEquals(2, r.getLong(6));
      assertEquals(new BigDecimal("-1234567890.05"), r.getBigDecimal(7));
      assertEquals(
          OffsetDateTime.parse("2026-07-10T21:59:59.123Z"),
          r.getObject(8, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC));
      assertArrayEquals(full.flags, (Object[]) r.getArray(9).getArray());
      assertTrue(r.getObject(10) != null && r.getObject(11) != null, "defaults filled");
      assertEquals(
          OffsetDateTime.parse("2026-07-10T21:59:59.123Z"),
          r.getObject(12, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC));
    }
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select line_id, event_date, msisdn, network_element, duration_s, volume_bytes,"
                    + " amount, event_start, flags, rate_valid_from from invoice_line"
                    + " where line_id in ('"
                    + empty.id
                    + "', '"
                    + nullWord.id
                    + "') order by event_date")) {
      assertTrue(r.next());
      assertEquals(LocalDate.of(1969, 12, 31), r.getObject(2, LocalDate.class));
      for (int i = 3; i <= 7; i++) {
        assertNull(r.getObject(i), "column " + i + " is NULL");
      }
      assertEquals(
          OffsetDateTime.parse("1969-12-31T23:59:59.999Z"),
          r.getObject(8, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC));
      assertArrayEquals(new String[0], (Object[]) r.getArray(9).getArray());
      assertNull(
          r.getObject(10), "a NULL timestamp is NULL, and the columns after it stay in place");

      assertTrue(r.next());
      assertEquals("\\N", r.getString(3), "the text \\N is not NULL");
      assertEquals("", r.getString(4), "the empty text is not NULL");
      assertEquals(0, BigDecimal.ZERO.compareTo(r.getBigDecimal(7)));
      assertArrayEquals(new String[] {null}, (Object[]) r.getArray(9).getArray());
    }
  }

  @Test
  void aKeyRepeatedWithinABatchKeepsItsLastRow() throws Exception {
    Line first = line(id(), "first");
    Line again = line(first.id, "second");
    try (CopyUpsertWriter<Line> writer = writer(100, 0, null)) {
      writer.write(first, null);
      writer.write(line(id(), "other"), null);
      writer.write(again, null);
      assertEquals(2, writer.buffered());
      writer.flush(false);
    }
    assertEquals(List.of("second"), notes(first.id));
  }

  @Test
  void writingABatchAgainChangesNothing() throws Exception {
    List<Line> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      batch.add(line(id(), "line " + i));
    }
    try (CopyUpsertWriter<Line> writer = writer(1_000, 0, null)) {
      batch.forEach(l -> write(writer, l));
      writer.flush(false);
      List<String> before = dump(batch);
      // A replay after a restart: the same rows again, some twice in the batch.
      batch.forEach(l -> write(writer, l));
      batch.subList(0, 10).forEach(l -> write(writer, l));
      writer.flush(false);
      assertEquals(before, dump(batch));
      assertEquals(50, before.size());
    }
  }

  @Test
  void anAnonymisedRowIsNeverOverwritten() throws Exception {
    Line l = line(id(), "original");
    try (CopyUpsertWriter<Line> writer = writer(100, 0, null)) {
      writer.write(l, null);
      writer.flush(false);
      try (Connection c = connect();
          Statement s = c.createStatement()) {
        s.executeUpdate(
            "update invoice_line set msisdn = null, network_element = 'anonymised',"
                + " anonymised_at = now() where line_id = '"
                + l.id
                + "'");
      }
      Line late = line(l.id, "late copy");
      Line fresh = line(id(), "fresh");
      writer.write(late, null);
      writer.write(fresh, null);
      writer.flush(false);
      assertEquals(List.of("anonymised"), notes(l.id));
      assertEquals(List.of("fresh"), notes(fresh.id), "the rest of the batch is written");
      try (Connection c = connect();
          Statement s = c.createStatement();
          ResultSet r =
              s.executeQuery("select msisdn from invoice_line where line_id = '" + l.id + "'")) {
        assertTrue(r.next());
        assertNull(r.getString(1));
      }
    }
  }

  @Test
  void aFullBatchIsWrittenAtOnceAndAQuietOneWhenTheIntervalPasses() throws Exception {
    ManualTimers timers = new ManualTimers();
    try (CopyUpsertWriter<Line> writer = writer(3, 500, timers)) {
      Line a = line(id(), "a");
      Line b = line(id(), "b");
      Line c = line(id(), "c");
      writer.write(a, null);
      writer.write(b, null);
      assertEquals(List.of(), notes(a.id));
      writer.write(c, null);
      assertEquals(List.of("c"), notes(c.id), "the third row filled the batch");

      Line quiet = line(id(), "quiet");
      writer.write(quiet, null);
      timers.advance(499);
      assertEquals(List.of(), notes(quiet.id));
      timers.advance(1);
      assertEquals(List.of("quiet"), notes(quiet.id), "written when the interval passed");

      Line later = line(id(), "later");
      writer.write(later, null);
      timers.advance(500);
      assertEquals(List.of("later"), notes(later.id), "the timer runs on");
    }
  }

  @Test
  void aDatabaseRestartBetweenBatchesIsWaitedOut() throws Exception {
    Line before = line(id(), "before");
    Line after = line(id(), "after");
    try (CopyUpsertWriter<Line> writer = writer(100, 0, null)) {
      writer.write(before, null);
      writer.flush(false);

      // A restart cuts the writer's session (and its staging table) and takes a few seconds.
      server.close();
      CompletableFuture<EmbeddedPostgres> back =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  Thread.sleep(1_500);
                  return startServer();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      try {
        writer.write(after, null);
        writer.flush(false);
      } finally {
        server = back.get(1, TimeUnit.MINUTES);
      }
      assertEquals(0, writer.buffered());
    }
    assertEquals(List.of("before"), notes(before.id));
    assertEquals(List.of("after"), notes(after.id));
  }

  @Test
  void aBatchTheDatabaseRefusesIsNotAppliedAtAllAndNamesNoValue() throws Exception {
    Line good = line(id(), "fine");
    // PostgreSQL text cannot hold a NUL character.
    Line bad =
        new Line(
            id(),
            LocalDate.of(2026, 7, 10),
            NUMBER,
            "nul\u0000here",
            1,
            1L,
            1,
            BigDecimal.ONE,
            0,
            null);
    try (CopyUpsertWriter<Line> writer = writer(100, 0, null)) {
      writer.write(good, null);
      writer.write(bad, null);
      IOException e = assertThrows(IOException.class, () -> writer.flush(false));
      String messages = messages(e);
      assertFalse(messages.contains(NUMBER.substring(3)), messages);
      assertTrue(messages.contains("invoice_line"), messages);
      assertEquals(2, writer.buffered(), "the batch is kept");
    }
    assertEquals(List.of(), notes(good.id), "nothing of the batch was applied");
  }

  @Test
  void aValueItsColumnCannotTakeFailsTheRowWithoutQuotingIt() throws Exception {
    UpsertTable settlement =
        new UpsertTable(
            "settlement_call",
            List.of("settlement_id", "event_date", "a_number"),
            1,
            List.of(),
            "settlement_call.anonymised_at is null");
    // Misuse on purpose: a date column given a text with a number in it, and a quote before the
    // number (so that blanking quoted parts would not be enough). The binary COPY converts the
    // value to the column's type before it is sent, so the row fails in the writer.
    CopyRowEncoder<String> encoder =
        (n, row) -> row.uuid(UUID.randomUUID().toString()).isoDate("day \" of " + n).text(n);
    try (CopyUpsertWriter<String> writer = settlementWriter(settlement, encoder)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> writer.write(NUMBER, null));
      String messages = messages(e);
      assertFalse(messages.contains(NUMBER.substring(3)), messages);
      assertTrue(messages.contains("column 2 (date)"), messages);
      assertEquals(0, writer.buffered(), "the row was not kept");
    }
  }

  @Test
  void aValuePostgresCannotStoreIsNotQuotedInTheError() throws Exception {
    UpsertTable settlement =
        new UpsertTable(
            "settlement_call",
            List.of("settlement_id", "event_date", "amount"),
            2,
            List.of(),
            "settlement_call.anonymised_at is null");
    // An amount beyond numeric(18, 6) whose digits hold the number: PostgreSQL refuses it
    // (SQLSTATE 22003, numeric field overflow) when the batch is written.
    CopyRowEncoder<String> encoder =
        (n, row) ->
            row.uuid(UUID.randomUUID().toString())
                .isoDate("2026-07-10")
                .number(new BigDecimal(n.substring(1) + "000000"));
    try (CopyUpsertWriter<String> writer = settlementWriter(settlement, encoder)) {
      writer.write(NUMBER, null);
      IOException e = assertThrows(IOException.class, () -> writer.flush(false));
      String messages = messages(e);
      assertFalse(messages.contains(NUMBER.substring(3)), messages);
      assertTrue(messages.contains("22003"), "numeric field overflow: " + messages);
      for (Throwable t = e; t != null; t = t.getCause()) {
        assertFalse(
            t.getClass().getName().startsWith("org.postgresql"),
            "PgJDBC's exception keeps the server's detail; it must not travel with the failure");
      }
    }
  }

  @Test
  void everyAmountArrivesExactly() throws Exception {
    UpsertTable settlement =
        new UpsertTable(
            "settlement_call",
            List.of("settlement_id", "event_date", "price"),
            2,
            List.of(),
            "settlement_call.anonymised_at is null");
    List<String> amounts =
        List.of(
            "0",
            "0.000000",
            "0.000001",
            "-0.5",
            "1",
            "10000",
            "99990000",
            "123456789012.345678",
            "-999999999999.999999",
            "0.0001",
            "1.5000",
            "100000000.000100",
            "12345.6789");
    List<BigDecimal> written = new ArrayList<>();
    for (String a : amounts) {
      written.add(new BigDecimal(a));
    }
    written.add(new BigDecimal("1E+3")); // a negative scale
    List<String> ids = new ArrayList<>();
    CopyRowEncoder<BigDecimal> encoder =
        (a, row) -> {
          String id = id();
          ids.add(id);
          row.uuid(id).isoDate("2026-07-10").number(a);
        };
    try (CopyUpsertWriter<BigDecimal> writer =
        new CopyUpsertWriter<>(
            settlement,
            encoder,
            new ReconnectingConnectionProvider(options(), Duration.ofSeconds(5)),
            Duration.ofSeconds(5),
            100,
            0,
            null)) {
      for (BigDecimal a : written) {
        writer.write(a, null);
      }
      writer.flush(false);
    }
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      for (int i = 0; i < written.size(); i++) {
        try (ResultSet r =
            s.executeQuery(
                "select price from settlement_call where settlement_id = '" + ids.get(i) + "'")) {
          assertTrue(r.next());
          assertEquals(
              0, written.get(i).compareTo(r.getBigDecimal(1)), written.get(i).toPlainString());
          assertEquals(6, r.getBigDecimal(1).scale(), "numeric(18, 6) as the column holds it");
        }
      }
    }
  }

  private static CopyUpsertWriter<String> settlementWriter(
      UpsertTable table, CopyRowEncoder<String> encoder) {
    return new CopyUpsertWriter<>(
        table,
        encoder,
        new ReconnectingConnectionProvider(options(), Duration.ofSeconds(5)),
        Duration.ofSeconds(5),
        10,
        0,
        null);
  }

  @Test
  void theUpsertIsDerivedFromTheTableDescription() {
    assertEquals(
        "insert into invoice_line (line_id, event_date, msisdn, network_element, duration_s,"
            + " volume_bytes, billed_units, amount, event_start, flags, rate_valid_from) select"
            + " line_id, event_date, msisdn, network_element, duration_s, volume_bytes,"
            + " billed_units, amount, event_start, flags, rate_valid_from"
            + " from cdrflow_staging_invoice_line on conflict (line_id,"
            + " event_date) do update set msisdn = excluded.msisdn,"
            + " network_element = excluded.network_element, duration_s = excluded.duration_s,"
            + " volume_bytes = excluded.volume_bytes, billed_units = excluded.billed_units,"
            + " amount = excluded.amount, event_start = excluded.event_start,"
            + " flags = excluded.flags, rate_valid_from = excluded.rate_valid_from,"
            + " updated_at = now()"
            + " where invoice_line.anonymised_at is null",
        LINES.upsertFromStagingSql());
  }

  private static CopyUpsertWriter<Line> writer(
      int batchSize, long intervalMs, ProcessingTimeService timers) {
    return new CopyUpsertWriter<>(
        LINES,
        ENCODER,
        new ReconnectingConnectionProvider(options(), Duration.ofSeconds(60)),
        Duration.ofSeconds(60),
        batchSize,
        intervalMs,
        timers);
  }

  private static JdbcSettings options() {
    return new JdbcSettings(url, "postgres", "postgres");
  }

  private static void write(CopyUpsertWriter<Line> writer, Line l) {
    try {
      writer.write(l, null);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Line line(String id, String note) {
    return new Line(
        id,
        LocalDate.of(2026, 7, 10),
        NUMBER,
        note,
        30,
        null,
        30,
        new BigDecimal("1.50"),
        1_783_000_000_000L,
        new String[] {"LATE"});
  }

  private static String id() {
    return UUID.randomUUID().toString();
  }

  private static List<String> notes(String id) throws SQLException {
    List<String> notes = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select network_element from invoice_line where line_id = '" + id + "'")) {
      while (r.next()) {
        notes.add(r.getString(1));
      }
    }
    return notes;
  }

  /** The rows of {@code lines} as text, without the time they were last written. */
  private static List<String> dump(List<Line> lines) throws SQLException {
    List<String> ids = lines.stream().map(l -> "'" + l.id + "'").toList();
    List<String> rows = new ArrayList<>();
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select (to_jsonb(t) - 'updated_at')::text from invoice_line t where line_id in ("
                    + String.join(", ", ids)
                    + ") order by line_id")) {
      while (r.next()) {
        rows.add(r.getString(1));
      }
    }
    return rows;
  }

  private static String messages(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t).append('\n');
      for (Throwable s : t.getSuppressed()) {
        all.append(s).append('\n');
      }
      if (t instanceof SQLException q) {
        for (SQLException n = q.getNextException(); n != null; n = n.getNextException()) {
          all.append(n).append('\n');
        }
      }
    }
    return all.toString();
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(url, "postgres", "postgres");
  }

  private static EmbeddedPostgres startServer() throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  /** Flink's processing-time timers, moved on by the test on its own thread (as the task's). */
  private static final class ManualTimers implements ProcessingTimeService {
    private long now;
    private final List<Object[]> timers = new ArrayList<>();

    @Override
    public long getCurrentProcessingTime() {
      return now;
    }

    @Override
    public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback callback) {
      timers.add(new Object[] {timestamp, callback});
      return new Pending();
    }

    void advance(long millis) throws Exception {
      now += millis;
      for (Object[] due = next(); due != null; due = next()) {
        ((ProcessingTimeCallback) due[1]).onProcessingTime((Long) due[0]);
      }
    }

    private Object[] next() {
      for (int i = 0; i < timers.size(); i++) {
        if ((Long) timers.get(i)[0] <= now) {
          return timers.remove(i);
        }
      }
      return null;
    }
  }

  private static final class Pending implements ScheduledFuture<Object> {
    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed o) {
      return 0;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return true;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public boolean isDone() {
      return false;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}
