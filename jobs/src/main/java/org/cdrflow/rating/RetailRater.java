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
import org.cdrflow.mediation.MediatedCall;
import org.cdrflow.mediation.VisitedZone;
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

  public RetailRater() {}

  /** The usage period ({@code YYYY-MM}) of an event: the key of its {@link PeriodUsage}. */
  public static String usagePeriodOf(MediatedCall call) {
    return YearMonth.from(eventDateOf(call)).toString();
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
      return RatingOutcome.rated(line, List.of());
    }

    String lineZone = tariff.zone;
    BigDecimal lineConnectFee = tariff.connectFee;
    long covered = 0; // billed units covered by the allowance
    long atZonePrice = 0; // charged at the zone's price
    long overageKb = 0; // data past the allowance charged at the DATA/DOMESTIC price
    long overageOre = 0; // rounded amount of that overage, counted against the cap
    long beyondEuLimitKb = 0; // EU-zone data past the EU limit, charged at ROAM_EU_DATA
    long euDataKb = 0; // EU-zone data counted against the EU limit
    boolean capReached = false;

    if (tariff.isFree()) {
      // nothing charged, nothing drawn
    } else if (!tariff.drawsAllowance) {
      atZonePrice = billed;
    } else if (service == Service.VOICE) {
      covered = Math.min(billed, remaining(tariff.voiceMinutes, 60, usage.voiceSeconds));
      atZonePrice = billed - covered;
    } else if (service == Service.SMS) {
      covered = Math.min(billed, remaining(tariff.smsCount, 1, usage.smsCount));
      atZonePrice = billed - covered;
    } else {
      long withinEuLimit = billed;
      if (tariff.euData) {
        euDataKb = billed;
        if (tariff.euDataLimitMb != null) {
          long room = remaining(tariff.euDataLimitMb, BilledUnits.KB_PER_MB, usage.euDataKb);
          withinEuLimit = Math.min(billed, room);
          beyondEuLimitKb = billed - withinEuLimit;
        }
      }
      covered =
          Math.min(withinEuLimit, remaining(tariff.dataMb, BilledUnits.KB_PER_MB, usage.dataKb));
      long uncovered = withinEuLimit - covered;
      if (uncovered > 0) {
        if (tariff.dataOverage == DataOverage.CHARGE && !usage.overageCapReached()) {
          if (tariff.dataOverageCap == null) {
            overageKb = uncovered;
          } else {
            long capOre = OverageCap.capOre(tariff.dataOverageCap);
            overageKb =
                OverageCap.chargeableKb(
                    uncovered, usage.overageOre, capOre, tariff.connectFee, tariff.price);
            capReached =
                overageKb < uncovered
                    || usage.overageOre
                            + OverageCap.amountOre(overageKb, tariff.connectFee, tariff.price)
                        >= capOre;
          }
          overageOre = OverageCap.amountOre(overageKb, tariff.connectFee, tariff.price);
        }
        if (overageKb < uncovered) {
          flags.add(LineFlag.THROTTLED);
        }
      }
      if (beyondEuLimitKb > 0) {
        lineZone = RatingZone.ROAM_EU_DATA;
        lineConnectFee = tariff.euDataConnectFee;
      }
    }

    // Present exactly when the surcharge may apply (TariffRule); the presence days decide.
    boolean fairUse =
        tariff.fairUsePrice != null
            && FairUse.surcharged(eventDate, TariffRule.subscriptionStartDate(call), presence);
    if (fairUse) {
      flags.add(LineFlag.FAIR_USE_SURCHARGE);
    }

    long chargeable = atZonePrice + overageKb + beyondEuLimitKb;
    LineAmount amount = new LineAmount(BilledUnits.perPricedUnit(service));
    if (chargeable > 0) {
      amount.connectFee(lineConnectFee);
    }
    amount.units(atZonePrice + overageKb, tariff.price);
    amount.units(beyondEuLimitKb, tariff.euDataPrice);
    if (fairUse) {
      // On every billed unit, whether an allowance covers it or not.
      amount.units(billed, tariff.fairUsePrice);
    }

    // ---- Rated: now update the state and collect the notifications.
    List<UsageNotice> notices = new ArrayList<>(2);
    String period = usagePeriod.toString();
    if (tariff.drawsAllowance) {
      switch (service) {
        case VOICE -> usage.voiceSeconds += covered;
        case SMS -> usage.smsCount += covered;
        case DATA -> {
          usage.dataKb += covered;
          usage.euDataKb += euDataKb;
          usage.overageOre += overageOre;
          long allowanceKb = remaining(tariff.dataMb, BilledUnits.KB_PER_MB, 0);
          if (allowanceKb > 0) {
            if (usage.dataKb * 5 >= allowanceKb * 4) {
              notifyOnce(usage, NotificationKind.DATA_80, call, period, notices);
            }
            if (usage.dataKb >= allowanceKb) {
              notifyOnce(usage, NotificationKind.DATA_100, call, period, notices);
            }
          }
          if (capReached) {
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
    if (call.visitedZone == VisitedZone.HOME) {
      // Recorded after the event is rated; the event's own date is never in its fair-use window.
      presence.record(eventDate);
    }

    InvoiceLine line = line(call, service, usagePeriod, billingPeriod, eventDate, lineZone);
    line.billedUnits = billed;
    line.allowanceUnits = covered;
    line.chargeableUnits = chargeable;
    line.amount = amount.rounded();
    line.flags = sorted(flags);
    return RatingOutcome.rated(line, notices);
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
    l.billingPeriod = billingPeriod.toString();
    l.usagePeriod = usagePeriod.toString();
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
    return l;
  }

  private static String[] sorted(EnumSet<LineFlag> flags) {
    String[] names = flags.stream().map(Enum::name).toArray(String[]::new);
    Arrays.sort(names);
    return names;
  }
}
