package org.cdrflow.settlement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettlementStatementTest {
  private static final YearMonth AUGUST = YearMonth.of(2026, 8);

  private static final List<SettlementDailyRow> ROWS =
      List.of(
          row("OUT", "VOICE_TERM_MOBILE", "NOK", "2026-08-01", 10, 610, "1.255140"),
          row("OUT", "VOICE_TERM_MOBILE", "NOK", "2026-08-31", 5, 300, "0.500000"),
          row("IN", "VOICE_TERM_MOBILE", "NOK", "2026-08-14", 3, 181, "0.392167"),
          row("OUT", "SMS_TERM", "NOK", "2026-08-02", 4, 0, "0.600000"),
          row("IN", "SMS_TERM", "NOK", "2026-08-02", 2, 0, "0.320000"),
          row("OUT", "VOICE_INTL", "EUR", "2026-08-03", 1, 30, "0.250000"));

  @Test
  void linesPerDirectionProductAndCurrency() {
    SettlementStatement statement = SettlementStatement.of("FJORDPARTNER", AUGUST, ROWS);

    assertEquals(
        List.of(
            line("IN", "VOICE_TERM_MOBILE", "NOK", 3, 181, "0.392167"),
            line("IN", "SMS_TERM", "NOK", 2, 0, "0.320000"),
            line("OUT", "VOICE_TERM_MOBILE", "NOK", 15, 910, "1.755140"),
            line("OUT", "VOICE_INTL", "EUR", 1, 30, "0.250000"),
            line("OUT", "SMS_TERM", "NOK", 4, 0, "0.600000")),
        statement.lines());
    assertEquals(
        List.of(
            new SettlementStatement.Total("EUR", amount("0.000000"), amount("0.250000")),
            new SettlementStatement.Total("NOK", amount("0.712167"), amount("2.355140"))),
        statement.totals());
    assertEquals(amount("-1.642973"), statement.totals().get(1).net());
  }

  @ParameterizedTest(name = "{0} s = {1} min")
  @CsvSource({"0, 0.00", "30, 0.50", "61, 1.02", "89, 1.48", "90, 1.50", "910, 15.17"})
  void minutesHaveTwoDecimalsHalfUp(long seconds, BigDecimal minutes) {
    SettlementStatement.Line line = line("OUT", "VOICE_TERM_FIXED", "NOK", 1, seconds, "0.000000");

    assertEquals(minutes, line.minutes());
  }

  @Test
  void csvHasAHeaderAndOneLinePerProductAndDirection() {
    String csv = SettlementStatement.of("FJORDPARTNER", AUGUST, ROWS).toCsv();

    assertEquals(
        """
        partner_id,month,direction,product,currency,events,seconds,minutes,amount
        FJORDPARTNER,2026-08,IN,VOICE_TERM_MOBILE,NOK,3,181,3.02,0.392167
        FJORDPARTNER,2026-08,IN,SMS_TERM,NOK,2,0,0.00,0.320000
        FJORDPARTNER,2026-08,OUT,VOICE_TERM_MOBILE,NOK,15,910,15.17,1.755140
        FJORDPARTNER,2026-08,OUT,VOICE_INTL,EUR,1,30,0.50,0.250000
        FJORDPARTNER,2026-08,OUT,SMS_TERM,NOK,4,0,0.00,0.600000
        """,
        csv);
  }

  @Test
  void tableIsReadable() {
    String table = SettlementStatement.of("FJORDPARTNER", AUGUST, ROWS).toTable();

    assertEquals(
        """
        Interconnect settlement statement
        Partner: FJORDPARTNER
        Month:   2026-08 (days in Europe/Oslo)

        Direction  Product            Currency  Events  Minutes    Amount
        IN         VOICE_TERM_MOBILE  NOK            3     3.02  0.392167
        IN         SMS_TERM           NOK            2     0.00  0.320000
        OUT        VOICE_TERM_MOBILE  NOK           15    15.17  1.755140
        OUT        VOICE_INTL         EUR            1     0.50  0.250000
        OUT        SMS_TERM           NOK            4     0.00  0.600000

        Currency  We invoice (IN)  We pay (OUT)  Net (IN - OUT)
        EUR              0.000000      0.250000       -0.250000
        NOK              0.712167      2.355140       -1.642973
        """,
        table);
  }

  @Test
  void emptyMonth() {
    SettlementStatement statement = SettlementStatement.of("FJORDPARTNER", AUGUST, List.of());

    assertTrue(statement.lines().isEmpty());
    assertTrue(statement.toTable().contains("No settled traffic"));
    assertEquals(
        "partner_id,month,direction,product,currency,events,seconds,minutes,amount\n",
        statement.toCsv());
  }

  @Test
  void csvQuotesAPartnerIdWithAComma() {
    SettlementDailyRow r = row("IN", "SMS_TERM", "NOK", "2026-08-02", 1, 0, "0.160000");
    r.partnerId = "Fjord, Tel";

    String csv = SettlementStatement.of("Fjord, Tel", AUGUST, List.of(r)).toCsv();

    assertTrue(csv.contains("\n\"Fjord, Tel\",2026-08,IN,SMS_TERM,"), csv);
  }

  @Test
  void refusesRowsThatWouldMisstateTheMonth() {
    SettlementDailyRow otherPartner = row("IN", "SMS_TERM", "NOK", "2026-08-02", 1, 0, "0.160000");
    otherPartner.partnerId = "KYSTPARTNER";
    SettlementDailyRow otherMonth = row("IN", "SMS_TERM", "NOK", "2026-09-01", 1, 0, "0.160000");
    SettlementDailyRow sameKeyTwice = row("IN", "SMS_TERM", "NOK", "2026-08-02", 1, 0, "0.160000");

    assertThrows(
        IllegalArgumentException.class,
        () -> SettlementStatement.of("FJORDPARTNER", AUGUST, List.of(otherPartner)));
    assertThrows(
        IllegalArgumentException.class,
        () -> SettlementStatement.of("FJORDPARTNER", AUGUST, List.of(otherMonth)));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SettlementStatement.of(
                "FJORDPARTNER",
                AUGUST,
                List.of(
                    sameKeyTwice, row("IN", "SMS_TERM", "NOK", "2026-08-02", 1, 0, "0.160000"))));
  }

  private static SettlementDailyRow row(
      String direction,
      String product,
      String currency,
      String day,
      long events,
      long seconds,
      String amount) {
    return new SettlementDailyRow(
        "FJORDPARTNER",
        direction,
        product,
        currency,
        LocalDate.parse(day),
        events,
        seconds,
        amount(amount));
  }

  private static SettlementStatement.Line line(
      String direction, String product, String currency, long events, long seconds, String amount) {
    return new SettlementStatement.Line(
        SettlementDirection.valueOf(direction),
        SettlementProduct.valueOf(product),
        currency,
        events,
        seconds,
        amount(amount));
  }

  private static BigDecimal amount(String value) {
    return new BigDecimal(value);
  }
}
