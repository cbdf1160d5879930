package org.cdrflow.connectors.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.util.InstantiationUtil;
import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.junit.jupiter.api.Test;

/**
 * A password that the environment holds is read where a connection is opened (a TaskManager), and
 * is never in the serialised sinks that Flink ships in the job graph and keeps in its HA storage
 * (docs/decisions.md, known limitation 1). The variable used here is one every test process has, so
 * that its value is known to the test without setting one.
 */
class PasswordFromEnvironmentTest {
  private static final String VARIABLE = "PATH";

  private final String secret = System.getenv(VARIABLE);
  private final JdbcSettings jdbc =
      JdbcSettings.passwordFromEnvironment("jdbc:postgresql://127.0.0.1:1/db", "u", VARIABLE);

  @Test
  void thePasswordIsReadFromTheEnvironmentOnUse() {
    assertNotNull(secret);
    assertEquals(secret, jdbc.password());
    assertEquals(secret, UpsertSink.connectionOptions(jdbc).getPassword().orElseThrow());
  }

  @Test
  void theSinksCarryTheVariableNotItsValue() throws Exception {
    UpsertTable table = new UpsertTable("t", List.of("k", "v"), 1, List.of(), "t.v is not null");
    CopyRowEncoder<String> encoder = (s, row) -> row.text(s).text(s);
    for (Object shipped :
        List.of(
            jdbc,
            new ReconnectingConnectionProvider(jdbc),
            CopyUpsertSink.create(table, encoder, jdbc, 10, 100),
            UpsertSink.<String>create("insert into t values (?)", (ps, s) -> {}, jdbc, 10, 100))) {
      String bytes =
          new String(InstantiationUtil.serializeObject(shipped), StandardCharsets.ISO_8859_1);
      assertFalse(bytes.contains(secret), shipped.getClass().getSimpleName() + " holds the value");
      assertTrue(bytes.contains(VARIABLE), shipped.getClass().getSimpleName());
    }
  }

  @Test
  void aPasswordGivenInTheConfigurationIsUsedAsItIs() {
    JdbcSettings given = new JdbcSettings("jdbc:postgresql://127.0.0.1:1/db", "u", "pw");
    assertEquals("pw", given.password());
    assertEquals("pw", UpsertSink.connectionOptions(given).getPassword().orElseThrow());
  }
}
