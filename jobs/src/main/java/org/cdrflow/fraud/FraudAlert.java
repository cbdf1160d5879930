package org.cdrflow.fraud;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One alert as detection raises it: a row of {@code fraud_alert} and a message on {@code
 * cdr.fraud-alerts} (docs/fraud.md, "Alerts"). The id is derived from the rule, the subscription
 * and the window start, so a replay raises the same alert again and the sink keeps one. A Flink
 * POJO; it holds ids, never numbers.
 */
public class FraudAlert {
  public String alertId;
  public String ruleId;

  /** valid_from of the rule version that raised it, epoch milliseconds. */
  public long ruleVersion;

  public String kind;
  public String severity;
  public String subscriptionId;
  public String accountId;
  public long windowStart;
  public long windowEnd;
  public int eventCount;
  public long seconds;
  public long amountOre;
  public int distinctDestinations;
  public long firstEvent;
  public long lastEvent;

  /** Processing time when the job raised it. */
  public long raisedAt;

  public FraudAlert() {}

  public static String idOf(String ruleId, String subscriptionId, long windowStart) {
    return UUID.nameUUIDFromBytes(
            ("fraud-alert|" + ruleId + '|' + subscriptionId + '|' + windowStart)
                .getBytes(StandardCharsets.UTF_8))
        .toString();
  }
}
