-- What the monthly anonymisation costs the database (docs/anonymisation.md, "What it costs").
--
-- Anonymising a line nulls columns that are indexed (account_id, msisdn; line_id on a settlement
-- row), so PostgreSQL writes a new row version and, for every index whose entry the new version
-- needs, a new index entry. An anonymised row is never looked up by those columns again (they are
-- NULL), so the indexes keep only rows that still hold them: the new row version then needs no entry
-- in them. Every lookup that uses them (billing by account and period, the subscriber export by
-- number, settlement rows by line) compares with a value, which PostgreSQL proves non-null, so the
-- partial indexes serve the same queries.
DROP INDEX invoice_line_account_period_idx;
CREATE INDEX invoice_line_account_period_idx ON invoice_line (account_id, billing_period)
    WHERE account_id IS NOT NULL;

DROP INDEX invoice_line_msisdn_idx;
CREATE INDEX invoice_line_msisdn_idx ON invoice_line (msisdn)
    WHERE msisdn IS NOT NULL;

DROP INDEX settlement_call_line_id_idx;
CREATE INDEX settlement_call_line_id_idx ON settlement_call (line_id)
    WHERE line_id IS NOT NULL;

-- Room on each page for the anonymised version of its rows, so that it is written beside the
-- original instead of on another page (fewer pages written and logged per run). Applies to pages
-- written from now on; `VACUUM FULL` or pg_repack applies it to older ones.
ALTER TABLE invoice_line SET (fillfactor = 85);
ALTER TABLE settlement_call SET (fillfactor = 85);
