package org.cdrflow.settlement;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.cdrflow.reference.InterconnectRate;
import org.cdrflow.reference.Partner;
import org.cdrflow.reference.PortedNumber;
import org.cdrflow.reference.ReferenceData;
import org.cdrflow.reference.SpecialNumber;

/**
 * A small operator landscape for the settlement tests. We are NORDNETT. Operator and partner ids
 * are free of digits on purpose, so that a test can assert that reject details hold no digit at
 * all.
 *
 * <pre>
 * number_range   +474 FJORDTEL, +4740 NORDNETT (longest prefix wins), +479 FJORDTEL,
 *                +472 KYSTLINJE, +4779 KYSTLINJE (Svalbard), +4759 ORPHANTEL (no partner row);
 *                nothing for +4758 (no operator)
 * ported_number  +4791111111 to NORDNETT from 2026-01-01 (ported in)
 *                +4740000001 to FJORDTEL from 2026-02-01 (ported out)
 *                +4792222222 to NORDNETT from 2026-09-01 (later than the events)
 * special_number +47820, +47815
 * partner        FJORDPARTNER (FJORDTEL), KYSTPARTNER (KYSTLINJE), TRANSITCARRIER (no operator)
 * trunk          TRK-FJORD-A -> FJORDPARTNER, TRK-KYST -> KYSTPARTNER; TRK-INTERNAL is ours
 * transit_route  SE, DE -> TRANSITCARRIER; none for US
 * </pre>
 */
final class SettlementReferenceFixture {
  static final String HOME = "NORDNETT";

  /** When the first rates take effect: 2026-01-01 00:00 Oslo. */
  static final Instant RATES_FROM = Instant.parse("2025-12-31T23:00:00Z");

  /** The mid-month rate change of FJORDPARTNER OUT VOICE_TERM_MOBILE: 2026-08-15 00:00 Oslo. */
  static final Instant RATE_CHANGE = OffsetDateTime.parse("2026-08-15T00:00:00+02:00").toInstant();

  static final ReferenceData REFERENCE = build();

  private SettlementReferenceFixture() {}

  private static ReferenceData build() {
    ReferenceData.Builder b = ReferenceData.builder().version(1);
    b.numberRange("+474", "FJORDTEL")
        .numberRange("+4740", HOME)
        .numberRange("+479", "FJORDTEL")
        .numberRange("+472", "KYSTLINJE")
        .numberRange("+4779", "KYSTLINJE")
        .numberRange("+4759", "ORPHANTEL");
    b.portedNumber(new PortedNumber("+4791111111", HOME, Instant.parse("2026-01-01T00:00:00Z")))
        .portedNumber(
            new PortedNumber("+4740000001", "FJORDTEL", Instant.parse("2026-02-01T00:00:00Z")))
        .portedNumber(new PortedNumber("+4792222222", HOME, Instant.parse("2026-09-01T00:00:00Z")));
    b.specialNumber(
            new SpecialNumber(
                "+47820", "Premium services", BigDecimal.ONE, new BigDecimal("9.90"), null))
        .specialNumber(
            new SpecialNumber(
                "+47815", "Shared cost", BigDecimal.ZERO, new BigDecimal("0.99"), null));
    b.partner(new Partner("FJORDPARTNER", "Fjordtel AS", "FJORDTEL"))
        .partner(new Partner("KYSTPARTNER", "Kystlinje AS", "KYSTLINJE"))
        .partner(new Partner("TRANSITCARRIER", "Transit Carrier Ltd", null));
    b.trunk("TRK-FJORD-A", "FJORDPARTNER").trunk("TRK-KYST", "KYSTPARTNER");
    b.transitRoute("SE", "TRANSITCARRIER").transitRoute("DE", "TRANSITCARRIER");

    rate(b, "FJORDPARTNER", "OUT", "VOICE_TERM_MOBILE", "0.123456", "MINUTE", "NOK", RATES_FROM);
    rate(b, "FJORDPARTNER", "OUT", "VOICE_TERM_MOBILE", "0.100000", "MINUTE", "NOK", RATE_CHANGE);
    rate(b, "FJORDPARTNER", "OUT", "VOICE_TERM_FIXED", "0.050000", "MINUTE", "NOK", RATES_FROM);
    rate(b, "FJORDPARTNER", "OUT", "SMS_TERM", "0.150000", "SMS", "NOK", RATES_FROM);
    rate(b, "FJORDPARTNER", "IN", "VOICE_TERM_MOBILE", "0.130000", "MINUTE", "NOK", RATES_FROM);
    rate(b, "FJORDPARTNER", "IN", "SMS_TERM", "0.160000", "SMS", "NOK", RATES_FROM);
    rate(b, "KYSTPARTNER", "OUT", "VOICE_TERM_FIXED", "0.040000", "MINUTE", "NOK", RATES_FROM);
    // Misconfigured on purpose: an SMS product priced per minute.
    rate(b, "KYSTPARTNER", "OUT", "SMS_TERM", "0.100000", "MINUTE", "NOK", RATES_FROM);
    rate(b, "TRANSITCARRIER", "OUT", "VOICE_INTL", "0.500000", "MINUTE", "EUR", RATES_FROM);
    rate(b, "TRANSITCARRIER", "OUT", "SMS_TERM", "0.030000", "SMS", "EUR", RATES_FROM);
    return b.build();
  }

  private static void rate(
      ReferenceData.Builder b,
      String partner,
      String direction,
      String product,
      String price,
      String unit,
      String currency,
      Instant from) {
    b.interconnectRate(
        new InterconnectRate(
            partner, direction, product, new BigDecimal(price), unit, currency, from));
  }
}
