package org.cdrflow.rating;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One itemised invoice line as rating fills it: the columns of table {@code invoice_line} except
 * the bookkeeping ones (created_at, updated_at, anonymised_at, anonymisation_run_id) that the sink
 * and the anonymisation job set. Column meanings: docs/rating.md, "Invoice line".
 *
 * <p>A Flink POJO: public fields and a no-argument constructor.
 */
public class InvoiceLine {
  /** UUID derived from networkElement, callReference and recordType (upsert key). */
  public String lineId;

  public String networkElement;
  public String callReference;
  public String accountId;
  public String subscriptionId;

  /** The served subscriber, E.164. */
  public String msisdn;

  public String imsi;

  /** Period the line is invoiced in, {@code YYYY-MM}; later than usagePeriod when LATE. */
  public String billingPeriod;

  /** Europe/Oslo calendar month of the event, {@code YYYY-MM}; its allowances were drawn. */
  public String usagePeriod;

  /** Event time, epoch milliseconds UTC. */
  public long eventStart;

  /** Europe/Oslo date of the event as an epoch day (days since 1970-01-01); see eventLocalDate. */
  public int eventDate;

  /** {@code VOICE}, {@code SMS} or {@code DATA}. */
  public String service;

  /** {@code MO}, {@code MT} or {@code FWD}. */
  public String direction;

  /** Other party as E.164 or dialled digits (short and emergency numbers); null for DATA. */
  public String counterpartNumber;

  public String counterpartCountry;

  /** Name of the counterpart's number class ({@code MOBILE}, {@code SHORT}, ...), or null. */
  public String counterpartClass;

  /** Visited country (ISO alpha-2) when roaming; null at home and on maritime networks. */
  public String roamingCountry;

  public String ratingZone;

  /** Call duration in seconds; null for SMS and DATA. */
  public Integer durationS;

  /** Uplink + downlink bytes; null unless DATA. */
  public Long volumeBytes;

  /** Seconds, messages or kB the event bills. */
  public long billedUnits;

  /** Billed units covered by an allowance. */
  public long allowanceUnits;

  /** Billed units that are charged (neither covered, nor free, throttled or on a blocked SIM). */
  public long chargeableUnits;

  /** NOK, scale 2. */
  public BigDecimal amount;

  public String currency;

  /** Sorted names of {@link LineFlag}s; empty when none. */
  public String[] flags;

  // The inputs of the amount (docs/rating.md, "Invoice line"; `cdrflow explain`).

  /** The plan whose version priced the line. */
  public String planId;

  /** Valid_from of the rate version of the line's zone, epoch millis; null without a rate row. */
  public Long rateValidFrom;

  /** Price per minute, SMS or MB of the line's zone; null for a free line. */
  public BigDecimal unitPrice;

  /** Connect fee in the amount: zero when nothing is charged. */
  public BigDecimal connectFee;

  /** Fair-use surcharge before the line's rounding; null when the line carries none. */
  public BigDecimal fairUseSurcharge;

  /** Units left of the allowance the line draws, before and after it; null when it draws none. */
  public Long allowanceBefore;

  public Long allowanceAfter;

  /** The reference_version the tariff was resolved from. */
  public Long referenceVersion;

  /** Where the subscriber was: {@code HOME}, {@code EU}, {@code WORLD1}, ... (VisitedZone). */
  public String visitedZone;

  /** Raw records the line was built from (partials joined). */
  public int rawRecords = 1;

  /** Topic, partition and offset of the raw record the line was built from. */
  public String sourceTopic;

  public Integer sourcePartition;
  public Long sourceOffset;

  public InvoiceLine() {}

  public LocalDate eventLocalDate() {
    return LocalDate.ofEpochDay(eventDate);
  }

  public boolean hasFlag(LineFlag flag) {
    if (flags == null) {
      return false;
    }
    for (String f : flags) {
      if (f.equals(flag.name())) {
        return true;
      }
    }
    return false;
  }
}
