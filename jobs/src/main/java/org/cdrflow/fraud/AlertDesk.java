package org.cdrflow.fraud;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/**
 * What the analyst does with alerts (docs/fraud.md, "Working an alert"): list, show the evidence
 * with the calls behind it, block the SIM (a {@code sim_block} row at the database's now, so rating
 * marks later usage BLOCKED_SIM), dismiss with a reason. Every change is one transaction and
 * applies only to an OPEN alert. Output names subscriptions by id; numbers are shown masked.
 */
public final class AlertDesk {
  private final Connection connection;
  private final PrintStream out;

  public AlertDesk(Connection connection, PrintStream out) {
    this.connection = connection;
    this.out = out;
  }

  /** Prints alerts, newest first; {@code status} null = all. Returns how many. */
  public int list(String status) throws SQLException {
    String sql =
        "select alert_id, raised_at, kind, severity, rule_id, rule_version, subscription_id,"
            + " window_start, window_end, event_count, minutes, amount, distinct_destinations,"
            + " status from fraud_alert"
            + (status == null ? "" : " where status = ?")
            + " order by raised_at desc, alert_id";
    int n = 0;
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      if (status != null) {
        ps.setString(1, status);
      }
      try (ResultSet r = ps.executeQuery()) {
        out.printf(
            "%-36s  %-20s  %-21s  %-6s  %-14s  %-12s  %-20s  %6s  %8s  %10s  %5s  %s%n",
            "alert_id",
            "raised_at",
            "kind",
            "sev",
            "rule",
            "subscription",
            "window_start",
            "events",
            "minutes",
            "amount",
            "dest",
            "status");
        while (r.next()) {
          n++;
          out.printf(
              "%-36s  %-20s  %-21s  %-6s  %-14s  %-12s  %-20s  %6d  %8s  %10s  %5d  %s%n",
              r.getString(1),
              instant(r, 2),
              r.getString(3),
              r.getString(4),
              r.getString(5),
              r.getString(7) == null ? "(anonymised)" : r.getString(7),
              instant(r, 8),
              r.getInt(10),
              r.getBigDecimal(11).toPlainString(),
              r.getBigDecimal(12).toPlainString(),
              r.getInt(13),
              r.getString(14));
        }
      }
    }
    out.printf("%d alert(s)%n", n);
    return n;
  }

  /** Prints one alert's evidence and the usage of its window; false when there is no such alert. */
  public boolean show(String alertId) throws SQLException {
    String subscription;
    Timestamp first;
    Timestamp last;
    try (PreparedStatement ps =
        connection.prepareStatement(
            "select alert_id, kind, severity, rule_id, rule_version, subscription_id, account_id,"
                + " window_start, window_end, event_count, minutes, amount,"
                + " distinct_destinations, first_event, last_event, raised_at, status,"
                + " decided_by, decided_at, decision_reason from fraud_alert"
                + " where alert_id = ?::uuid")) {
      ps.setString(1, alertId);
      try (ResultSet r = ps.executeQuery()) {
        if (!r.next()) {
          return false;
        }
        out.printf("alert         %s%n", r.getString(1));
        out.printf("kind          %s (%s)%n", r.getString(2), r.getString(3));
        out.printf("rule          %s, version valid from %s%n", r.getString(4), instant(r, 5));
        out.printf("subscription  %s (account %s)%n", r.getString(6), r.getString(7));
        out.printf("window        %s .. %s%n", instant(r, 8), instant(r, 9));
        out.printf(
            "evidence      %d events, %s minutes, %s NOK, %d distinct destinations%n",
            r.getInt(10),
            r.getBigDecimal(11).toPlainString(),
            r.getBigDecimal(12).toPlainString(),
            r.getInt(13));
        out.printf("events        first %s, last %s%n", instant(r, 14), instant(r, 15));
        out.printf("raised        %s%n", instant(r, 16));
        out.printf("status        %s", r.getString(17));
        if (r.getString(18) != null) {
          out.printf(" by %s at %s", r.getString(18), instant(r, 19));
        }
        if (r.getString(20) != null) {
          out.printf(": %s", r.getString(20));
        }
        out.println();
        subscription = r.getString(6);
        first = r.getTimestamp(14);
        last = r.getTimestamp(15);
      }
    }
    if (subscription == null || first == null) {
      out.println("usage         (anonymised)");
      return true;
    }
    out.println();
    out.printf(
        "%-20s  %-5s  %-3s  %-16s  %-7s  %-11s  %6s  %9s  %s%n",
        "event_start", "svc", "dir", "counterpart", "country", "class", "secs", "amount", "flags");
    try (PreparedStatement ps =
        connection.prepareStatement(
            "select event_start, service, direction, counterpart_number, counterpart_country,"
                + " counterpart_class, duration_s, amount, flags from invoice_line"
                + " where subscription_id = ? and event_start between ? and ?"
                + " order by event_start, line_id")) {
      ps.setString(1, subscription);
      ps.setTimestamp(2, first);
      ps.setTimestamp(3, last);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          Object secs = r.getObject(7);
          out.printf(
              "%-20s  %-5s  %-3s  %-16s  %-7s  %-11s  %6s  %9s  %s%n",
              instant(r, 1),
              r.getString(2),
              r.getString(3),
              masked(r.getString(4)),
              nullToEmpty(r.getString(5)),
              nullToEmpty(r.getString(6)),
              secs == null ? "" : secs.toString(),
              r.getBigDecimal(8) == null ? "" : r.getBigDecimal(8).toPlainString(),
              String.join(",", (String[]) r.getArray(9).getArray()));
        }
      }
    }
    return true;
  }

  /**
   * Blocks the SIM of an OPEN alert's subscription: a {@code sim_block} row for the number the
   * subscription holds now, with blocked_at = now, and the alert BLOCKED. Returns the block
   * instant.
   */
  public String block(String alertId, String decidedBy) throws SQLException {
    boolean auto = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      String subscription = openAlertSubscription(alertId);
      String msisdn = null;
      try (PreparedStatement ps =
          connection.prepareStatement(
              "select msisdn from subscription where subscription_id = ?"
                  + " and valid_from <= now() and (valid_to is null or valid_to > now())")) {
        ps.setString(1, subscription);
        try (ResultSet r = ps.executeQuery()) {
          if (r.next()) {
            msisdn = r.getString(1);
          }
        }
      }
      if (msisdn == null) {
        throw new IllegalArgumentException(
            "subscription " + subscription + " holds no number now; nothing to block");
      }
      String blockedAt;
      try (PreparedStatement ps =
          connection.prepareStatement(
              "insert into sim_block (msisdn, blocked_at) values (?, date_trunc('milliseconds',"
                  + " now())) on conflict do nothing returning blocked_at")) {
        ps.setString(1, msisdn);
        try (ResultSet r = ps.executeQuery()) {
          blockedAt = r.next() ? r.getTimestamp(1).toInstant().toString() : "now";
        }
      }
      decide(alertId, "BLOCKED", decidedBy, null);
      connection.commit();
      return blockedAt;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(auto);
    }
  }

  /** Marks an OPEN alert DISMISSED with the analyst's reason. */
  public void dismiss(String alertId, String decidedBy, String reason) throws SQLException {
    boolean auto = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      openAlertSubscription(alertId);
      decide(alertId, "DISMISSED", decidedBy, reason);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(auto);
    }
  }

  private String openAlertSubscription(String alertId) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "select status, subscription_id from fraud_alert where alert_id = ?::uuid"
                + " for update")) {
      ps.setString(1, alertId);
      try (ResultSet r = ps.executeQuery()) {
        if (!r.next()) {
          throw new IllegalArgumentException("no alert " + alertId);
        }
        if (!"OPEN".equals(r.getString(1))) {
          throw new IllegalArgumentException(
              "alert " + alertId + " is " + r.getString(1) + ", not OPEN");
        }
        if (r.getString(2) == null) {
          throw new IllegalArgumentException("alert " + alertId + " is anonymised");
        }
        return r.getString(2);
      }
    }
  }

  private void decide(String alertId, String status, String decidedBy, String reason)
      throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "update fraud_alert set status = ?, decided_by = ?, decided_at = now(),"
                + " decision_reason = ? where alert_id = ?::uuid")) {
      ps.setString(1, status);
      ps.setString(2, decidedBy);
      ps.setString(3, reason);
      ps.setString(4, alertId);
      ps.executeUpdate();
    }
  }

  /** A number with its last four digits hidden: enough to see the range, not the line. */
  static String masked(String number) {
    if (number == null) {
      return "";
    }
    if (number.length() <= 4) {
      return "****".substring(0, number.length());
    }
    return number.substring(0, number.length() - 4) + "****";
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static String instant(ResultSet r, int column) throws SQLException {
    Timestamp t = r.getTimestamp(column);
    return t == null ? "" : t.toInstant().toString();
  }

  /** The statuses an alert can have, for option validation. */
  public static List<String> statuses() {
    return new ArrayList<>(List.of("OPEN", "DISMISSED", "BLOCKED"));
  }
}
