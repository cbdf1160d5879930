-- After every migration (every command that uses the database migrates it first): half-month
-- partitions of invoice_line and settlement_call for the last month and the next three, so that
-- the streaming job writes into partitions of their own (docs/operations.md, "Partitions").
SELECT cdrflow_add_half_month_partitions((now() AT TIME ZONE 'Europe/Oslo')::date - 31,
                                         (now() AT TIME ZONE 'Europe/Oslo')::date + 92);
