package org.cdrflow.settlement;

import static org.cdrflow.settlement.SettlementReferenceFixture.RATES_FROM;
import static org.cdrflow.settlement.SettlementReferenceFixture.RATE_CHANGE;
import static org.cdrflow.settlement.SettlementReferenceFixture.REFERENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Re-settling a stored row with the reference data now (docs/rerating.md, "Settlement"). */
class SettlementRepricingTest {

  private static final Instant BEFORE_CHANGE = Instant.parse("2026-08-10T10:00:00Z");
  private static final Instant AFTER_CHANGE = Instant.parse("2026-08-20T10:00:00Z");

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // case | partner | direction | product | event | seconds | stored price | stored currency
        //   | stored version | new price (- = unchanged) | new amount | new version
        "rate in force is the one stored | FJORDPARTNER | OUT | VOICE_TERM_MOBILE | BEFORE"
            + " | 61 | 0.123456 | NOK | FROM | - | - | -",
        "stored at the old price, a new version is in force | FJORDPARTNER | OUT"
            + " | VOICE_TERM_MOBILE | AFTER | 61 | 0.123456 | NOK | FROM | 0.100000 | 0.101667"
            + " | CHANGE",
        "same price but another version: the version moves | FJORDPARTNER | OUT"
            + " | VOICE_TERM_MOBILE | AFTER | 60 | 0.100000 | NOK | FROM | 0.100000 | 0.100000"
            + " | CHANGE",
        "an SMS priced per message | FJORDPARTNER | IN | SMS_TERM | AFTER | 0 | 0.150000 | NOK"
            + " | FROM | 0.160000 | 0.160000 | FROM",
        "no rate in force any more: kept | FJORDPARTNER | IN | VOICE_TERM_FIXED | AFTER | 60"
            + " | 0.200000 | NOK | FROM | - | - | -",
        "rate priced in the wrong unit now: kept | KYSTPARTNER | OUT | SMS_TERM | AFTER | 0"
            + " | 0.100000 | NOK | FROM | - | - | -",
        "the currency changed | TRANSITCARRIER | OUT | VOICE_INTL | AFTER | 120 | 5.000000 | NOK"
            + " | FROM | 0.500000 | 1.000000 | FROM",
      })
  void repricesWithTheRateInForceAtTheEventTime(
      String name,
      String partner,
      String direction,
      String product,
      String event,
      long seconds,
      BigDecimal storedPrice,
      String storedCurrency,
      String storedVersion,
      BigDecimal newPrice,
      BigDecimal newAmount,
      String newVersion) {
    SettlementCall stored =
        row(partner, direction, product, event, seconds, storedPrice, storedCurrency);
    stored.interconnectRateValidFrom = version(storedVersion);

    Optional<SettlementCall> now = SettlementRepricing.reprice(stored, REFERENCE);

    if (newPrice == null) {
      assertTrue(now.isEmpty(), () -> name + ": " + now);
      return;
    }
    SettlementCall n = now.orElseThrow();
    assertEquals(newPrice, n.price, name);
    assertEquals(newAmount, n.amount, name);
    assertEquals(version(newVersion), n.interconnectRateValidFrom, name);
    assertEquals(stored.settlementId, n.settlementId, "same key");
    assertEquals(stored.seconds, n.seconds, "what happened stays");
    assertEquals(stored.partnerId, n.partnerId);
  }

  @Test
  void anAmountDifferenceCorrectsTheDayOfTheSameKey() {
    SettlementCall before =
        row(
            "FJORDPARTNER",
            "OUT",
            "VOICE_TERM_MOBILE",
            "AFTER",
            61,
            new BigDecimal("0.123456"),
            "NOK");
    SettlementCall after = SettlementRepricing.reprice(before, REFERENCE).orElseThrow();

    assertEquals(
        List.of(
            new SettlementRepricing.DailyDelta(
                "FJORDPARTNER",
                "OUT",
                "VOICE_TERM_MOBILE",
                "NOK",
                "2026-08-20",
                0,
                0,
                new BigDecimal("-0.023847"))),
        SettlementRepricing.dailyDeltas(before, after));
  }

  @Test
  void aNewCurrencyMovesTheRowToTheOtherCurrencysDay() {
    SettlementCall before =
        row("TRANSITCARRIER", "OUT", "VOICE_INTL", "AFTER", 120, new BigDecimal("5.000000"), "NOK");
    SettlementCall after = SettlementRepricing.reprice(before, REFERENCE).orElseThrow();

    assertEquals(
        List.of(
            new SettlementRepricing.DailyDelta(
                "TRANSITCARRIER",
                "OUT",
                "VOICE_INTL",
                "NOK",
                "2026-08-20",
                -1,
                -120,
                new BigDecimal("-10.000000")),
            new SettlementRepricing.DailyDelta(
                "TRANSITCARRIER",
                "OUT",
                "VOICE_INTL",
                "EUR",
                "2026-08-20",
                1,
                120,
                new BigDecimal("1.000000"))),
        SettlementRepricing.dailyDeltas(before, after));
  }

  @Test
  void sameAmountSameCurrencyCorrectsNothing() {
    SettlementCall before =
        row(
            "FJORDPARTNER",
            "OUT",
            "VOICE_TERM_MOBILE",
            "AFTER",
            60,
            new BigDecimal("0.100000"),
            "NOK");
    SettlementCall after = SettlementRepricing.reprice(before, REFERENCE).orElseThrow();

    assertEquals(List.of(), SettlementRepricing.dailyDeltas(before, after));
  }

  private static Long version(String v) {
    if (v == null) {
      return null;
    }
    return (v.equals("FROM") ? RATES_FROM : RATE_CHANGE).toEpochMilli();
  }

  private static SettlementCall row(
      String partner,
      String direction,
      String product,
      String event,
      long seconds,
      BigDecimal price,
      String currency) {
    SettlementCall r = new SettlementCall();
    r.settlementId = "5e3b0a3c-0000-3000-8000-000000000001";
    r.lineId = "5e3b0a3c-0000-3000-8000-000000000002";
    r.partnerId = partner;
    r.direction = direction;
    r.product = product;
    r.eventStart = (event.equals("BEFORE") ? BEFORE_CHANGE : AFTER_CHANGE).toEpochMilli();
    r.eventDate = SettlementCall.dayOf(r.eventStart).toString();
    r.seconds = seconds;
    r.units = 1;
    r.price = price;
    SettlementUnit unit = SettlementProduct.valueOf(product).unit();
    r.amount = WholesaleAmount.of(unit, price, seconds, 1);
    r.currency = currency;
    r.interconnectRateValidFrom = RATES_FROM.toEpochMilli();
    return r;
  }
}
