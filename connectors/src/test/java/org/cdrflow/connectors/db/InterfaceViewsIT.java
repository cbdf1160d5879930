package org.cdrflow.connectors.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The versioned views billing and finance pull (docs/interfaces.md): a view's columns — names,
 * order and types — are frozen once released. Changing one of these lists means the view changed
 * without a new version: add a {@code _v2} next to it instead, and freeze its columns here.
 */
class InterfaceViewsIT {
  /** Every released versioned view with its frozen columns. Never edit an entry; add one. */
  private static final Map<String, String> FROZEN = new LinkedHashMap<>();

  static {
    FROZEN.put(
        "billing_invoice_line_v1",
        "line_id uuid, account_id text, subscription_id text, msisdn text, billing_period text,"
            + " period_readiness text, usage_period text,"
            + " event_start timestamp with time zone, event_date date, service text,"
            + " direction text, counterpart_number text, counterpart_country text,"
            + " roaming_country text, rating_zone text, duration_s integer, volume_bytes bigint,"
            + " billed_units bigint, allowance_units bigint, chargeable_units bigint,"
            + " amount numeric(12,2), currency text, flags ARRAY");
    FROZEN.put(
        "finance_settlement_v1",
        "partner_id text, direction text, product text, currency text, day date, events bigint,"
            + " seconds bigint, amount numeric(18,6), updated_at timestamp with time zone");
    FROZEN.put(
        "finance_settlement_call_v1",
        "settlement_id uuid, line_id uuid, partner_id text, direction text, product text,"
            + " event_start timestamp with time zone, event_date date, seconds integer,"
            + " units bigint, price numeric(18,6), amount numeric(18,6), currency text,"
            + " a_number text, b_number text, anonymised_at timestamp with time zone");
  }

  private static TestDatabase db;

  @BeforeAll
  static void migrate() {
    db = TestDatabase.migrated();
  }

  @Test
  void everyVersionedViewKeepsItsFrozenColumns() throws SQLException {
    assertEquals(new TreeMap<>(FROZEN), versionedViews());
  }

  @Test
  void readinessOnlyMovesForwardAndBillingSeesOnlyCompletePeriods() throws SQLException {
    TestDatabase fresh = TestDatabase.migrated();
    try (Connection c = fresh.connect();
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "INSERT INTO billing_period (period, closed_at) VALUES ('2026-08', now()),"
              + " ('2026-09', null)");
      s.executeUpdate(
          "INSERT INTO invoice_line (line_id, account_id, billing_period, event_date) VALUES"
              + " ('00000000-0000-0000-0000-000000000001', 'A1', '2026-08', DATE '2026-08-10'),"
              + " ('00000000-0000-0000-0000-000000000002', 'A1', '2026-09', DATE '2026-09-10')");
      assertEquals(0, count(s, "billing_invoice_line_v1"), "nothing while every period is OPEN");
      SQLException skip =
          org.junit.jupiter.api.Assertions.assertThrows(
              SQLException.class,
              () ->
                  s.executeUpdate(
                      "UPDATE billing_period SET readiness = 'INVOICED' WHERE period = '2026-08'"));
      assertEquals("23514", skip.getSQLState(), skip.getMessage());
      s.executeUpdate("UPDATE billing_period SET readiness = 'COMPLETE' WHERE period = '2026-08'");
      assertEquals(1, count(s, "billing_invoice_line_v1 WHERE billing_period = '2026-08'"));
      assertEquals(1, count(s, "billing_period WHERE completed_at IS NOT NULL"));
      s.executeUpdate("UPDATE billing_period SET readiness = 'INVOICED' WHERE period = '2026-08'");
      assertEquals(1, count(s, "billing_invoice_line_v1"), "INVOICED periods stay visible");
      SQLException back =
          org.junit.jupiter.api.Assertions.assertThrows(
              SQLException.class,
              () ->
                  s.executeUpdate(
                      "UPDATE billing_period SET readiness = 'OPEN' WHERE period = '2026-08'"));
      assertEquals("23514", back.getSQLState(), back.getMessage());
    }
  }

  private static long count(Statement s, String from) throws SQLException {
    try (ResultSet r = s.executeQuery("SELECT count(*) FROM " + from)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Every view whose name ends in _v<N>, with its columns as "name type, …". */
  private static Map<String, String> versionedViews() throws SQLException {
    Map<String, String> views = new TreeMap<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT c.table_name, string_agg(c.column_name || ' ' || CASE"
                    + " WHEN c.data_type = 'numeric' THEN 'numeric(' || c.numeric_precision"
                    + " || ',' || c.numeric_scale || ')' ELSE c.data_type END, ', '"
                    + " ORDER BY c.ordinal_position)"
                    + " FROM information_schema.columns c JOIN information_schema.views v"
                    + " ON v.table_schema = c.table_schema AND v.table_name = c.table_name"
                    + " WHERE c.table_schema = 'public' AND c.table_name ~ '_v[0-9]+$'"
                    + " GROUP BY c.table_name")) {
      while (r.next()) {
        views.put(r.getString(1), r.getString(2));
      }
    }
    return views;
  }
}
