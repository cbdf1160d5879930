package org.cdrflow.connectors.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

class SchemaMigrationIT {

  private static TestDatabase db;

  @BeforeAll
  static void migrate() {
    db = TestDatabase.migrated();
  }

  /** SPEC §8: column names of the output tables are a public interface, in this order. */
  @Test
  void outputTablesHaveTheColumnsOfSpecSection8() throws SQLException {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put(
        "invoice_line",
        "line_id uuid, network_element text, call_reference text, account_id text,"
            + " subscription_id text, msisdn text, imsi text, billing_period text,"
            + " usage_period text, event_start timestamp with time zone, event_date date,"
            + " service text, direction text, counterpart_number text, counterpart_country text,"
            + " counterpart_class text, roaming_country text, rating_zone text, duration_s integer,"
            + " volume_bytes bigint, billed_units bigint, allowance_units bigint,"
            + " chargeable_units bigint, amount numeric(12,2), currency text, flags ARRAY,"
            + " created_at timestamp with time zone, updated_at timestamp with time zone,"
            + " anonymised_at timestamp with time zone, anonymisation_run_id uuid,"
            // The inputs of the amount and the source (docs/rating.md, "Invoice line").
            + " plan_id text, rate_valid_from timestamp with time zone, unit_price numeric(12,4),"
            + " connect_fee numeric(12,4), fair_use_surcharge numeric(0,0),"
            + " allowance_before bigint, allowance_after bigint, reference_version bigint,"
            + " visited_zone text, raw_records integer, source_topic text,"
            + " source_partition integer, source_offset bigint, corrects_line_id uuid,"
            + " rerate_run_id uuid");
    expected.put(
        "settlement_call",
        "settlement_id uuid, line_id uuid, partner_id text, direction text, product text,"
            + " event_start timestamp with time zone, event_date date, seconds integer,"
            + " units bigint, price numeric(18,6), amount numeric(18,6), currency text,"
            + " a_number text, b_number text, anonymised_at timestamp with time zone,"
            + " interconnect_rate_valid_from timestamp with time zone");
    expected.put(
        "settlement_daily",
        "partner_id text, direction text, product text, currency text, day date, events bigint,"
            + " seconds bigint, amount numeric(18,6), updated_at timestamp with time zone,"
            + " lineage_id uuid");
    expected.put(
        "rejected_cdr",
        "reject_id uuid, reason text, detail text, source_topic text, source_partition integer,"
            + " source_offset bigint, payload bytea, event_time timestamp with time zone,"
            + " first_seen timestamp with time zone, reprocessed_at timestamp with time zone");
    expected.put(
        "mediation_audit",
        "hour timestamp with time zone, received bigint, rejected bigint,"
            + " rejected_by_reason jsonb, duplicates bigint, partials_joined bigint,"
            + " unanswered bigint, rated bigint, lines_written bigint,"
            + " settlement_rows_written bigint, pending_partials bigint, reprocessed bigint,"
            + " updated_at timestamp with time zone, lineage_id uuid");
    expected.put(
        "anonymisation_run",
        "run_id uuid, as_of date, cutoff timestamp with time zone,"
            + " started_at timestamp with time zone, finished_at timestamp with time zone,"
            + " status text, dry_run boolean, lines_anonymised bigint,"
            + " settlement_anonymised bigint, rejects_purged bigint, retained_unpaid bigint,"
            + " retained_disputed bigint, retained_no_invoice bigint,"
            + " alerts_anonymised bigint");
    for (var e : expected.entrySet()) {
      assertEquals(e.getValue(), columns(e.getKey()), e.getKey());
    }
  }

  /** SPEC §4: the reference tables with exactly these column names. */
  @Test
  void referenceTablesHaveTheColumnsOfSpecSection4() throws SQLException {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put(
        "subscription",
        "subscription_id text, account_id text, msisdn text, imsi text, plan_id text,"
            + " valid_from timestamp with time zone, valid_to timestamp with time zone");
    expected.put("sim_block", "msisdn text, blocked_at timestamp with time zone");
    expected.put(
        "price_plan",
        "plan_id text, name text, voice_minutes integer, sms_count integer, data_mb integer,"
            + " eu_data_limit_mb integer, data_overage text, data_overage_cap numeric(12,2),"
            + " valid_from timestamp with time zone, valid_to timestamp with time zone");
    expected.put(
        "rate",
        "plan_id text, service text, zone text, connect_fee numeric(12,4), price numeric(12,4),"
            + " first_interval integer, next_interval integer,"
            + " valid_from timestamp with time zone, valid_to timestamp with time zone");
    expected.put(
        "special_number",
        "prefix text, description text, connect_fee numeric(12,4),"
            + " price_per_minute numeric(12,4), price_per_sms numeric(12,4)");
    expected.put("country_zone", "country text, zone text, nordic_baltic boolean");
    expected.put("number_range", "prefix text, operator_id text");
    expected.put(
        "ported_number", "msisdn text, operator_id text, valid_from timestamp with time zone");
    expected.put("partner", "partner_id text, name text, operator_id text");
    expected.put("trunk", "trunk_id text, partner_id text");
    expected.put("transit_route", "country text, partner_id text");
    expected.put(
        "interconnect_rate",
        "partner_id text, direction text, product text, price numeric(18,6), unit text,"
            + " currency text, valid_from timestamp with time zone");
    expected.put(
        "billing_period",
        "period text, closed_at timestamp with time zone, readiness text,"
            + " completed_at timestamp with time zone, invoiced_at timestamp with time zone");
    expected.put(
        "invoice",
        "invoice_id text, account_id text, billing_period text, status text,"
            + " paid_at timestamp with time zone");
    expected.put(
        "reference_version", "id integer, version bigint, changed_at timestamp with time zone");
    for (var e : expected.entrySet()) {
      assertEquals(e.getValue(), columns(e.getKey()), e.getKey());
    }
    // The loader's view of the tables is the migration's.
    for (String table : ReferenceDataLoader.TABLES) {
      List<String> names = new ArrayList<>();
      for (String col : columns(table).split(", ")) {
        names.add(col.substring(0, col.indexOf(' ')));
      }
      // A period's readiness belongs to the streaming job and billing, not to reference data
      // loads (docs/interfaces.md, "Period readiness").
      names.removeAll(List.of("readiness", "completed_at", "invoiced_at"));
      assertEquals(
          names, List.copyOf(ReferenceTables.byName(table).columns.keySet()), "loader: " + table);
      assertEquals(
          primaryKey(table), ReferenceTables.byName(table).primaryKey, "primary key: " + table);
    }
    // ... and so are its foreign-key pre-checks.
    List<String> javaForeignKeys = new ArrayList<>();
    for (String table : ReferenceDataLoader.TABLES) {
      ReferenceTables.byName(table)
          .references
          .forEach((col, ref) -> javaForeignKeys.add(table + "." + col + "->" + ref + "." + col));
    }
    List<String> dbForeignKeys = new ArrayList<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT c.conrelid::regclass || '.' || a.attname || '->' || c.confrelid::regclass"
                    + " || '.' || r.attname FROM pg_constraint c"
                    + " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
                    + " JOIN pg_attribute r ON r.attrelid = c.confrelid AND r.attnum = c.confkey[1]"
                    + " WHERE c.contype = 'f' AND cardinality(c.conkey) = 1")) {
      while (rs.next()) {
        dbForeignKeys.add(rs.getString(1));
      }
    }
    // A plan has versions, so plan_id is not unique in price_plan and cannot be a foreign key
    // target: only the loader checks it (docs/reference-data.md).
    javaForeignKeys.removeAll(
        List.of("rate.plan_id->price_plan.plan_id", "subscription.plan_id->price_plan.plan_id"));
    assertEquals(
        javaForeignKeys.stream().sorted().toList(), dbForeignKeys.stream().sorted().toList());
  }

  @Test
  void primaryKeysAndIndexes() throws SQLException {
    assertEquals(List.of("subscription_id", "valid_from"), primaryKey("subscription"));
    assertEquals(List.of("msisdn", "blocked_at"), primaryKey("sim_block"));
    assertEquals(List.of("plan_id", "service", "zone", "valid_from"), primaryKey("rate"));
    assertEquals(List.of("plan_id", "valid_from"), primaryKey("price_plan"));
    assertEquals(List.of("msisdn", "valid_from"), primaryKey("ported_number"));
    assertEquals(
        List.of("partner_id", "direction", "product", "valid_from"),
        primaryKey("interconnect_rate"));
    assertEquals(List.of("invoice_id"), primaryKey("invoice"));
    assertEquals(
        List.of("partner_id", "direction", "product", "currency", "day"),
        primaryKey("settlement_daily"));
    assertEquals(List.of("hour"), primaryKey("mediation_audit"));
    assertEquals(List.of("line_id", "event_date"), primaryKey("invoice_line"));
    assertEquals(List.of("settlement_id", "event_date"), primaryKey("settlement_call"));

    String indexes = String.join("\n", indexDefinitions());
    for (String expected :
        List.of(
            "ON public.subscription USING btree (msisdn, valid_from)",
            "UNIQUE INDEX invoice_account_id_billing_period_key ON public.invoice USING btree"
                + " (account_id, billing_period)",
            "ON ONLY public.invoice_line USING btree (account_id, billing_period)"
                + " WHERE (account_id IS NOT NULL)",
            "ON ONLY public.invoice_line USING btree (msisdn) WHERE (msisdn IS NOT NULL)",
            "ON ONLY public.invoice_line USING btree (event_start) WHERE (anonymised_at IS NULL)",
            "ON ONLY public.settlement_call USING btree (partner_id, event_date)",
            "ON ONLY public.settlement_call USING btree (event_start)"
                + " WHERE (anonymised_at IS NULL)",
            "ON public.rejected_cdr USING btree (reason) WHERE (reprocessed_at IS NULL)")) {
      assertTrue(indexes.contains(expected), expected + " in\n" + indexes);
    }
    // No reader left for this one (V17): every row the job writes would keep it up to date for
    // nothing.
    assertFalse(
        indexes.contains("settlement_call USING btree (line_id)"),
        "settlement_call (line_id) in\n" + indexes);
  }

  /**
   * Both output tables are partitioned in half months of event_date with a default partition, and
   * every migration leaves half months from a month ago to three months ahead in place, so that the
   * streaming job's rows land in partitions of their own (docs/operations.md, "Partitions").
   */
  @Test
  void outputTablesArePartitionedInHalfMonthsAheadOfToday() throws SQLException {
    for (String table : List.of("invoice_line", "settlement_call")) {
      assertEquals(
          1L,
          scalar(
              db,
              "SELECT count(*) FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid"
                  + " WHERE h.inhparent = '"
                  + table
                  + "'::regclass AND c.relname = '"
                  + table
                  + "_default'"));
      assertEquals(
          0L,
          scalar(
              db,
              "SELECT count(*) FROM generate_series((now() AT TIME ZONE 'Europe/Oslo')::date - 31,"
                  + " (now() AT TIME ZONE 'Europe/Oslo')::date + 92, interval '1 day') d"
                  + " WHERE to_regclass('"
                  + table
                  + "_' || to_char(cdrflow_half_month_start(d::date), 'YYYY_MM_DD')) IS NULL"));
    }
    // A half month: [1st, 16th) or [16th, 1st of the next month), whatever the month's length.
    String[][] cases = {
      {"2026-02-01", "2026-02-01", "2026-02-16"},
      {"2026-02-15", "2026-02-01", "2026-02-16"},
      {"2026-02-16", "2026-02-16", "2026-03-01"},
      {"2026-02-28", "2026-02-16", "2026-03-01"},
      {"2028-02-29", "2028-02-16", "2028-03-01"},
      {"2026-12-31", "2026-12-16", "2027-01-01"},
    };
    for (String[] c : cases) {
      assertEquals(
          c[1] + " " + c[2],
          text(
              db,
              "SELECT cdrflow_half_month_start(DATE '"
                  + c[0]
                  + "') || ' ' || cdrflow_half_month_end(cdrflow_half_month_start(DATE '"
                  + c[0]
                  + "'))"),
          c[0]);
    }
  }

  @Test
  void secondMigrateDoesNothing() throws SQLException {
    long history = db.count("flyway_schema_history");
    List<String> before = indexDefinitions();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(db.url);
    dataSource.setUser(TestDatabase.USER);
    dataSource.setPassword(TestDatabase.PASSWORD);
    assertEquals(0, DatabaseSchema.migrate(dataSource));
    DatabaseSchema.migrate(db.url, TestDatabase.USER, TestDatabase.PASSWORD);
    assertEquals(history, db.count("flyway_schema_history"));
    assertEquals(before, indexDefinitions());
  }

  @Test
  void migratingASecondDatabaseOfTheSameClusterKeepsTheExistingRoles() throws SQLException {
    // Roles are cluster-wide: the second database's V3 must not fail on CREATE ROLE.
    TestDatabase other = TestDatabase.migrated();
    assertEquals(
        5,
        scalar(
            other,
            "SELECT count(*) FROM pg_roles WHERE rolname IN ('cdr_billing', 'cdr_finance',"
                + " 'cdr_mediation', 'cdr_anonymiser', 'cdr_reference_loader')"
                + " AND NOT rolcanlogin"));
  }

  @Test
  void referenceVersionMovesOncePerStatementOnEveryKindOfChange() throws SQLException {
    TestDatabase fresh = TestDatabase.migrated();
    assertEquals(1, fresh.count("reference_version"));
    long v0 = fresh.referenceVersion();
    try (Connection c = fresh.connect();
        Statement st = c.createStatement()) {
      st.executeUpdate(
          "INSERT INTO country_zone (country, zone, nordic_baltic) VALUES"
              + " ('NO', 'NO', true), ('SE', 'EU', true), ('US', 'WORLD1', false)");
      assertEquals(v0 + 1, fresh.referenceVersion(), "one multi-row insert = one bump");
      st.executeUpdate("UPDATE country_zone SET nordic_baltic = false WHERE country = 'US'");
      assertEquals(v0 + 2, fresh.referenceVersion());
      st.executeUpdate("DELETE FROM country_zone WHERE country = 'US'");
      assertEquals(v0 + 3, fresh.referenceVersion());
      st.execute("TRUNCATE country_zone");
      assertEquals(v0 + 4, fresh.referenceVersion());
      st.executeUpdate("INSERT INTO billing_period (period) VALUES ('2026-01')");
      assertEquals(v0 + 5, fresh.referenceVersion(), "every reference table has the trigger");
    }
    assertEquals(
        16,
        scalar(
            fresh,
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%\\_reference\\_version'"
                + " AND NOT tgisinternal"));
    try (Connection c = fresh.connect();
        Statement st = c.createStatement()) {
      assertThrows(
          SQLException.class,
          () -> st.executeUpdate("INSERT INTO reference_version VALUES (2, 0, now())"),
          "single row");
    }
  }

  @Test
  void enumeratedColumnsAreChecked() throws SQLException {
    TestDatabase fresh = TestDatabase.migrated();
    try (Connection c = fresh.connect();
        Statement st = c.createStatement()) {
      c.setAutoCommit(true);
      for (String bad :
          List.of(
              "INSERT INTO price_plan (plan_id, data_overage) VALUES ('P', 'SLOW')",
              "INSERT INTO country_zone (country, zone) VALUES ('XX', 'MARS')",
              "INSERT INTO invoice VALUES ('I', 'A', '2026-01', 'LOST', null)",
              "INSERT INTO invoice VALUES ('I', 'A', '2026-13', 'PAID', null)",
              "INSERT INTO anonymisation_run (run_id, status) VALUES (gen_random_uuid(), 'X')")) {
        assertThrows(SQLException.class, () -> st.executeUpdate(bad), bad);
      }
      st.executeUpdate(
          "INSERT INTO price_plan (plan_id, data_overage) VALUES ('P', 'THROTTLE'), ('Q', 'CHARGE')");
      for (String bad :
          List.of(
              "INSERT INTO rate (plan_id, service, zone, price) VALUES ('P', 'FAX', 'DOMESTIC', 1)",
              "INSERT INTO rate (plan_id, service, zone, price, valid_from, valid_to)"
                  + " VALUES ('P', 'SMS', 'SHORT', 1, '2026-02-01Z', '2026-01-01Z')",
              "INSERT INTO interconnect_rate VALUES ('X', 'IN', 'SMS_TERM', 1, 'SMS', 'NOK', now())")) {
        assertThrows(SQLException.class, () -> st.executeUpdate(bad), bad);
      }
    }
  }

  @Test
  void outputDefaultsAndTheAuditCountHelper() throws SQLException {
    TestDatabase fresh = TestDatabase.migrated();
    try (Connection c = fresh.connect();
        Statement st = c.createStatement()) {
      st.executeUpdate(
          "INSERT INTO invoice_line (line_id, event_date) VALUES (gen_random_uuid(), DATE"
              + " '2026-03-01')");
      st.executeUpdate("INSERT INTO mediation_audit (hour) VALUES ('2026-03-01T10:00:00Z')");
      st.executeUpdate(
          "INSERT INTO mediation_audit (hour, rejected_by_reason) VALUES ('2026-03-01T10:00:00Z',"
              + " '{\"BAD_TIME\": 2, \"NO_RATE\": 1}') ON CONFLICT (hour) DO UPDATE SET"
              + " rejected_by_reason = audit_add_counts(mediation_audit.rejected_by_reason,"
              + " EXCLUDED.rejected_by_reason)");
      st.executeUpdate(
          "INSERT INTO mediation_audit (hour, rejected_by_reason) VALUES ('2026-03-01T10:00:00Z',"
              + " '{\"BAD_TIME\": 3}') ON CONFLICT (hour) DO UPDATE SET rejected_by_reason ="
              + " audit_add_counts(mediation_audit.rejected_by_reason,"
              + " EXCLUDED.rejected_by_reason)");
      try (ResultSet rs =
          st.executeQuery(
              "SELECT flags = '{}' AND created_at IS NOT NULL, (SELECT rejected_by_reason::text"
                  + " || received FROM mediation_audit) FROM invoice_line")) {
        rs.next();
        assertTrue(rs.getBoolean(1));
        assertEquals("{\"NO_RATE\": 1, \"BAD_TIME\": 5}0", rs.getString(2));
      }
    }
  }

  private static long scalar(TestDatabase database, String sql) throws SQLException {
    return value(database, sql, Long.class);
  }

  private static String text(TestDatabase database, String sql) throws SQLException {
    return value(database, sql, String.class);
  }

  private static <T> T value(TestDatabase database, String sql, Class<T> type) throws SQLException {
    try (Connection c = database.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getObject(1, type);
    }
  }

  private static String columns(String table) throws SQLException {
    String sql =
        "SELECT column_name, data_type, numeric_precision, numeric_scale"
            + " FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ?"
            + " ORDER BY ordinal_position";
    List<String> cols = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String type = rs.getString(2);
          if (type.equals("numeric")) {
            type += "(" + rs.getInt(3) + "," + rs.getInt(4) + ")";
          }
          cols.add(rs.getString(1) + " " + type);
        }
      }
    }
    return String.join(", ", cols);
  }

  private static List<String> primaryKey(String table) throws SQLException {
    String sql =
        "SELECT a.attname FROM pg_index i"
            + " JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true"
            + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
            + " WHERE i.indrelid = ?::regclass AND i.indisprimary ORDER BY k.ord";
    List<String> cols = new ArrayList<>();
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          cols.add(rs.getString(1));
        }
      }
    }
    return cols;
  }

  private static List<String> indexDefinitions() throws SQLException {
    List<String> defs = new ArrayList<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")) {
      while (rs.next()) {
        defs.add(rs.getString(1));
      }
    }
    return defs;
  }
}
