package org.cdrflow.fraud;

/**
 * What detection needs to know of one rated event (docs/fraud.md): no numbers, only a hash of the
 * other party's number for counting distinct destinations.
 */
public record ObservedUsage(
    long eventTime,
    int osloDay,
    Service service,
    boolean outgoing,
    int seconds,
    long amountOre,
    int counterpartHash,
    boolean highRiskDestination,
    boolean premium,
    boolean roaming,
    boolean blockedSim) {

  /** The service of the event, as rating names it. */
  public enum Service {
    VOICE,
    SMS,
    DATA
  }

  boolean outgoingVoice() {
    return outgoing && service == Service.VOICE;
  }

  /** Marks the event carries for the sliding-window rules; 0 = none of them cares. */
  byte marks() {
    int m = 0;
    if (outgoingVoice()) {
      m |= SubscriptionActivity.OUTGOING_VOICE;
      if (highRiskDestination) {
        m |= SubscriptionActivity.HIGH_RISK;
      }
    }
    if (outgoing && premium && service != Service.DATA) {
      m |= SubscriptionActivity.PREMIUM;
    }
    if (roaming) {
      m |= SubscriptionActivity.ROAMING;
    }
    if (blockedSim) {
      m |= SubscriptionActivity.BLOCKED;
    }
    return (byte) m;
  }
}
