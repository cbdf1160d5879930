package org.cdrflow.rating;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import org.cdrflow.domain.MediatedCall;
import org.cdrflow.domain.Tariff;
import org.cdrflow.domain.VisitedZone;
import org.cdrflow.reference.DataOverage;
import org.cdrflow.reference.OsloCalendar;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.Service;
import org.cdrflow.schema.NotificationKind;
import org.cdrflow.schema.RecordType;

/**
 * Retail rating of one enriched event into one itemised invoice line (docs/rating.md): zone, billed
 * units, allowances, data overage, fair use, blocked SIMs, late lines and usage notifications.
 *
 * <p>Plain business rules without Flink types. The streaming operator keys by subscription and
 * keeps, per subscription, one {@link PeriodUsage} per usage period ({@link #usagePeriodOf}) and
 * one {@link PresenceDays}; it hands them to {@link #rate} in event-time order and stores them back
 * after a rated outcome. Everything that can make an event fail is checked before either object is
 * changed, so a rejection leaves them as they were.
 *
 * <p>Stateless and thread-safe.
 */
public final class RetailRater {
  /** Periods and dates are Europe/Oslo calendar months and days. */
  public static final ZoneId OSLO = OsloCalendar.ZONE;

  public static final String CURRENCY = "NOK";

  /**
   * {@code YYYY-MM} of the months of {@link #FIRST_PERIOD_YEAR} to 2199, made once: every line
   * names its usage and billing period, and formatting a {@link YearMonth} builds a string each
   * time (docs/benchmarks.md, "Re-rating, third round").
   */
  private static final String[] PERIOD_TEXT = new String[12 * 200];

  private static final int FIRST_PERIOD_YEAR = 2000;

  static {
    for (int i = 0; i < PERIOD_TEXT.length; i++) {
      PERIOD_TEXT[i] = YearMonth.of(FIRST_PERIOD_YEAR + i / 12, i % 12 + 1).toString();
    }
  }

  public RetailRater() {}

  /** The usage period ({@code YYYY-MM}) of an event: the key of its {@link PeriodUsage}. */
  public static String usagePeriodOf(MediatedCall call) {
    return periodText(YearMonth.from(eventDateOf(call)));
  }

  /** {@code period.toString()}, without formatting it for the usual months. */
  public static String periodText(YearMonth period) {
    int i = (period.getYear() - FIRST_PERIOD_YEAR) * 12 + period.getMonthValue() - 1;
    return i >= 0 && i < PERIOD_TEXT.length ? PERIOD_TEXT[i] : period.toString();
  }

  /** The Europe/Oslo date of an event: the day it makes a presence day when at home. */
  public static LocalDate eventDateOf(MediatedCall call) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(call.eventStartMillis), OSLO);
  }

  /**
   * Rates one event. Every price it needs was resolved by mediation into {@code call.tariff}
   * ({@link TariffRule}), so rating always gives a line.
   *
   * @param call the enriched event, with its {@link Tariff}
   * @param usage the subscription's usage in the event's usage period ({@link #usagePeriodOf}); a
   *     new object when there is none yet. Updated by the event.
   * @param presence the subscription's days at home; a new object when there is none yet. Updated
   *     with the event's date when the event is at home (not on a blocked SIM).
   * @param ref reference data snapshot: only which billing periods are closed
   * @param now processing time: decides whether the event's period is already closed (LATE)
   */
  public RatingOutcome rate(
      MediatedCall call, PeriodUsage usage, PresenceDays presence, ReferenceData ref, Instant now) {
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(presence, "presence");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(now, "now");
    Tariff tariff = Objects.requireNonNull(call.tariff, "call.tariff (resolved by mediation)");

    Service service = Service.of(call.recordType);
    LocalDate eventDate = eventDateOf(call);
    YearMonth usagePeriod = YearMonth.from(eventDate);
    YearMonth billingPeriod = ref.billingPeriodFor(usagePeriod, now);
    long billed = billedUnits(service, call, tariff);

    EnumSet<LineFlag> flags = EnumSet.noneOf(LineFlag.class);
    if (!billingPeriod.equals(usagePeriod)) {
      flags.add(LineFlag.LATE);
    }
    if (call.incomplete) {
      flags.add(LineFlag.INCOMPLETE);
    }

    if (TariffRule.blockedSim(call)) {
      // The customer is not liable after the block notice: itemised only, and the usage is not
      // theirs, so it draws no allowance, sends no notice and makes no presence day.
      flags.add(LineFlag.BLOCKED_SIM);
      InvoiceLine line = line(call, service, usagePeriod, billingPeriod, eventDate, tariff.zone);
      line.billedUnits = billed;
      line.flags = sorted(flags);
      line.amount = BigDecimal.ZERO.setScale(2);
      line.connectFee = BigDecimal.ZERO;
      return RatingOutcome.rated(line, List.of());
    }

    Long allowanceBefore = allowanceLeft(service, tariff, usage);
    Draw d = draw(service, billed, tariff, usage);
    if (d.throttled) {
      flags.add(LineFlag.THROTTLED);
    }
    // The tariff has a FAIR_USE price exactly when the surcharge may apply (TariffRule); the
    // presence days decide.
    boolean fairUse =
        tariff.fairUsePrice != null
            && FairUse.surcharged(eventDate, TariffRule.subscriptionStartDate(call), presence);
    if (fairUse) {
      flags.add(LineFlag.FAIR_USE_SURCHARGE);
    }

    List<UsageNotice> notices = recordUsage(call, service, tariff, d, usage, usagePeriod);
    if (call.visitedZone == VisitedZone.HOME) {
      // Recorded after the event is rated; the event's own date is never in its fair-use window.
      presence.record(eventDate);
    }

    InvoiceLine line =
        line(
            call,
            service,
            usagePeriod,
            billingPeriod,
            eventDate,
            d.beyondEuLimitKb > 0 ? RatingZone.ROAM_EU_DATA : tariff.zone);
    line.billedUnits = billed;
    line.allowanceUnits = d.covered;
    line.chargeableUnits = d.chargeable();
    line.amount = amount(service, tariff, billed, d, fairUse);
    line.flags = sorted(flags);
    line.allowanceBefore = allowanceBefore;
    line.allowanceAfter = allowanceBefore == null ? null : allowanceBefore - d.covered;
    boolean beyondEuLimit = d.beyondEuLimitKb > 0;
    line.unitPrice = beyondEuLimit ? tariff.euDataPrice : tariff.price;
    line.connectFee =
        d.chargeable() == 0
            ? BigDecimal.ZERO
            : nonNull(beyondEuLimit ? tariff.euDataConnectFee : tariff.connectFee);
    if (fairUse) {
      line.fairUseSurcharge =
          new LineAmount(BilledUnits.perPricedUnit(service))
              .units(billed, tariff.fairUsePrice)
              .exact();
    }
    return RatingOutcome.rated(line, notices);
  }

  private static BigDecimal nonNull(BigDecimal d) {
    return d == null ? BigDecimal.ZERO : d;
  }

  /**
   * Units left of the allowance the event draws, before it draws (seconds, messages or kB); null
   * when its zone draws none. Data within the EU limit draws the data allowance.
   */
  private static Long allowanceLeft(Service service, Tariff tariff, PeriodUsage usage) {
    if (tariff.isFree() || !tariff.drawsAllowance) {
      return null;
    }
    return switch (service) {
      case VOICE -> remaining(tariff.voiceMinutes, 60, usage.voiceSeconds);
      case SMS -> remaining(tariff.smsCount, 1, usage.smsCount);
      case DATA -> remaining(tariff.dataMb, BilledUnits.KB_PER_MB, usage.dataKb);
    };
  }

  /** How an event's billed units split, and what it draws (docs/rating.md, "Allowances"). */
  private static final class Draw {
    long covered; // billed units covered by the allowance
    long atZonePrice; // charged at the zone's price
    long overageKb; // data past the allowance charged at the DATA/DOMESTIC price
    long overageOre; // rounded amount of that overage, counted against the cap
    long beyondEuLimitKb; // EU-zone data past the EU limit, charged at ROAM_EU_DATA
    long euDataKb; // EU-zone data counted against the EU limit
    boolean capReached;
    boolean throttled;

    long chargeable() {
      return atZonePrice + overageKb + beyondEuLimitKb;
    }
  }

  /** Zone, then allowance: which billed units are free, covered or charged. */
  private static Draw draw(Service service, long billed, Tariff tariff, PeriodUsage usage) {
    Draw d = new Draw();
    if (tariff.isFree()) {
      return d; // nothing charged, nothing drawn
    }
    if (!tariff.drawsAllowance) {
      d.atZonePrice = billed;
      return d;
    }
    switch (service) {
      case VOICE ->
          d.covered = Math.min(billed, remaining(tariff.voiceMinutes, 60, usage.voiceSeconds));
      case SMS -> d.covered = Math.min(billed, remaining(tariff.smsCount, 1, usage.smsCount));
      case DATA -> {
        drawData(billed, tariff, usage, d);
        return d;
      }
    }
    d.atZonePrice = billed - d.covered;
    return d;
  }

  /**
   * Data: the EU limit first (docs/rating.md, "EU data limit"), then the allowance, then the
   * overage rule of the plan for what the allowance does not cover ("Data overage").
   */
  private static void drawData(long billedKb, Tariff tariff, PeriodUsage usage, Draw d) {
    long withinEuLimit = billedKb;
    if (tariff.euData) {
      d.euDataKb = billedKb;
      if (tariff.euDataLimitMb != null) {
        long room = remaining(tariff.euDataLimitMb, BilledUnits.KB_PER_MB, usage.euDataKb);
        withinEuLimit = Math.min(billedKb, room);
        d.beyondEuLimitKb = billedKb - withinEuLimit;
      }
    }
    d.covered =
        Math.min(withinEuLimit, remaining(tariff.dataMb, BilledUnits.KB_PER_MB, usage.dataKb));
    long uncovered = withinEuLimit - d.covered;
    if (uncovered == 0) {
      return;
    }
    if (tariff.dataOverage == DataOverage.CHARGE && !usage.overageCapReached()) {
      if (tariff.dataOverageCap == null) {
        d.overageKb = uncovered;
      } else {
        long capOre = OverageCap.capOre(tariff.dataOverageCap);
        d.overageKb =
            OverageCap.chargeableKb(
                uncovered, usage.overageOre, capOre, tariff.connectFee, tariff.price);
        d.capReached =
            d.overageKb < uncovered
                || usage.overageOre
                        + OverageCap.amountOre(d.overageKb, tariff.connectFee, tariff.price)
                    >= capOre;
      }
      d.overageOre = OverageCap.amountOre(d.overageKb, tariff.connectFee, tariff.price);
    }
    d.throttled = d.overageKb < uncovered;
  }

  /**
   * The line's amount (docs/rating.md, "Money"): connect fee when something is charged, the charged
   * units at their prices, the fair-use surcharge on every billed unit; rounded once.
   */
  private static BigDecimal amount(
      Service service, Tariff tariff, long billed, Draw d, boolean fairUse) {
    LineAmount amount = new LineAmount(BilledUnits.perPricedUnit(service));
    if (d.chargeable() > 0) {
      // A line beyond the EU limit is a ROAM_EU_DATA line: that row's connect fee.
      amount.connectFee(d.beyondEuLimitKb > 0 ? tariff.euDataConnectFee : tariff.connectFee);
    }
    amount.units(d.atZonePrice + d.overageKb, tariff.price);
    amount.units(d.beyondEuLimitKb, tariff.euDataPrice);
    if (fairUse) {
      amount.units(billed, tariff.fairUsePrice);
    }
    return amount.rounded();
  }

  /** Adds what the event drew to the period's usage and collects the notifications it triggers. */
  private static List<UsageNotice> recordUsage(
      MediatedCall call,
      Service service,
      Tariff tariff,
      Draw d,
      PeriodUsage usage,
      YearMonth usagePeriod) {
    List<UsageNotice> notices = new ArrayList<>(2);
    String period = periodText(usagePeriod);
    if (tariff.drawsAllowance) {
      switch (service) {
        case VOICE -> usage.voiceSeconds += d.covered;
        case SMS -> usage.smsCount += d.covered;
        case DATA -> {
          usage.dataKb += d.covered;
          usage.euDataKb += d.euDataKb;
          usage.overageOre += d.overageOre;
          long allowanceKb = remaining(tariff.dataMb, BilledUnits.KB_PER_MB, 0);
          if (allowanceKb > 0) {
            if (usage.dataKb * 5 >= allowanceKb * 4) {
              notifyOnce(usage, NotificationKind.DATA_80, call, period, notices);
            }
            if (usage.dataKb >= allowanceKb) {
              notifyOnce(usage, NotificationKind.DATA_100, call, period, notices);
            }
          }
          if (d.capReached) {
            notifyOnce(usage, NotificationKind.OVERAGE_CAP, call, period, notices);
          }
        }
      }
    }
    if (call.roamingCountry != null && !usage.wasNotifiedOfCountry(call.roamingCountry)) {
      usage.markNotifiedOfCountry(call.roamingCountry);
      notices.add(
          UsageNotice.of(
              call.subscriptionId,
              call.msisdn,
              NotificationKind.ROAMING_ENTER,
              period,
              call.roamingCountry,
              call.eventStartMillis));
    }
    return notices;
  }

  /** Billed units in the unit of the service (docs/rating.md, "Units"). */
  private static long billedUnits(Service service, MediatedCall call, Tariff tariff) {
    return switch (service) {
      case VOICE ->
          BilledUnits.voiceSeconds(call.durationSeconds, tariff.firstInterval, tariff.nextInterval);
      case SMS -> 1;
      case DATA -> BilledUnits.dataKb(call.volumeBytes);
    };
  }

  private static void notifyOnce(
      PeriodUsage usage,
      NotificationKind kind,
      MediatedCall call,
      String period,
      List<UsageNotice> notices) {
    if (usage.wasNotified(kind)) {
      return;
    }
    usage.markNotified(kind);
    notices.add(
        UsageNotice.of(
            call.subscriptionId, call.msisdn, kind, period, null, call.eventStartMillis));
  }

  /** Units left of an allowance of {@code amount × unitsPer}; a null allowance is none. */
  private static long remaining(Integer amount, long unitsPer, long used) {
    if (amount == null || amount <= 0) {
      return 0;
    }
    return Math.max(0, amount * unitsPer - used);
  }

  static String directionOf(RecordType type) {
    return switch (type) {
      case MOC, SMS_MO, DATA -> "MO";
      case MTC, SMS_MT -> "MT";
      case FWD -> "FWD";
    };
  }

  private static InvoiceLine line(
      MediatedCall call,
      Service service,
      YearMonth usagePeriod,
      YearMonth billingPeriod,
      LocalDate eventDate,
      String zone) {
    InvoiceLine l = new InvoiceLine();
    l.lineId = call.lineId;
    l.networkElement = call.networkElement;
    l.callReference = call.callReference;
    l.accountId = call.accountId;
    l.subscriptionId = call.subscriptionId;
    l.msisdn = call.msisdn;
    l.imsi = call.imsi;
    l.billingPeriod = periodText(billingPeriod);
    l.usagePeriod = periodText(usagePeriod);
    l.eventStart = call.eventStartMillis;
    l.eventDate = Math.toIntExact(eventDate.toEpochDay());
    l.service = service.name();
    l.direction = directionOf(call.recordType);
    boolean data = service == Service.DATA;
    l.counterpartNumber = data ? null : call.counterpartNumber;
    l.counterpartCountry = data ? null : call.counterpartCountry;
    l.counterpartClass =
        data || call.counterpartClass == null ? null : call.counterpartClass.name();
    l.roamingCountry = call.roamingCountry;
    l.ratingZone = zone;
    l.durationS = service == Service.VOICE ? call.durationSeconds : null;
    l.volumeBytes = data ? call.volumeBytes : null;
    l.currency = CURRENCY;
    l.planId = call.tariff.planId;
    l.rateValidFrom = call.tariff.rateValidFromMillis;
    l.referenceVersion = call.tariff.referenceVersion;
    l.unitPrice = call.tariff.price;
    l.visitedZone = call.visitedZone == null ? null : call.visitedZone.name();
    l.rawRecords = call.rawRecords;
    l.sourceTopic = call.sourceTopic;
    l.sourcePartition = call.sourceTopic == null ? null : call.sourcePartition;
    l.sourceOffset = call.sourceTopic == null ? null : call.sourceOffset;
    return l;
  }

  private static String[] sorted(EnumSet<LineFlag> flags) {
    // A loop, not a stream: called once per line (docs/benchmarks.md, "Re-rating").
    String[] names = new String[flags.size()];
    int i = 0;
    for (LineFlag f : flags) {
      names[i++] = f.name();
    }
    if (names.length > 1) {
      Arrays.sort(names);
    }
    return names;
  }
}
