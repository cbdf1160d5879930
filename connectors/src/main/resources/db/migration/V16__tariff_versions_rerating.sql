-- Tariff versions, the inputs of every line's amount, and shadow re-rating (docs/rerating.md).

-- 1. Tariff versions ---------------------------------------------------------------------------
-- price_plan and rate rows get a validity like interconnect_rate: an event is priced by the row in
-- force at its event time (latest valid_from at or before it, and before valid_to when set).
-- Loading a new tariff adds a version; old versions stay. Rows that existed before, and files
-- without the column, are valid from the beginning (1970-01-01, the default).
ALTER TABLE rate DROP CONSTRAINT rate_plan_id_fkey;
ALTER TABLE subscription DROP CONSTRAINT subscription_plan_id_fkey;
-- A plan_id is no longer unique in price_plan, so it cannot be a foreign key target: the loader
-- checks that a rate's or a subscription's plan exists (docs/reference-data.md).

ALTER TABLE price_plan
    ADD COLUMN valid_from timestamptz NOT NULL DEFAULT '1970-01-01 00:00:00+00',
    ADD COLUMN valid_to   timestamptz,
    DROP CONSTRAINT price_plan_pkey,
    ADD CONSTRAINT price_plan_pkey PRIMARY KEY (plan_id, valid_from),
    ADD CONSTRAINT price_plan_validity_check CHECK (valid_to > valid_from);

ALTER TABLE rate
    ADD COLUMN valid_from timestamptz NOT NULL DEFAULT '1970-01-01 00:00:00+00',
    ADD COLUMN valid_to   timestamptz,
    DROP CONSTRAINT rate_pkey,
    ADD CONSTRAINT rate_pkey PRIMARY KEY (plan_id, service, zone, valid_from),
    ADD CONSTRAINT rate_validity_check CHECK (valid_to > valid_from);

-- 2. Every line explains itself ----------------------------------------------------------------
-- The inputs of the amount (docs/rating.md, "Invoice line"). None of them identifies a person:
-- the anonymisation job copies them unchanged.
ALTER TABLE invoice_line
    ADD COLUMN plan_id             text,
    ADD COLUMN rate_valid_from     timestamptz,
    ADD COLUMN unit_price          numeric(12, 4),
    ADD COLUMN connect_fee         numeric(12, 4),
    ADD COLUMN fair_use_surcharge  numeric,
    ADD COLUMN allowance_before    bigint,
    ADD COLUMN allowance_after     bigint,
    ADD COLUMN reference_version   bigint,
    ADD COLUMN visited_zone        text,
    ADD COLUMN raw_records         integer,
    ADD COLUMN source_topic        text,
    ADD COLUMN source_partition    integer,
    ADD COLUMN source_offset       bigint,
    -- An ADJUSTMENT line: the line it corrects and the re-rating run that made it.
    ADD COLUMN corrects_line_id    uuid,
    ADD COLUMN rerate_run_id       uuid;
CREATE INDEX invoice_line_corrects_idx ON invoice_line (corrects_line_id)
    WHERE corrects_line_id IS NOT NULL;

ALTER TABLE settlement_call ADD COLUMN interconnect_rate_valid_from timestamptz;

-- 3. Shadow re-rating --------------------------------------------------------------------------
CREATE TABLE rerate_run (
    run_id            uuid           NOT NULL,
    period            text           NOT NULL,
    account_id        text,
    subscription_id   text,
    reference_version bigint         NOT NULL,
    status            text           NOT NULL DEFAULT 'RATING',
    lines_selected    bigint         NOT NULL DEFAULT 0,
    lines_changed     bigint         NOT NULL DEFAULT 0,
    lines_skipped_anonymised bigint  NOT NULL DEFAULT 0,
    total_before      numeric(14, 2) NOT NULL DEFAULT 0,
    total_after       numeric(14, 2) NOT NULL DEFAULT 0,
    started_at        timestamptz    NOT NULL DEFAULT now(),
    rated_at          timestamptz,
    published_at      timestamptz,
    lines_updated     bigint         NOT NULL DEFAULT 0,
    adjustment_lines  bigint         NOT NULL DEFAULT 0,
    CONSTRAINT rerate_run_pkey PRIMARY KEY (run_id),
    CONSTRAINT rerate_run_period_check CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    CONSTRAINT rerate_run_status_check
        CHECK (status IN ('RATING', 'RATED', 'PUBLISHING', 'PUBLISHED', 'FAILED'))
);

-- One row per selected line: the amount before (issued amount plus earlier adjustments) and the
-- line as the reference data rates it now. Never read by the streaming job.
CREATE TABLE rerate_line (
    run_id              uuid           NOT NULL,
    line_id             uuid           NOT NULL,
    event_date          date           NOT NULL,
    account_id          text,
    subscription_id     text,
    billing_period      text,
    changed             text[]         NOT NULL DEFAULT '{}',
    old_amount          numeric(12, 2),
    old_rating_zone     text,
    old_billed_units    bigint,
    old_allowance_units bigint,
    old_chargeable_units bigint,
    old_flags           text[],
    rating_zone         text,
    billed_units        bigint,
    allowance_units     bigint,
    chargeable_units    bigint,
    amount              numeric(12, 2),
    flags               text[],
    plan_id             text,
    rate_valid_from     timestamptz,
    unit_price          numeric(12, 4),
    connect_fee         numeric(12, 4),
    fair_use_surcharge  numeric,
    allowance_before    bigint,
    allowance_after     bigint,
    published_at        timestamptz,
    -- What publishing did: UPDATED in place, ADJUSTED (adjustment line added), or SKIPPED_*.
    outcome             text,
    CONSTRAINT rerate_line_pkey PRIMARY KEY (run_id, line_id)
);

-- 4. Who may do what ---------------------------------------------------------------------------
-- cdr_rerater runs `cdrflow rerate` and is the only role that publishes; billing reads the shadow
-- tables and approves the diff, but cannot publish.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'cdr_rerater') THEN
        CREATE ROLE cdr_rerater NOLOGIN;
    END IF;
END
$$;
REVOKE ALL ON rerate_run, rerate_line FROM PUBLIC;
GRANT USAGE ON SCHEMA ${flyway:defaultSchema} TO cdr_rerater;
GRANT SELECT ON
    price_plan, rate, subscription, sim_block, special_number, country_zone, number_range,
    ported_number, partner, trunk, transit_route, interconnect_rate, billing_period, invoice,
    reference_version, anonymisation_run
    TO cdr_rerater;
GRANT SELECT, INSERT, UPDATE ON invoice_line, settlement_call, settlement_daily TO cdr_rerater;
GRANT SELECT, INSERT, UPDATE, DELETE ON rerate_run, rerate_line TO cdr_rerater;
GRANT SELECT ON rerate_run, rerate_line TO cdr_billing;
