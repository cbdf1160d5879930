-- Re-rating corrects settlement too (docs/rerating.md, "Settlement"): the settlement_call rows of
-- the re-rated lines are priced again with the interconnect_rate in force now, and those that
-- changed wait here, beside rerate_line, until the run is published.
CREATE TABLE rerate_settlement (
    run_id                           uuid           NOT NULL,
    settlement_id                    uuid           NOT NULL,
    line_id                          uuid,
    partner_id                       text           NOT NULL,
    direction                        text           NOT NULL,
    product                          text           NOT NULL,
    -- The Europe/Oslo day of settlement_daily the row counts on.
    day                              date           NOT NULL,
    seconds                          bigint         NOT NULL,
    units                            bigint         NOT NULL,
    old_price                        numeric(18, 6),
    old_amount                       numeric(18, 6) NOT NULL,
    old_currency                     text           NOT NULL,
    old_interconnect_rate_valid_from timestamptz,
    price                            numeric(18, 6) NOT NULL,
    amount                           numeric(18, 6) NOT NULL,
    currency                         text           NOT NULL,
    interconnect_rate_valid_from     timestamptz    NOT NULL,
    published_at                     timestamptz,
    -- What publishing did: UPDATED in place, or SKIPPED_ANONYMISED / SKIPPED_CHANGED / SKIPPED_MISSING.
    outcome                          text,
    CONSTRAINT rerate_settlement_pkey PRIMARY KEY (run_id, settlement_id)
);

REVOKE ALL ON rerate_settlement FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON rerate_settlement TO cdr_rerater;
GRANT SELECT ON rerate_settlement TO cdr_billing;
-- Publishing adds a day's correction to the base of the lineage that wrote the day, so that the
-- streaming job's next absolute write of that day keeps it (docs/reliability.md, "State lineage").
GRANT SELECT, INSERT, UPDATE ON settlement_daily_base TO cdr_rerater;
