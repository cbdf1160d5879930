package org.cdrflow.reference;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.YearMonth;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;

/**
 * Reads the whole reference data from PostgreSQL into one {@link ReferenceData} snapshot, in one
 * repeatable-read transaction so that a snapshot never mixes two versions of the tables.
 */
public final class ReferenceSnapshotReader {
  private final JdbcSettings jdbc;

  public ReferenceSnapshotReader(JdbcSettings jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * What changes whenever the snapshot would: the reference tables' version and the cutoff of the
   * latest anonymisation run.
   */
  public record Marker(long version, Instant cutoff) {}

  public Marker marker() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      return marker(s);
    }
  }

  public ReferenceData read() throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      try (Statement s = c.createStatement()) {
        s.setFetchSize(10_000);
        ReferenceData.Builder b = ReferenceData.builder();
        Marker m = marker(s);
        b.version(m.version()).anonymisationCutoff(m.cutoff());
        try (ResultSet r =
            s.executeQuery(
                "select subscription_id, account_id, msisdn, imsi, plan_id, valid_from, valid_to"
                    + " from subscription")) {
          while (r.next()) {
            b.subscription(
                new Subscription(
                    r.getString(1),
                    r.getString(2),
                    r.getString(3),
                    r.getString(4),
                    r.getString(5),
                    instant(r, 6),
                    instant(r, 7)));
          }
        }
        try (ResultSet r = s.executeQuery("select msisdn, blocked_at from sim_block")) {
          while (r.next()) {
            b.simBlock(new SimBlock(r.getString(1), instant(r, 2)));
          }
        }
        try (ResultSet r =
            s.executeQuery(
                "select plan_id, name, voice_minutes, sms_count, data_mb, eu_data_limit_mb,"
                    + " data_overage, data_overage_cap, valid_from, valid_to from price_plan")) {
          while (r.next()) {
            String overage = r.getString(7);
            b.plan(
                new PricePlan(
                    r.getString(1),
                    r.getString(2),
                    (Integer) r.getObject(3),
                    (Integer) r.getObject(4),
                    (Integer) r.getObject(5),
                    (Integer) r.getObject(6),
                    overage == null ? DataOverage.THROTTLE : DataOverage.valueOf(overage),
                    r.getBigDecimal(8),
                    instant(r, 9),
                    instant(r, 10)));
          }
        }
        try (ResultSet r =
            s.executeQuery(
                "select plan_id, service, zone, connect_fee, price, first_interval, next_interval,"
                    + " valid_from, valid_to from rate")) {
          while (r.next()) {
            b.rate(
                new Rate(
                    r.getString(1),
                    Service.valueOf(r.getString(2)),
                    r.getString(3),
                    r.getBigDecimal(4),
                    r.getBigDecimal(5),
                    (Integer) r.getObject(6),
                    (Integer) r.getObject(7),
                    instant(r, 8),
                    instant(r, 9)));
          }
        }
        try (ResultSet r =
            s.executeQuery(
                "select prefix, description, connect_fee, price_per_minute, price_per_sms"
                    + " from special_number")) {
          while (r.next()) {
            b.specialNumber(
                new SpecialNumber(
                    r.getString(1),
                    r.getString(2),
                    r.getBigDecimal(3),
                    r.getBigDecimal(4),
                    r.getBigDecimal(5)));
          }
        }
        try (ResultSet r =
            s.executeQuery("select country, zone, nordic_baltic from country_zone")) {
          while (r.next()) {
            b.countryZone(new CountryZone(r.getString(1), r.getString(2), r.getBoolean(3)));
          }
        }
        try (ResultSet r = s.executeQuery("select prefix, operator_id from number_range")) {
          while (r.next()) {
            b.numberRange(r.getString(1), r.getString(2));
          }
        }
        try (ResultSet r =
            s.executeQuery("select msisdn, operator_id, valid_from from ported_number")) {
          while (r.next()) {
            b.portedNumber(new PortedNumber(r.getString(1), r.getString(2), instant(r, 3)));
          }
        }
        try (ResultSet r = s.executeQuery("select partner_id, name, operator_id from partner")) {
          while (r.next()) {
            b.partner(new Partner(r.getString(1), r.getString(2), r.getString(3)));
          }
        }
        try (ResultSet r = s.executeQuery("select trunk_id, partner_id from trunk")) {
          while (r.next()) {
            b.trunk(r.getString(1), r.getString(2));
          }
        }
        try (ResultSet r = s.executeQuery("select country, partner_id from transit_route")) {
          while (r.next()) {
            b.transitRoute(r.getString(1), r.getString(2));
          }
        }
        try (ResultSet r =
            s.executeQuery(
                "select partner_id, direction, product, price, unit, currency, valid_from"
                    + " from interconnect_rate")) {
          while (r.next()) {
            b.interconnectRate(
                new InterconnectRate(
                    r.getString(1),
                    r.getString(2),
                    r.getString(3),
                    r.getBigDecimal(4),
                    r.getString(5),
                    r.getString(6),
                    instant(r, 7)));
          }
        }
        try (ResultSet r = s.executeQuery("select period, closed_at from billing_period")) {
          while (r.next()) {
            b.billingPeriod(YearMonth.parse(r.getString(1)), instant(r, 2));
          }
        }
        try (ResultSet r =
            s.executeQuery(
                "select rule_id, valid_from, kind, severity, enabled, plan_id, window_minutes,"
                    + " min_calls, min_minutes, min_amount, min_distinct, short_call_seconds,"
                    + " short_share, max_incoming, spike_factor, baseline_amount from fraud_rule")) {
          while (r.next()) {
            b.fraudRule(
                FraudRule.of(
                    r.getString(1),
                    instant(r, 2),
                    FraudRuleKind.valueOf(r.getString(3)),
                    r.getString(4),
                    r.getBoolean(5),
                    r.getString(6),
                    (Integer) r.getObject(7),
                    (Integer) r.getObject(8),
                    r.getBigDecimal(9),
                    r.getBigDecimal(10),
                    (Integer) r.getObject(11),
                    (Integer) r.getObject(12),
                    r.getBigDecimal(13),
                    (Integer) r.getObject(14),
                    r.getBigDecimal(15),
                    r.getBigDecimal(16)));
          }
        }
        try (ResultSet r = s.executeQuery("select prefix, reason from high_risk_destination")) {
          while (r.next()) {
            b.highRiskDestination(r.getString(1), r.getString(2));
          }
        }
        c.commit();
        return b.build();
      }
    }
  }

  private static Marker marker(Statement s) throws SQLException {
    long version = 0;
    try (ResultSet r = s.executeQuery("select version from reference_version")) {
      if (r.next()) {
        version = r.getLong(1);
      }
    }
    // A run's cutoff applies from the moment it starts, whether it is still running or failed
    // half-way: an old record let in meanwhile would re-create what the run already anonymised.
    Instant cutoff = null;
    try (ResultSet r =
        s.executeQuery("select max(cutoff) from anonymisation_run where not dry_run")) {
      if (r.next()) {
        cutoff = instant(r, 1);
      }
    }
    return new Marker(version, cutoff);
  }

  /**
   * Where the monthly anonymisation stands, for the job's metrics (docs/operations.md, "The job's
   * metrics"): the latest completed run (not a dry run) and the one running now, if any.
   */
  public record AnonymisationStatus(
      Instant lastCompletedAsOf, Instant lastCompletedAt, boolean running, long runningLines) {}

  public AnonymisationStatus anonymisationStatus() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "select (select max(as_of)::timestamp at time zone 'Europe/Oslo' from"
                    + " anonymisation_run where status = 'COMPLETED' and not dry_run),"
                    + " (select max(finished_at) from anonymisation_run"
                    + " where status = 'COMPLETED' and not dry_run),"
                    + " (select max(lines_anonymised) from anonymisation_run"
                    + " where status = 'RUNNING' and not dry_run),"
                    + " exists (select 1 from anonymisation_run"
                    + " where status = 'RUNNING' and not dry_run)")) {
      r.next();
      return new AnonymisationStatus(instant(r, 1), instant(r, 2), r.getBoolean(4), r.getLong(3));
    }
  }

  private Connection connect() throws SQLException {
    return jdbc.connect();
  }

  private static Instant instant(ResultSet r, int column) throws SQLException {
    Timestamp t = r.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
