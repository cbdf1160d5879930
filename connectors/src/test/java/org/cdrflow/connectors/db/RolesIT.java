package org.cdrflow.connectors.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §10: least-privilege roles created by the migrations (checked with SET ROLE). */
class RolesIT {

  private static final List<String> OUTPUTS =
      List.of(
          "invoice_line",
          "settlement_call",
          "settlement_daily",
          "rejected_cdr",
          "mediation_audit",
          "anonymisation_run");

  private static TestDatabase db;

  @BeforeAll
  static void setUp() throws SQLException {
    db = TestDatabase.migrated();
    db.loader().load(TestDatabase.examplesDirectory());
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.executeUpdate(
          "INSERT INTO invoice_line (line_id, msisdn, event_date) VALUES"
              + " ('00000000-0000-0000-0000-000000000001', '+4791000101', DATE '2026-03-01')");
      st.executeUpdate(
          "INSERT INTO settlement_call (settlement_id, partner_id, event_date) VALUES"
              + " ('00000000-0000-0000-0000-000000000002', 'PTN-OPA', DATE '2026-03-01')");
      st.executeUpdate(
          "INSERT INTO rejected_cdr (reject_id, reason, first_seen) VALUES"
              + " ('00000000-0000-0000-0000-000000000003', 'BAD_TIME', now())");
      // A plain login with no grants of its own: what PUBLIC may do.
      st.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'nobody_special')"
              + " THEN CREATE ROLE nobody_special NOLOGIN; END IF; END $$");
    }
  }

  @Test
  void rolesExistAndCannotLogIn() throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        var rs =
            st.executeQuery(
                "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles"
                    + " WHERE rolname LIKE 'cdr\\_%' AND NOT rolcanlogin AND NOT rolsuper")) {
      rs.next();
      assertEquals(
          "cdr_anonymiser,cdr_billing,cdr_finance,cdr_fraud,cdr_mediation,cdr_reference_loader,"
              + "cdr_rerater",
          rs.getString(1));
    }
  }

  @Test
  void billingReadsInvoiceLinesOnly() throws SQLException {
    assertAllowed("cdr_billing", "SELECT msisdn FROM invoice_line");
    assertDenied("cdr_billing", "SELECT * FROM settlement_call");
    assertDenied("cdr_billing", "SELECT * FROM settlement_daily");
    assertDenied("cdr_billing", "SELECT * FROM rejected_cdr");
    assertDenied("cdr_billing", "SELECT * FROM subscription");
    assertDenied("cdr_billing", "UPDATE invoice_line SET amount = 0");
    assertDenied(
        "cdr_billing",
        "INSERT INTO invoice_line (line_id, event_date) VALUES"
            + " (gen_random_uuid(), DATE '2026-01-01')");
  }

  @Test
  void financeReadsSettlementOnly() throws SQLException {
    assertAllowed("cdr_finance", "SELECT * FROM settlement_daily");
    assertAllowed("cdr_finance", "SELECT a_number FROM settlement_call");
    assertDenied("cdr_finance", "SELECT * FROM invoice_line");
    assertDenied("cdr_finance", "SELECT * FROM rejected_cdr");
    assertDenied("cdr_finance", "UPDATE settlement_daily SET events = 0");
  }

  /** R10: the fraud analyst works alerts and blocks SIMs; billing and finance see no alert. */
  @Test
  void onlyTheFraudRoleReadsAndDecidesAlerts() throws SQLException {
    assertAllowed("cdr_fraud", "SELECT * FROM fraud_alert");
    assertAllowed(
        "cdr_fraud",
        "UPDATE fraud_alert SET status = 'DISMISSED', decided_by = 'x', decided_at = now()");
    assertAllowed("cdr_fraud", "SELECT * FROM fraud_rule");
    assertAllowed("cdr_fraud", "SELECT msisdn FROM subscription");
    assertAllowed(
        "cdr_fraud", "INSERT INTO sim_block (msisdn, blocked_at) VALUES ('+4790000001', now())");
    assertDenied("cdr_fraud", "DELETE FROM fraud_alert");
    assertDenied("cdr_fraud", "UPDATE fraud_rule SET enabled = false");
    assertDenied("cdr_fraud", "SELECT * FROM settlement_call");
    for (String role : List.of("cdr_billing", "cdr_finance")) {
      assertDenied(role, "SELECT * FROM fraud_alert");
      assertDenied(role, "UPDATE fraud_alert SET status = 'DISMISSED'");
    }
    assertAllowed(
        "cdr_mediation",
        "INSERT INTO fraud_alert (alert_id, rule_id, rule_version, kind, severity, window_start,"
            + " window_end) VALUES (gen_random_uuid(), 'R', now(), 'SIM_BOX', 'HIGH', now(),"
            + " now()) ON CONFLICT (alert_id) DO NOTHING");
    assertDenied("cdr_mediation", "UPDATE fraud_alert SET status = 'DISMISSED'");
    assertAllowed("cdr_anonymiser", "UPDATE fraud_alert SET subscription_id = NULL");
    assertAllowed("cdr_reference_loader", "DELETE FROM fraud_rule");
  }

  /**
   * Re-rating (docs/rerating.md): billing reads the shadow and the diff, only the rerater
   * publishes.
   */
  @Test
  void onlyTheRereaterPublishesBillingReadsTheShadow() throws SQLException {
    assertAllowed("cdr_billing", "SELECT * FROM rerate_run");
    assertAllowed("cdr_billing", "SELECT * FROM rerate_line");
    assertDenied("cdr_billing", "UPDATE rerate_run SET status = 'PUBLISHING'");
    assertDenied("cdr_billing", "UPDATE invoice_line SET amount = 0");
    assertAllowed("cdr_rerater", "UPDATE rerate_run SET status = 'PUBLISHING'");
    assertAllowed("cdr_rerater", "UPDATE invoice_line SET amount = amount");
    assertAllowed("cdr_rerater", "UPDATE settlement_call SET amount = amount");
    assertAllowed("cdr_rerater", "SELECT * FROM rate");
    assertDenied("cdr_rerater", "UPDATE rate SET price = 0");
    // Settlement re-rating (V22): the rerater writes the settlement shadow and the day's
    // correction into the base of the lineage that wrote the day; billing reads the shadow.
    assertAllowed("cdr_rerater", "UPDATE rerate_settlement SET outcome = outcome");
    assertAllowed("cdr_rerater", "UPDATE settlement_daily SET amount = amount");
    assertAllowed("cdr_rerater", "UPDATE settlement_daily_base SET amount = amount");
    assertAllowed("cdr_billing", "SELECT * FROM rerate_settlement");
    assertDenied("cdr_billing", "UPDATE settlement_call SET amount = amount");
    assertDenied("cdr_rerater", "SELECT * FROM rejected_cdr");
    for (String role : List.of("cdr_finance", "cdr_mediation", "nobody_special")) {
      assertDenied(role, "SELECT * FROM rerate_line");
      assertDenied(role, "SELECT * FROM rerate_settlement");
    }
  }

  @Test
  void financeReadsReconciliationAndItsViewsBillingCannot() throws SQLException {
    assertAllowed("cdr_finance", "SELECT * FROM reconciliation_run");
    assertAllowed("cdr_finance", "SELECT * FROM reconciliation_item");
    assertAllowed("cdr_finance", "SELECT * FROM finance_settlement_v1");
    assertAllowed("cdr_finance", "SELECT a_number FROM finance_settlement_call_v1");
    assertAllowed("cdr_finance", "DELETE FROM reconciliation_item");
    assertDenied("cdr_finance", "SELECT * FROM billing_invoice_line_v1");
    assertDenied("cdr_billing", "SELECT * FROM reconciliation_run");
    assertDenied("cdr_billing", "SELECT * FROM reconciliation_item");
    assertDenied("cdr_billing", "SELECT * FROM finance_settlement_v1");
    assertDenied("cdr_billing", "SELECT * FROM finance_settlement_call_v1");
    assertAllowed("cdr_billing", "SELECT msisdn FROM billing_invoice_line_v1");
    for (String role : List.of("cdr_mediation", "cdr_anonymiser", "nobody_special")) {
      assertDenied(role, "SELECT * FROM reconciliation_run");
      assertDenied(role, "SELECT * FROM billing_invoice_line_v1");
      assertDenied(role, "SELECT * FROM finance_settlement_call_v1");
    }
  }

  @Test
  void billingMarksAPeriodInvoicedAndTheJobMarksItComplete() throws SQLException {
    assertAllowed(
        "cdr_mediation",
        "UPDATE billing_period SET closed_at = now() WHERE period = '2026-11' AND closed_at IS"
            + " NULL");
    assertAllowed(
        "cdr_mediation",
        "UPDATE billing_period SET readiness = 'COMPLETE', completed_at = now()"
            + " WHERE period = '2026-01'");
    assertAllowed(
        "cdr_mediation",
        "INSERT INTO billing_period (period, closed_at) VALUES ('2031-01', now())"
            + " ON CONFLICT (period) DO NOTHING");
    assertDenied("cdr_mediation", "UPDATE billing_period SET invoiced_at = now()");
    assertDenied("cdr_billing", "UPDATE billing_period SET closed_at = now()");
    assertDenied("cdr_finance", "UPDATE billing_period SET readiness = 'INVOICED'");
    assertAllowed(
        "cdr_billing",
        "UPDATE billing_period SET readiness = 'COMPLETE' WHERE period = '2026-01';"
            + " UPDATE billing_period SET readiness = 'INVOICED' WHERE period = '2026-01'");
  }

  @Test
  void mediationReadsReferenceDataAndWritesOutputs() throws SQLException {
    for (String table : ReferenceDataLoader.TABLES) {
      if (!table.equals("invoice")) {
        assertAllowed("cdr_mediation", "SELECT * FROM " + table);
      }
    }
    // The job never reads who paid what (V5).
    assertDenied("cdr_mediation", "SELECT * FROM invoice");
    assertAllowed("cdr_mediation", "SELECT version, changed_at FROM reference_version");
    assertAllowed("cdr_mediation", "SELECT cutoff FROM anonymisation_run");
    assertAllowed(
        "cdr_mediation",
        "INSERT INTO invoice_line (line_id, event_date) VALUES (gen_random_uuid(),"
            + " DATE '2026-03-02') ON CONFLICT (line_id, event_date) DO UPDATE SET amount = EXCLUDED.amount");
    assertAllowed("cdr_mediation", "UPDATE invoice_line SET amount = 1");
    assertAllowed("cdr_mediation", "SELECT payload FROM rejected_cdr");
    assertAllowed(
        "cdr_mediation",
        "INSERT INTO rejected_cdr (reject_id, reason, first_seen) VALUES (gen_random_uuid(),"
            + " 'NO_RATE', now())");
    assertAllowed("cdr_mediation", "UPDATE rejected_cdr SET reprocessed_at = now()");
    assertAllowed(
        "cdr_mediation",
        "INSERT INTO settlement_daily (partner_id, direction, product, currency, day, events)"
            + " VALUES ('PTN-OPA', 'OUT', 'SMS_TERM', 'NOK', DATE '2026-03-01', 1)"
            + " ON CONFLICT (partner_id, direction, product, currency, day)"
            + " DO UPDATE SET events = settlement_daily.events + EXCLUDED.events");
    assertAllowed(
        "cdr_mediation",
        "INSERT INTO mediation_audit (hour, received) VALUES ('2026-03-01T10:00:00Z', 5)");
    assertAllowed(
        "cdr_mediation",
        "INSERT INTO settlement_call (settlement_id, event_date) VALUES"
            + " (gen_random_uuid(), DATE '2026-03-01')");
    // A start without state claims and rebuilds state lineages (docs/reliability.md).
    assertAllowed("cdr_mediation", "LOCK TABLE state_lineage IN EXCLUSIVE MODE");
    assertAllowed(
        "cdr_mediation",
        "INSERT INTO state_lineage (lineage_id, seq, origin) VALUES (gen_random_uuid(), 99,"
            + " 'NEW')");
    assertAllowed(
        "cdr_mediation",
        "INSERT INTO settlement_daily_base SELECT gen_random_uuid(), partner_id, direction,"
            + " product, currency, day, events, seconds, amount FROM settlement_daily");
    assertAllowed(
        "cdr_mediation",
        "INSERT INTO mediation_audit_base SELECT gen_random_uuid(), hour, received, rejected,"
            + " rejected_by_reason, duplicates, partials_joined, unanswered, rated, lines_written,"
            + " settlement_rows_written, pending_partials, reprocessed FROM mediation_audit");
    assertDenied("cdr_mediation", "DELETE FROM settlement_daily_base");
    assertDenied("cdr_mediation", "DELETE FROM invoice_line");
    assertDenied("cdr_mediation", "UPDATE subscription SET plan_id = 'MINI'");
    assertDenied("cdr_mediation", "UPDATE reference_version SET version = 0");
    assertDenied(
        "cdr_mediation", "INSERT INTO anonymisation_run (run_id) VALUES" + " (gen_random_uuid())");
  }

  @Test
  void anonymiserUpdatesWhatItAnonymises() throws SQLException {
    assertAllowed(
        "cdr_anonymiser",
        "UPDATE invoice_line SET msisdn = NULL, anonymised_at = now()"
            + " WHERE line_id IN (SELECT l.line_id FROM invoice_line l JOIN invoice i"
            + " ON i.account_id = l.account_id AND i.billing_period = l.billing_period"
            + " WHERE i.status = 'PAID')");
    assertAllowed("cdr_anonymiser", "UPDATE settlement_call SET a_number = NULL, b_number = NULL");
    assertAllowed("cdr_anonymiser", "UPDATE rejected_cdr SET payload = NULL");
    assertAllowed(
        "cdr_anonymiser",
        "INSERT INTO anonymisation_run (run_id, as_of, status) VALUES (gen_random_uuid(),"
            + " DATE '2026-12-01', 'RUNNING')");
    assertAllowed("cdr_anonymiser", "UPDATE anonymisation_run SET status = 'COMPLETED'");
    assertDenied("cdr_anonymiser", "DELETE FROM invoice_line");
    assertDenied(
        "cdr_anonymiser",
        "INSERT INTO invoice_line (line_id, event_date) VALUES"
            + " (gen_random_uuid(), DATE '2026-01-01')");
    assertDenied("cdr_anonymiser", "UPDATE invoice SET status = 'PAID'");
    assertDenied("cdr_anonymiser", "SELECT * FROM subscription");
  }

  /**
   * The half-month partitions are changed only through the two functions of migration V7, which run
   * as the owner of the tables: the anonymiser may write a half month anew, the streaming job and
   * the anonymiser may add partitions, and nobody else may do either or change the tables.
   */
  @Test
  void partitionsChangeOnlyThroughTheirFunctions() throws SQLException {
    String run = "'00000000-0000-0000-0000-0000000000a1'";
    String rewrite =
        "SELECT * FROM cdrflow_anonymise_half_month(DATE '2026-03-01', "
            + run
            + ", TIMESTAMPTZ '2026-06-01 00:00+02', ARRAY['PAID'])";
    String add = "SELECT cdrflow_add_half_month_partitions(current_date, current_date + 31)";
    // Only within a recorded run that is still running, with that run's cutoff.
    SQLException outsideARun = runAs("cdr_anonymiser", rewrite);
    assertEquals("P0001", outsideARun == null ? null : outsideARun.getSQLState());
    assertTrue(outsideARun.getMessage().contains("no running anonymisation run"));
    assertAllowed(
        "cdr_anonymiser",
        "INSERT INTO anonymisation_run (run_id, as_of, cutoff, status) VALUES ("
            + run
            + ", DATE '2026-11-01', TIMESTAMPTZ '2026-06-01 00:00+02', 'RUNNING'); "
            + rewrite);
    assertAllowed("cdr_anonymiser", add);
    assertAllowed("cdr_mediation", add);
    assertDenied("cdr_mediation", rewrite);
    for (String role :
        List.of("cdr_billing", "cdr_finance", "cdr_reference_loader", "nobody_special")) {
      assertDenied(role, rewrite);
      assertDenied(role, add);
    }
    for (String role : List.of("cdr_anonymiser", "cdr_mediation")) {
      assertDenied(role, "ALTER TABLE invoice_line DETACH PARTITION invoice_line_2026_03_01");
      assertDenied(role, "DROP TABLE invoice_line_2026_03_01");
    }
  }

  @Test
  void referenceLoaderWritesReferenceDataOnly() throws SQLException {
    for (String table : ReferenceDataLoader.TABLES) {
      assertAllowed("cdr_reference_loader", "SELECT * FROM " + table);
    }
    assertAllowed("cdr_reference_loader", "UPDATE billing_period SET closed_at = closed_at");
    assertAllowed("cdr_reference_loader", "DELETE FROM sim_block WHERE false");
    for (String table : OUTPUTS) {
      assertDenied("cdr_reference_loader", "SELECT * FROM " + table);
    }
    assertDenied("cdr_reference_loader", "UPDATE reference_version SET version = 0");
  }

  @Test
  void onlyMediationAndTheAnonymiserReadRejectedRecords() throws SQLException {
    for (String role :
        List.of("cdr_billing", "cdr_finance", "cdr_reference_loader", "nobody_special")) {
      assertDenied(role, "SELECT * FROM rejected_cdr");
    }
    assertAllowed("cdr_mediation", "SELECT * FROM rejected_cdr");
    assertAllowed("cdr_anonymiser", "SELECT * FROM rejected_cdr");
    // And PUBLIC gets nothing anywhere.
    for (String table : OUTPUTS) {
      assertDenied("nobody_special", "SELECT * FROM " + table);
    }
    for (String table : ReferenceDataLoader.TABLES) {
      assertDenied("nobody_special", "SELECT * FROM " + table);
    }
  }

  /** Runs {@code sql} as {@code role}, rolled back afterwards. */
  private static void assertAllowed(String role, String sql) throws SQLException {
    SQLException e = runAs(role, sql);
    if (e != null) {
      fail(role + " should be allowed: " + sql + " but got " + e.getMessage());
    }
  }

  private static void assertDenied(String role, String sql) throws SQLException {
    SQLException e = runAs(role, sql);
    if (e == null) {
      fail(role + " should be denied: " + sql);
    }
    assertEquals("42501", e.getSQLState(), role + ": " + sql + ": " + e.getMessage());
    assertTrue(
        e.getMessage().contains("permission denied") || e.getMessage().contains("must be owner"),
        e.getMessage());
  }

  private static SQLException runAs(String role, String sql) throws SQLException {
    try (Connection c = db.connect()) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SET ROLE " + role);
        st.execute(sql);
        return null;
      } catch (SQLException e) {
        return e;
      } finally {
        c.rollback();
      }
    }
  }
}
