package org.cdrflow.reference;

import java.time.ZoneId;

/**
 * The one time zone of the product: billing periods, event dates, presence days, settlement days
 * and the anonymisation cutoff are Europe/Oslo calendar months and days. Instants stay UTC.
 */
public final class OsloCalendar {
  public static final ZoneId ZONE = ZoneId.of("Europe/Oslo");

  private OsloCalendar() {}
}
