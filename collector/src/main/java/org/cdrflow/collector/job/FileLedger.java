package org.cdrflow.collector.job;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Collection;
import java.util.UUID;
import org.cdrflow.collector.ber.ChargingFile;
import org.cdrflow.collector.ber.CollectedFile;

/**
 * The {@code collected_file} table: which files were collected, held or seen twice
 * (docs/formats.md, "What is rejected, and what is held"). Plain JDBC, no Flink; one instance per
 * connection, not thread-safe.
 */
public final class FileLedger {

  /** What to do with a file. */
  public enum Decision {
    /** New content (or content whose sending was never confirmed): send its records. */
    SEND,
    /** Content collected before: a second delivery, nothing to send. */
    DUPLICATE,
    /** Ends inside a record: held until delivered whole or released. */
    HELD
  }

  private final Connection connection;

  public FileLedger(Connection connection) {
    this.connection = connection;
  }

  /**
   * Records a file and decides. A complete file is recorded COLLECTING (its records are sent by the
   * caller, then {@link #confirm} marks it COLLECTED), an incomplete one INCOMPLETE. The rejected
   * records go to {@code rejected_cdr} as {@code UNDECODABLE}.
   */
  public Decision admit(CollectedFile f) throws SQLException {
    String status = statusOf(f.sha256());
    if (status != null && !status.equals("COLLECTING")) {
      return status.equals("INCOMPLETE") ? Decision.HELD : Decision.DUPLICATE;
    }
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      upsert(f, f.complete() ? "COLLECTING" : "INCOMPLETE");
      if (f.complete()) {
        rejections(f);
      }
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
    return f.complete() ? Decision.SEND : Decision.HELD;
  }

  /**
   * An incomplete file released by an operator: decoded with its cut-off record rejected; recorded
   * RELEASED (the caller sends its records).
   */
  public void release(CollectedFile f, String heldSha256) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      upsert(f, "RELEASED");
      rejections(f);
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /** Files whose records a checkpoint confirmed on the topic: COLLECTED. */
  public void confirm(Collection<String> sha256s) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "UPDATE collected_file SET status = 'COLLECTED', updated_at = now()"
                + " WHERE sha256 = ? AND status = 'COLLECTING'")) {
      for (String h : sha256s) {
        s.setString(1, h);
        s.addBatch();
      }
      s.executeBatch();
    }
    // An incomplete delivery of a file now collected whole is done with.
    try (PreparedStatement s =
        connection.prepareStatement(
            "UPDATE collected_file i SET status = 'SUPERSEDED', updated_at = now()"
                + " FROM collected_file c WHERE c.sha256 = ? AND c.status = 'COLLECTED'"
                + " AND i.name = c.name AND i.status = 'INCOMPLETE'")) {
      for (String h : sha256s) {
        s.setString(1, h);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** The status of the file with this content, or null. */
  public String statusOf(String sha256) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement("SELECT status FROM collected_file WHERE sha256 = ?")) {
      s.setString(1, sha256);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  /** The SHA-256 of the INCOMPLETE row of a file name, or null. */
  public String heldByName(String name) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "SELECT sha256 FROM collected_file WHERE name = ? AND status = 'INCOMPLETE'"
                + " ORDER BY first_seen DESC LIMIT 1")) {
      s.setString(1, name);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  private void upsert(CollectedFile f, String status) throws SQLException {
    try (PreparedStatement s =
        connection.prepareStatement(
            "INSERT INTO collected_file (sha256, name, size, records, records_rejected, status,"
                + " first_event_time, last_event_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (sha256) DO UPDATE SET records = excluded.records,"
                + " records_rejected = excluded.records_rejected, status = excluded.status,"
                + " first_event_time = excluded.first_event_time,"
                + " last_event_time = excluded.last_event_time, updated_at = now()")) {
      s.setString(1, f.sha256());
      s.setString(2, f.name());
      s.setLong(3, f.size());
      s.setInt(4, f.records());
      s.setInt(5, f.rejections().size());
      s.setString(6, status);
      s.setTimestamp(7, f.firstEventTime() == null ? null : Timestamp.from(f.firstEventTime()));
      s.setTimestamp(8, f.lastEventTime() == null ? null : Timestamp.from(f.lastEventTime()));
      s.executeUpdate();
    }
  }

  /** Rejected records: no payload (the bytes stay in the file), position in {@code detail}. */
  private void rejections(CollectedFile f) throws SQLException {
    if (f.rejections().isEmpty()) {
      return;
    }
    try (PreparedStatement s =
        connection.prepareStatement(
            "INSERT INTO rejected_cdr (reject_id, reason, detail, first_seen)"
                + " VALUES (?, 'UNDECODABLE', ?, now()) ON CONFLICT (reject_id) DO NOTHING")) {
      for (ChargingFile.Rejection r : f.rejections()) {
        s.setObject(1, rejectId(f.sha256(), r.index()));
        s.setString(2, detail(f.name(), r));
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  /** A rejected record's id: derived from the file's content and the record's index. */
  public static UUID rejectId(String sha256, int index) {
    return UUID.nameUUIDFromBytes(
        ("collected|" + sha256 + "|" + index).getBytes(StandardCharsets.UTF_8));
  }

  /** {@code rejected_cdr.detail} of a rejected record: where it is and why, never its bytes. */
  public static String detail(String fileName, ChargingFile.Rejection r) {
    return "file "
        + fileName
        + " record "
        + r.index()
        + " at byte "
        + r.offset()
        + " ("
        + r.length()
        + " bytes): "
        + r.reason();
  }
}
