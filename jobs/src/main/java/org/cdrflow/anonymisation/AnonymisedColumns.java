package org.cdrflow.anonymisation;

import java.util.List;

/**
 * What "anonymised" means, column by column (docs/anonymisation.md, "What is kept"). Everything not
 * listed here is kept: dates, periods, service, direction, countries and classes, zone, units,
 * amounts and flags, so that billing and finance figures still add up after anonymisation.
 */
public final class AnonymisedColumns {
  private AnonymisedColumns() {}

  /**
   * Set to NULL on an anonymised invoice line: who (numbers, IMSI, account, subscription), the
   * network's own references to the call, and the exact start time (event_date stays).
   */
  public static final List<String> INVOICE_LINE_CLEARED =
      List.of(
          "msisdn",
          "imsi",
          "counterpart_number",
          "account_id",
          "subscription_id",
          "network_element",
          "call_reference",
          "event_start");

  /**
   * Truncated to the start of its day in Europe/Oslo on an anonymised invoice line: when streaming
   * live, the time a line was written is within seconds of the event, so keeping it exact would
   * keep the exact time the rule removes.
   */
  public static final String INVOICE_LINE_DAY_ONLY = "created_at";

  /** Set to NULL on the settlement rows of an anonymised line: the numbers and the link to it. */
  public static final List<String> SETTLEMENT_CALL_CLEARED =
      List.of("a_number", "b_number", "line_id");

  /** Set to NULL on an old reject: the original record, which holds every number. */
  public static final List<String> REJECTED_CDR_CLEARED = List.of("payload");
}
