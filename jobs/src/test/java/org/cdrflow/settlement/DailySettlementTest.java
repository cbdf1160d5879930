package org.cdrflow.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DailySettlementTest {

  @Test
  void totalsAreTheSumOfTheDetailRows() {
    List<SettlementCall> calls = new ArrayList<>();
    int[] durations = {61, 1, 3599, 7, 120, 86399, 29, 30};
    for (int i = 0; i < durations.length; i++) {
      calls.add(voice("c" + i, "2026-07-10T08:00:00Z", durations[i], "0.123456"));
    }

    DailySettlement totals = DailySettlement.emptyFor(calls.get(0));
    calls.forEach(totals::add);
    SettlementDailyRow row = totals.toRow();

    BigDecimal sum = calls.stream().map(c -> c.amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    long seconds = calls.stream().mapToLong(c -> c.seconds).sum();
    assertEquals(calls.size(), row.events);
    assertEquals(seconds, row.seconds);
    assertEquals(sum, row.amount);
    assertEquals(6, row.amount.scale());
  }

  @ParameterizedTest(name = "{0} counts on {1}")
  @CsvSource({
    "2026-07-10T21:30:00Z, 2026-07-10",
    "2026-07-10T23:30:00Z, 2026-07-11",
    "2026-12-31T22:59:59Z, 2026-12-31",
    "2026-12-31T23:00:00Z, 2027-01-01",
  })
  void dayBoundaryIsOsloMidnight(String time, LocalDate day) {
    SettlementCall call = voice("c", time, 60, "0.100000");

    assertEquals(day, DailySettlement.emptyFor(call).add(call).toRow().localDay());
  }

  @Test
  void eventsEitherSideOfOsloMidnightAreTwoKeys() {
    SettlementCall evening = voice("a", "2026-07-10T21:30:00Z", 60, "0.100000");
    SettlementCall night = voice("b", "2026-07-10T23:30:00Z", 60, "0.100000");

    Map<String, DailySettlement> byKey = DailySettlement.sumOf(List.of(evening, night));

    assertNotEquals(DailySettlement.keyOf(evening), DailySettlement.keyOf(night));
    assertEquals(2, byKey.size());
    assertEquals(1, byKey.get(DailySettlement.keyOf(evening)).events);
    assertEquals(1, byKey.get(DailySettlement.keyOf(night)).events);
  }

  @Test
  void keySeparatesPartnerDirectionProductAndCurrency() {
    SettlementCall base = voice("a", "2026-07-10T10:00:00Z", 60, "0.100000");
    SettlementCall otherCurrency = voice("b", "2026-07-10T10:00:00Z", 60, "0.100000");
    otherCurrency.currency = "EUR";
    SettlementCall otherDirection = voice("c", "2026-07-10T10:00:00Z", 60, "0.100000");
    otherDirection.direction = "IN";

    Map<String, DailySettlement> byKey =
        DailySettlement.sumOf(List.of(base, otherCurrency, otherDirection, base));

    assertEquals(3, byKey.size());
    assertEquals(2, byKey.get(DailySettlement.keyOf(base)).events);
  }

  @Test
  void rowsHoldAbsoluteTotalsNotIncrements() {
    SettlementCall first = voice("a", "2026-07-10T10:00:00Z", 60, "0.100000");
    SettlementCall second = voice("b", "2026-07-10T11:00:00Z", 30, "0.100000");
    DailySettlement totals = DailySettlement.emptyFor(first);

    SettlementDailyRow afterFirst = totals.add(first).toRow();
    SettlementDailyRow afterSecond = totals.add(second).toRow();

    assertEquals(row(1, 60, "0.100000"), afterFirst);
    assertEquals(row(2, 90, "0.150000"), afterSecond);
    // Writing the row again (a retried sink write) writes the same figures.
    assertEquals(afterSecond, totals.toRow());
  }

  @Test
  void recoveryFromACheckpointCountsEachEventOnce() {
    List<SettlementCall> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(voice("c" + i, "2026-07-10T10:00:00Z", 10 * i + 1, "0.123456"));
    }
    DailySettlement live = DailySettlement.emptyFor(calls.get(0));
    DailySettlement checkpoint = null;
    for (int i = 0; i < calls.size(); i++) {
      live.add(calls.get(i));
      if (i == 2) {
        checkpoint = copy(live);
      }
    }
    SettlementDailyRow beforeFailure = live.toRow();

    // The job fails after the last event: state is restored from the checkpoint and the source
    // replays the events after it.
    DailySettlement restored = checkpoint;
    calls.subList(3, calls.size()).forEach(restored::add);

    assertEquals(beforeFailure, restored.toRow());
    assertEquals(DailySettlement.sumOf(calls).values().iterator().next().toRow(), restored.toRow());
  }

  @Test
  void mergeAddsTotalsOfTheSameKey() {
    SettlementCall a = voice("a", "2026-07-10T10:00:00Z", 60, "0.100000");
    SettlementCall b = voice("b", "2026-07-10T12:00:00Z", 90, "0.100000");

    DailySettlement merged =
        DailySettlement.emptyFor(a).add(a).merge(DailySettlement.emptyFor(b).add(b));

    assertEquals(row(2, 150, "0.250000"), merged.toRow());
  }

  @Test
  void refusesAnEventOfAnotherKey() {
    SettlementCall a = voice("a", "2026-07-10T10:00:00Z", 60, "0.100000");
    SettlementCall otherDay = voice("b", "2026-07-11T10:00:00Z", 60, "0.100000");
    DailySettlement totals = DailySettlement.emptyFor(a);

    assertThrows(IllegalArgumentException.class, () -> totals.add(otherDay));
    assertThrows(
        IllegalArgumentException.class,
        () -> totals.merge(DailySettlement.emptyFor(otherDay).add(otherDay)));
    assertEquals(0, totals.events);
  }

  private static SettlementDailyRow row(long events, long seconds, String amount) {
    return new SettlementDailyRow(
        "FJORDPARTNER",
        "OUT",
        "VOICE_TERM_MOBILE",
        "NOK",
        LocalDate.parse("2026-07-10"),
        events,
        seconds,
        new BigDecimal(amount));
  }

  private static DailySettlement copy(DailySettlement d) {
    DailySettlement c = new DailySettlement();
    c.partnerId = d.partnerId;
    c.direction = d.direction;
    c.product = d.product;
    c.currency = d.currency;
    c.day = d.day;
    c.events = d.events;
    c.seconds = d.seconds;
    c.amountMicros = d.amountMicros;
    return c;
  }

  static SettlementCall voice(String id, String time, int seconds, String price) {
    SettlementCall c = new SettlementCall();
    c.settlementId = id;
    c.partnerId = "FJORDPARTNER";
    c.direction = "OUT";
    c.product = "VOICE_TERM_MOBILE";
    c.currency = "NOK";
    c.eventStart = Instant.parse(time).toEpochMilli();
    c.eventDate = SettlementCall.dayOf(c.eventStart).toString();
    c.seconds = seconds;
    c.units = 1;
    c.price = new BigDecimal(price);
    c.amount = WholesaleAmount.perSecond(seconds, c.price);
    return c;
  }
}
