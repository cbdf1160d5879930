package org.cdrflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cdrflow.connectors.config.CdrflowConfig.JdbcSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SubscriberExportTest {
  private final SubscriberExport export =
      new SubscriberExport(new JdbcSettings("jdbc:postgresql://unused/db", "u", null));

  @ParameterizedTest
  @ValueSource(strings = {"+4791000101", "004791000101", "4791000101", "91000101", "910 00 101"})
  void anyCommonFormOfTheNumberFindsTheStoredOne(String raw) {
    assertEquals("+4791000101", export.normalise(raw));
  }

  @ParameterizedTest
  @ValueSource(strings = {"9100O101", "", "1234567890123456789"})
  void aValueThatIsNotANumberIsRefusedWithoutRepeatingIt(String raw) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> export.normalise(raw));
    if (!raw.isEmpty()) {
      assertFalse(e.getMessage().contains(raw), e.getMessage());
    }
  }
}
