-- What finance and billing pull (docs/reconciliation.md, docs/interfaces.md):
--   1. partner reconciliation results: reconciliation_run, reconciliation_item;
--   2. the readiness of a billing period's lines: billing_period.readiness;
--   3. versioned views, the interface billing and finance read.

-- 1. Partner reconciliation -------------------------------------------------------------------

-- One row per reconciled set of inputs. run_id is derived from the partner, the month, the
-- SHA-256 of the files and the tolerances, so running the same inputs again rewrites the same run.
CREATE TABLE reconciliation_run (
    run_id                  uuid           NOT NULL,
    partner_id              text           NOT NULL,
    month                   text           NOT NULL,
    statement_sha256        text           NOT NULL,
    partner_cdrs_sha256     text,
    tolerances              text           NOT NULL,
    currency                text,
    -- Per call (only with a partner CDR file): each of our calls and theirs in exactly one class.
    our_calls               bigint         NOT NULL DEFAULT 0,
    their_calls             bigint         NOT NULL DEFAULT 0,
    matched                 bigint         NOT NULL DEFAULT 0,
    matched_with_difference bigint         NOT NULL DEFAULT 0,
    ours_only               bigint         NOT NULL DEFAULT 0,
    theirs_only             bigint         NOT NULL DEFAULT 0,
    our_calls_amount        numeric(18, 6),
    their_calls_amount      numeric(18, 6),
    -- Per statement row (direction, product, day).
    days_matched            bigint         NOT NULL DEFAULT 0,
    days_with_difference    bigint         NOT NULL DEFAULT 0,
    days_ours_only          bigint         NOT NULL DEFAULT 0,
    days_theirs_only        bigint         NOT NULL DEFAULT 0,
    -- The month's money: ours from settlement_daily, theirs from the statement; their - ours.
    our_total_amount        numeric(18, 6) NOT NULL,
    their_total_amount      numeric(18, 6) NOT NULL,
    amount_difference       numeric(18, 6) NOT NULL,
    reconciled_at           timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT reconciliation_run_pkey PRIMARY KEY (run_id),
    CONSTRAINT reconciliation_run_month_check CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')
);
CREATE INDEX reconciliation_run_partner_month_idx ON reconciliation_run (partner_id, month);

-- Every statement row (level DAY) and every call that is not a plain MATCHED (level CALL). Holds
-- no phone number: a call is named by our settlement_id and the partner's call id.
CREATE TABLE reconciliation_item (
    run_id              uuid           NOT NULL,
    item_id             text           NOT NULL,
    level               text           NOT NULL,
    class               text           NOT NULL,
    direction           text,
    product             text,
    their_product       text,
    day                 date,
    settlement_id       uuid,
    their_call_id       text,
    their_line          integer,
    our_start           timestamptz,
    their_start         timestamptz,
    our_seconds         bigint,
    their_seconds       bigint,
    our_events          bigint,
    their_events        bigint,
    our_amount          numeric(18, 6),
    their_amount        numeric(18, 6),
    differences         text[]         NOT NULL DEFAULT '{}',
    start_difference_s  numeric(12, 3),
    seconds_difference  bigint,
    events_difference   bigint,
    amount_difference   numeric(18, 6),
    -- run_id names a reconciliation_run; no foreign key (foreign keys are kept to reference
    -- data), `cdrflow reconcile` writes both in one transaction.
    CONSTRAINT reconciliation_item_pkey PRIMARY KEY (run_id, item_id),
    CONSTRAINT reconciliation_item_level_check CHECK (level IN ('CALL', 'DAY')),
    CONSTRAINT reconciliation_item_class_check
        CHECK (class IN ('MATCHED', 'MATCHED_WITH_DIFFERENCE', 'OURS_ONLY', 'THEIRS_ONLY'))
);

-- 2. Readiness of a billing period ------------------------------------------------------------

-- OPEN: lines may still land; COMPLETE: the streaming job's event time passed the period's end
-- plus the lateness it accepts and the period is closed, so no new line lands in it; INVOICED:
-- billing cut the invoices. Only forward (docs/interfaces.md, "Period readiness").
ALTER TABLE billing_period
    ADD COLUMN readiness    text        NOT NULL DEFAULT 'OPEN',
    ADD COLUMN completed_at timestamptz,
    ADD COLUMN invoiced_at  timestamptz,
    ADD CONSTRAINT billing_period_readiness_check
        CHECK (readiness IN ('OPEN', 'COMPLETE', 'INVOICED'));

CREATE FUNCTION billing_period_readiness_forward() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF NEW.readiness IS DISTINCT FROM OLD.readiness THEN
        IF NOT ((OLD.readiness = 'OPEN' AND NEW.readiness = 'COMPLETE')
                OR (OLD.readiness = 'COMPLETE' AND NEW.readiness = 'INVOICED')) THEN
            RAISE EXCEPTION 'billing period % cannot go from % to %',
                OLD.period, OLD.readiness, NEW.readiness
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.readiness = 'COMPLETE' THEN
            NEW.completed_at := coalesce(NEW.completed_at, now());
        ELSIF NEW.readiness = 'INVOICED' THEN
            NEW.invoiced_at := coalesce(NEW.invoiced_at, now());
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER billing_period_readiness_forward
    BEFORE UPDATE OF readiness ON billing_period
    FOR EACH ROW EXECUTE FUNCTION billing_period_readiness_forward();

-- A period that has closed stays closed: a later load of billing_period (BSS, load-reference)
-- may close it earlier but never reopen it or close it later, since lines already went LATE on
-- the strength of it and COMPLETE relies on it (docs/interfaces.md, "Period readiness").
CREATE FUNCTION billing_period_stays_closed() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    IF OLD.closed_at IS NOT NULL AND OLD.closed_at <= now()
       AND (NEW.closed_at IS NULL OR NEW.closed_at > OLD.closed_at) THEN
        NEW.closed_at := OLD.closed_at;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER billing_period_stays_closed
    BEFORE UPDATE OF closed_at ON billing_period
    FOR EACH ROW EXECUTE FUNCTION billing_period_stays_closed();

-- The streaming job closes a period nobody closed and marks it COMPLETE; billing marks INVOICED.
GRANT INSERT (period, closed_at, readiness, completed_at),
      UPDATE (closed_at, readiness, completed_at)
    ON billing_period TO cdr_mediation;
GRANT SELECT, UPDATE (readiness, invoiced_at) ON billing_period TO cdr_billing;

-- 3. Versioned views --------------------------------------------------------------------------
-- Column lists are frozen per version: a change that removes, renames, retypes or reorders a
-- column, or changes a column's meaning, is a new view _v2 next to _v1 (docs/interfaces.md).

-- What billing needs per account and period, only for periods whose lines are complete.
CREATE VIEW billing_invoice_line_v1 AS
SELECT l.line_id,
       l.account_id,
       l.subscription_id,
       l.msisdn,
       l.billing_period,
       p.readiness AS period_readiness,
       l.usage_period,
       l.event_start,
       l.event_date,
       l.service,
       l.direction,
       l.counterpart_number,
       l.counterpart_country,
       l.roaming_country,
       l.rating_zone,
       l.duration_s,
       l.volume_bytes,
       l.billed_units,
       l.allowance_units,
       l.chargeable_units,
       l.amount,
       l.currency,
       l.flags
  FROM invoice_line l
  JOIN billing_period p ON p.period = l.billing_period
 WHERE p.readiness IN ('COMPLETE', 'INVOICED');

-- Per partner, direction, product, currency and Oslo day.
CREATE VIEW finance_settlement_v1 AS
SELECT partner_id, direction, product, currency, day, events, seconds, amount, updated_at
  FROM settlement_daily;

-- One row per settled call.
CREATE VIEW finance_settlement_call_v1 AS
SELECT settlement_id, line_id, partner_id, direction, product, event_start, event_date, seconds,
       units, price, amount, currency, a_number, b_number, anonymised_at
  FROM settlement_call;

REVOKE ALL ON reconciliation_run, reconciliation_item, billing_invoice_line_v1,
    finance_settlement_v1, finance_settlement_call_v1 FROM PUBLIC;
GRANT SELECT ON billing_invoice_line_v1 TO cdr_billing;
GRANT SELECT ON finance_settlement_v1, finance_settlement_call_v1 TO cdr_finance;
-- Finance runs `cdrflow reconcile` and reads its results; billing never sees them.
GRANT SELECT, INSERT, UPDATE, DELETE ON reconciliation_run, reconciliation_item TO cdr_finance;
