package org.cdrflow.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WholesaleAmountTest {

  @ParameterizedTest(name = "{0} s at {1}/min = {2}")
  @CsvSource({
    // 61 × 0.123456 = 7.530816; / 60 = 0.1255136 -> 0.125514
    "61, 0.123456, 0.125514",
    "60, 0.123456, 0.123456",
    // 0.0020576 -> 0.002058
    "1, 0.123456, 0.002058",
    "3600, 0.123456, 7.407360",
    // 86399 / 60 = 1439.98333...
    "86399, 1.0, 1439.983333",
    "0, 0.5, 0.000000",
    // exact ties at the 7th decimal round up (half-even would give 0.000000 and 0.000002)
    "30, 0.000001, 0.000001",
    "150, 0.000001, 0.000003",
    // just below a tie rounds down: 29 × 0.000001 / 60 = 0.00000048...
    "29, 0.000001, 0.000000",
    "45, 0, 0.000000",
  })
  void perSecondOfAPricePerMinute(long seconds, BigDecimal price, String expected) {
    BigDecimal amount = WholesaleAmount.perSecond(seconds, price);

    assertEquals(new BigDecimal(expected), amount);
    assertEquals(
        amount, WholesaleAmount.of(SettlementUnit.MINUTE, price, seconds, 1), "by unit MINUTE");
  }

  @ParameterizedTest(name = "{0} SMS at {1} = {2}")
  @CsvSource({
    "1, 0.15, 0.150000",
    "3, 0.0333333, 0.100000",
    "1, 0.1234565, 0.123457",
    "1, 0.1234564, 0.123456",
    "0, 0.15, 0.000000",
  })
  void perMessageOfAPricePerSms(long count, BigDecimal price, String expected) {
    BigDecimal amount = WholesaleAmount.perMessage(count, price);

    assertEquals(new BigDecimal(expected), amount);
    assertEquals(amount, WholesaleAmount.of(SettlementUnit.SMS, price, 999, count), "by unit SMS");
  }

  @Test
  void anSmsIsPricedPerMessageWhateverItsSeconds() {
    assertEquals(
        new BigDecimal("0.150000"),
        WholesaleAmount.of(SettlementUnit.SMS, new BigDecimal("0.15"), 0, 1));
  }

  @ParameterizedTest
  @CsvSource({"0.125514, 125514", "0, 0", "1439.983333, 1439983333", "-0.000001, -1"})
  void microUnitsAreExact(BigDecimal amount, long micros) {
    assertEquals(micros, WholesaleAmount.toMicros(amount));
    assertEquals(0, amount.compareTo(WholesaleAmount.fromMicros(micros)));
    assertEquals(6, WholesaleAmount.fromMicros(micros).scale());
  }

  @Test
  void microUnitsNeverRoundSilently() {
    assertThrows(
        ArithmeticException.class, () -> WholesaleAmount.toMicros(new BigDecimal("0.1234567")));
  }

  @Test
  void negativeQuantitiesAreRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> WholesaleAmount.perSecond(-1, BigDecimal.ONE));
    assertThrows(
        IllegalArgumentException.class, () -> WholesaleAmount.perMessage(-1, BigDecimal.ONE));
  }
}
