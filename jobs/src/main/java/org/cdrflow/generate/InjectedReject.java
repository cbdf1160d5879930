package org.cdrflow.generate;

/**
 * One record the generator made to be rejected, so that a test can find it among the rejects.
 *
 * @param networkElement the record's element
 * @param callReference the record's call reference; a truncated line still contains it
 * @param kind what is wrong with it, or null for a record of an unknown subscriber
 * @param rejectReason the reason mediation gives it
 */
public record InjectedReject(
    String networkElement, String callReference, MalformedKind kind, String rejectReason) {

  public static final String UNKNOWN_SUBSCRIBER = "UNKNOWN_SUBSCRIBER";
}
