package org.cdrflow.fraud;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Topic cdr.fraud-alerts: keyed by alert id, Avro single-object encoded, money as text. */
class FraudAlertOutputsTest {
  @Test
  void anAlertOnTheTopic() throws Exception {
    FraudAlert a = new FraudAlert();
    a.alertId = FraudAlert.idOf("IRSF", "SUB-1", 1_000L);
    a.ruleId = "IRSF";
    a.ruleVersion = 5L;
    a.kind = "HIGH_RISK_DESTINATION";
    a.severity = "HIGH";
    a.subscriptionId = "SUB-1";
    a.windowStart = 1_000L;
    a.windowEnd = 3_601_000L;
    a.eventCount = 3;
    a.seconds = 95;
    a.amountOre = 12_345;
    a.distinctDestinations = 2;
    a.firstEvent = 1_000L;
    a.lastEvent = 2_000L;
    a.raisedAt = 9_000L;
    ProducerRecord<byte[], byte[]> r =
        new FraudAlertOutputs.AlertSerializer("cdr.fraud-alerts").serialize(a, null, null);
    assertEquals(a.alertId, new String(r.key(), StandardCharsets.UTF_8));
    org.cdrflow.schema.codec.SchemaTrust.ensureRegistered();
    org.cdrflow.schema.FraudAlert decoded =
        org.cdrflow.schema.FraudAlert.getDecoder().decode(r.value());
    assertEquals("123.45", decoded.getAmount());
    assertEquals(Instant.ofEpochMilli(5L), decoded.getRuleVersion());
    assertEquals(null, decoded.getAccountId());
    assertEquals(new java.math.BigDecimal("1.6"), FraudAlertOutputs.minutes(95));
  }
}
