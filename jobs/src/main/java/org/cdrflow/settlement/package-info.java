/**
 * Interconnect settlement (docs/settlement.md): which events are settled with which partner, at
 * which wholesale price, and the detail, daily and monthly figures finance pulls.
 *
 * <p>Plain Java business rules, no Flink types: the Flink operators of the pipeline call {@link
 * org.cdrflow.settlement.InterconnectSettlementRule}, build {@link
 * org.cdrflow.settlement.SettlementCall} rows and hold a {@link
 * org.cdrflow.settlement.DailySettlement} per key in state. Money is {@link java.math.BigDecimal}
 * (or whole micro-units in state), never a binary floating point number.
 */
package org.cdrflow.settlement;
