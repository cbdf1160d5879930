package org.cdrflow.rating;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.cdrflow.schema.NotificationKind;
import org.cdrflow.schema.UsageNotification;

/**
 * A usage notification for the customer (docs/rating.md, "Notifications"), sent once per
 * subscription, usage period and kind (and visited country for ROAMING_ENTER). Its id is derived
 * from exactly that, so a replay publishes the same id and consumers deduplicate on it.
 *
 * <p>A Flink POJO: public fields and a no-argument constructor.
 */
public class UsageNotice {
  public String notificationId;
  public String subscriptionId;

  /** Where the SMS goes, E.164. */
  public String msisdn;

  public NotificationKind kind;

  /** Usage period of the triggering event, {@code YYYY-MM}. */
  public String billingPeriod;

  /** Visited country for ROAMING_ENTER; null otherwise. */
  public String country;

  /** Event time of the triggering event, epoch milliseconds UTC. */
  public long eventTime;

  public UsageNotice() {}

  static UsageNotice of(
      String subscriptionId,
      String msisdn,
      NotificationKind kind,
      String period,
      String country,
      long eventTime) {
    UsageNotice n = new UsageNotice();
    n.notificationId = idOf(subscriptionId, period, kind, country);
    n.subscriptionId = subscriptionId;
    n.msisdn = msisdn;
    n.kind = kind;
    n.billingPeriod = period;
    n.country = country;
    n.eventTime = eventTime;
    return n;
  }

  /** UUID (name based) of {@code subscription|period|kind|country}, country empty when null. */
  public static String idOf(
      String subscriptionId, String period, NotificationKind kind, String country) {
    String name =
        subscriptionId + '|' + period + '|' + kind.name() + '|' + (country == null ? "" : country);
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** The message for topic {@code cdr.notifications}. */
  public UsageNotification toAvro() {
    return new UsageNotification(
        notificationId,
        subscriptionId,
        msisdn,
        kind,
        billingPeriod,
        country,
        Instant.ofEpochMilli(eventTime));
  }

  @Override
  public String toString() {
    // No msisdn: notices end up in test output and logs.
    return "UsageNotice{"
        + kind
        + ' '
        + billingPeriod
        + (country == null ? "" : ' ' + country)
        + '}';
  }
}
