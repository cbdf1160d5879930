package org.cdrflow.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.cdrflow.connectors.db.DatabaseSchema;
import org.cdrflow.pipeline.LatestValueEmitter;
import org.cdrflow.pipeline.StateLineage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When a state lineage counts as checkpointed (docs/reliability.md, "A start without state"): a run
 * killed after the aggregate operator snapshotted its state but before that checkpoint completed
 * leaves nothing to restore, so its rerun starts without state and must take the lineage over
 * instead of refusing; once a checkpoint carrying the lineage has completed, a start without state
 * refuses and a restore goes on. The aggregate operator runs in Flink's test harness, the lineage
 * in a real PostgreSQL.
 */
class StateLineageCheckpointIT {
  private static EmbeddedPostgres postgres;
  private static JdbcSettings jdbc;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
    String url = postgres.getJdbcUrl("postgres", "postgres");
    DatabaseSchema.migrate(url, "postgres", "postgres");
    jdbc = new JdbcSettings(url, "postgres", "postgres");
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @BeforeEach
  void emptyTables() throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("truncate settlement_daily, mediation_audit, state_lineage");
    }
  }

  @Test
  void aRunKilledBeforeItsFirstCheckpointCompletedIsTakenOverByItsRerun() throws Exception {
    String first;
    try (var run = harness()) {
      run.open();
      first = lineageOf(run);
      writeRow(first); // the sink wrote an aggregate row of the lineage
      run.snapshot(1, 1);
      // Killed here: checkpoint 1 never completes, so there is nothing to restore.
    }
    try (var rerun = harness()) {
      rerun.open(); // starts without state: no refusal
      assertEquals(first, lineageOf(rerun), "the rerun takes the lineage over");
      assertEquals(1, count("select count(*) from state_lineage"));
    }
    assertFalse(checkpointed(first), "a snapshot alone does not make the lineage checkpointed");
  }

  @Test
  void onceACheckpointCompletedAStartWithoutStateRefusesAndARestoreGoesOn() throws Exception {
    OperatorSubtaskState completed;
    String first;
    try (var run = harness()) {
      run.open();
      first = lineageOf(run);
      writeRow(first);
      completed = run.snapshot(1, 1);
      run.notifyOfCompletedCheckpoint(1);
    }
    assertTrue(checkpointed(first), "a completed checkpoint carries the lineage");

    try (var withoutState = harness()) {
      IllegalStateException refused = assertThrows(IllegalStateException.class, withoutState::open);
      assertTrue(
          refused.getMessage().startsWith("refusing to start without state"), refused.getMessage());
    }

    try (var restored = harness()) {
      restored.initializeState(completed);
      restored.open();
      assertEquals(first, lineageOf(restored), "a restore goes on in the lineage");
    }
    assertEquals(1, count("select count(*) from state_lineage"));
  }

  @Test
  void aRestoreMarksTheLineageWhenTheCompletionNotificationWasLost() throws Exception {
    OperatorSubtaskState completed;
    String first;
    try (var run = harness()) {
      run.open();
      first = lineageOf(run);
      writeRow(first);
      completed = run.snapshot(1, 1);
      // Killed after checkpoint 1 completed, before its notification reached the operator.
    }
    assertFalse(checkpointed(first));

    try (var restored = harness()) {
      restored.initializeState(completed);
      restored.open();
    }
    assertTrue(checkpointed(first), "a restore proves that a checkpoint of the lineage completed");
  }

  /** Counts calls per key, as the aggregate operators of the job do. */
  private static final class CallCount extends LatestValueEmitter<Long, Long, Long, String> {
    private static final long serialVersionUID = 1L;

    CallCount(StateLineage lineage) {
      super(60_000, 3_600_000, Types.LONG, lineage);
    }

    @Override
    protected Long add(Long accOrNull, Long in) {
      return (accOrNull == null ? 0 : accOrNull) + 1;
    }

    @Override
    protected String snapshot(Long acc, String lineageId) {
      return lineageId + ":" + acc;
    }

    @Override
    protected boolean isFinal(Long acc, long watermark, long now) {
      return false;
    }
  }

  private static KeyedOneInputStreamOperatorTestHarness<Long, Long, String> harness()
      throws Exception {
    return new KeyedOneInputStreamOperatorTestHarness<>(
        new KeyedProcessOperator<>(new CallCount(new StateLineage(jdbc, false))),
        k -> k,
        Types.LONG);
  }

  /** The lineage the operator writes its rows with (seen through the row it writes at the end). */
  private static String lineageOf(KeyedOneInputStreamOperatorTestHarness<Long, Long, String> h)
      throws Exception {
    h.processWatermark(Long.MAX_VALUE);
    h.processElement(0L, Long.MAX_VALUE);
    String row = h.extractOutputValues().get(h.extractOutputValues().size() - 1);
    return row.substring(0, row.indexOf(':'));
  }

  private static void writeRow(String lineageId) throws Exception {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "insert into settlement_daily (partner_id, direction, product, currency, day,"
                    + " events, seconds, amount, lineage_id) values ('P1', 'OUT', 'VOICE', 'NOK',"
                    + " date '2026-12-07', 1, 60, 1.5, ?::uuid) on conflict do nothing")) {
      s.setString(1, lineageId);
      s.executeUpdate();
    }
  }

  private static boolean checkpointed(String lineageId) throws Exception {
    return count(
            "select count(*) from state_lineage where checkpointed_at is not null"
                + " and lineage_id = '"
                + lineageId
                + "'::uuid")
        == 1;
  }

  private static long count(String sql) throws Exception {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static Connection connect() throws Exception {
    return jdbc.connect();
  }
}
