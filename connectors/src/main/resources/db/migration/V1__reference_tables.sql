-- Reference data maintained by BSS (or loaded from CSV with `cdrflow load-reference`).
-- Column names are a public interface: the CSV headers, the streaming job's lookups and the
-- BSS feeds all use them. See docs/reference-data.md.
--
-- Foreign keys exist only where a file depends on another file that is always loaded first
-- (price_plan, partner), so independent files can be loaded in any order.
-- Validity intervals are half-open: [valid_from, valid_to); valid_to NULL = open-ended.

CREATE TABLE price_plan (
    plan_id          text          NOT NULL,
    name             text,
    voice_minutes    integer,
    sms_count        integer,
    data_mb          integer,
    eu_data_limit_mb integer,
    -- Empty in a file = THROTTLE: a plan that says nothing never charges for data overage.
    data_overage     text          NOT NULL DEFAULT 'THROTTLE',
    data_overage_cap numeric(12, 2),
    CONSTRAINT price_plan_pkey PRIMARY KEY (plan_id),
    CONSTRAINT price_plan_data_overage_check CHECK (data_overage IN ('THROTTLE', 'CHARGE')),
    CONSTRAINT price_plan_voice_minutes_check CHECK (voice_minutes >= 0),
    CONSTRAINT price_plan_sms_count_check CHECK (sms_count >= 0),
    CONSTRAINT price_plan_data_mb_check CHECK (data_mb >= 0),
    CONSTRAINT price_plan_eu_data_limit_mb_check CHECK (eu_data_limit_mb >= 0),
    CONSTRAINT price_plan_data_overage_cap_check CHECK (data_overage_cap >= 0)
);

CREATE TABLE rate (
    plan_id        text          NOT NULL,
    service        text          NOT NULL,
    zone           text          NOT NULL,
    connect_fee    numeric(12, 4) NOT NULL DEFAULT 0,
    price          numeric(12, 4) NOT NULL,
    first_interval integer,
    next_interval  integer,
    CONSTRAINT rate_pkey PRIMARY KEY (plan_id, service, zone),
    CONSTRAINT rate_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES price_plan (plan_id),
    CONSTRAINT rate_service_check CHECK (service IN ('VOICE', 'SMS', 'DATA')),
    CONSTRAINT rate_connect_fee_check CHECK (connect_fee >= 0),
    CONSTRAINT rate_price_check CHECK (price >= 0),
    CONSTRAINT rate_first_interval_check CHECK (first_interval > 0),
    CONSTRAINT rate_next_interval_check CHECK (next_interval > 0)
);

CREATE TABLE subscription (
    subscription_id text        NOT NULL,
    account_id      text        NOT NULL,
    msisdn          text        NOT NULL,
    imsi            text,
    plan_id         text        NOT NULL,
    valid_from      timestamptz NOT NULL,
    valid_to        timestamptz,
    CONSTRAINT subscription_pkey PRIMARY KEY (subscription_id, valid_from),
    CONSTRAINT subscription_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES price_plan (plan_id),
    CONSTRAINT subscription_msisdn_check CHECK (msisdn ~ '^\+[1-9][0-9]{5,14}$'),
    CONSTRAINT subscription_imsi_check CHECK (imsi ~ '^[0-9]{6,15}$'),
    CONSTRAINT subscription_validity_check CHECK (valid_to > valid_from)
);
-- The as-of lookup: the subscription of a number at an event time.
CREATE INDEX subscription_msisdn_valid_from_idx ON subscription (msisdn, valid_from);

CREATE TABLE sim_block (
    msisdn     text        NOT NULL,
    blocked_at timestamptz NOT NULL,
    CONSTRAINT sim_block_pkey PRIMARY KEY (msisdn, blocked_at),
    CONSTRAINT sim_block_msisdn_check CHECK (msisdn ~ '^\+[1-9][0-9]{5,14}$')
);

CREATE TABLE special_number (
    prefix           text          NOT NULL,
    description      text,
    connect_fee      numeric(12, 4) NOT NULL DEFAULT 0,
    price_per_minute numeric(12, 4),
    price_per_sms    numeric(12, 4),
    CONSTRAINT special_number_pkey PRIMARY KEY (prefix),
    CONSTRAINT special_number_prefix_check CHECK (prefix ~ '^\+[1-9][0-9]{0,14}$'),
    CONSTRAINT special_number_connect_fee_check CHECK (connect_fee >= 0),
    CONSTRAINT special_number_price_per_minute_check CHECK (price_per_minute >= 0),
    CONSTRAINT special_number_price_per_sms_check CHECK (price_per_sms >= 0)
);

CREATE TABLE country_zone (
    country       text    NOT NULL,
    zone          text    NOT NULL,
    nordic_baltic boolean NOT NULL DEFAULT false,
    CONSTRAINT country_zone_pkey PRIMARY KEY (country),
    CONSTRAINT country_zone_country_check CHECK (country ~ '^[A-Z]{2}$'),
    CONSTRAINT country_zone_zone_check CHECK (zone IN ('NO', 'EU', 'WORLD1', 'WORLD2', 'MARITIME'))
);

CREATE TABLE number_range (
    prefix      text NOT NULL,
    operator_id text NOT NULL,
    CONSTRAINT number_range_pkey PRIMARY KEY (prefix),
    CONSTRAINT number_range_prefix_check CHECK (prefix ~ '^\+[1-9][0-9]{0,14}$')
);

CREATE TABLE ported_number (
    msisdn      text        NOT NULL,
    operator_id text        NOT NULL,
    valid_from  timestamptz NOT NULL,
    CONSTRAINT ported_number_pkey PRIMARY KEY (msisdn, valid_from),
    CONSTRAINT ported_number_msisdn_check CHECK (msisdn ~ '^\+[1-9][0-9]{5,14}$')
);

CREATE TABLE partner (
    partner_id  text NOT NULL,
    name        text,
    operator_id text,
    CONSTRAINT partner_pkey PRIMARY KEY (partner_id),
    -- Settlement picks "the partner whose operator_id is the counterpart's operator": it must
    -- be unambiguous. NULL (a transit carrier that is not a Norwegian operator) may repeat.
    CONSTRAINT partner_operator_id_key UNIQUE (operator_id)
);

CREATE TABLE trunk (
    trunk_id   text NOT NULL,
    partner_id text NOT NULL,
    CONSTRAINT trunk_pkey PRIMARY KEY (trunk_id),
    CONSTRAINT trunk_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES partner (partner_id)
);

CREATE TABLE transit_route (
    country    text NOT NULL,
    partner_id text NOT NULL,
    CONSTRAINT transit_route_pkey PRIMARY KEY (country),
    CONSTRAINT transit_route_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES partner (partner_id),
    CONSTRAINT transit_route_country_check CHECK (country ~ '^[A-Z]{2}$')
);

CREATE TABLE interconnect_rate (
    partner_id text           NOT NULL,
    direction  text           NOT NULL,
    product    text           NOT NULL,
    price      numeric(18, 6) NOT NULL,
    unit       text           NOT NULL,
    currency   text           NOT NULL,
    valid_from timestamptz    NOT NULL,
    CONSTRAINT interconnect_rate_pkey PRIMARY KEY (partner_id, direction, product, valid_from),
    CONSTRAINT interconnect_rate_partner_id_fkey FOREIGN KEY (partner_id) REFERENCES partner (partner_id),
    CONSTRAINT interconnect_rate_direction_check CHECK (direction IN ('IN', 'OUT')),
    CONSTRAINT interconnect_rate_unit_check CHECK (unit IN ('MINUTE', 'SMS')),
    CONSTRAINT interconnect_rate_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT interconnect_rate_price_check CHECK (price >= 0)
);

CREATE TABLE billing_period (
    period    text        NOT NULL,
    closed_at timestamptz,
    CONSTRAINT billing_period_pkey PRIMARY KEY (period),
    CONSTRAINT billing_period_period_check CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')
);

CREATE TABLE invoice (
    invoice_id     text        NOT NULL,
    account_id     text        NOT NULL,
    billing_period text        NOT NULL,
    status         text        NOT NULL,
    paid_at        timestamptz,
    CONSTRAINT invoice_pkey PRIMARY KEY (invoice_id),
    CONSTRAINT invoice_account_id_billing_period_key UNIQUE (account_id, billing_period),
    CONSTRAINT invoice_billing_period_check CHECK (billing_period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    CONSTRAINT invoice_status_check CHECK (status IN ('OPEN', 'PAID', 'OVERDUE', 'DISPUTED', 'CREDITED'))
);

-- Change marker: the streaming job polls this single row (cheap) instead of re-reading every
-- reference table, and reloads its caches when `version` moved.
CREATE TABLE reference_version (
    id         integer     NOT NULL DEFAULT 1,
    version    bigint      NOT NULL,
    changed_at timestamptz NOT NULL,
    CONSTRAINT reference_version_pkey PRIMARY KEY (id),
    CONSTRAINT reference_version_single_row CHECK (id = 1)
);
INSERT INTO reference_version (id, version, changed_at) VALUES (1, 0, now());

-- SECURITY DEFINER: writers of reference data (BSS, cdr_reference_loader) bump the marker
-- through the trigger without being allowed to write reference_version themselves.
CREATE FUNCTION reference_version_bump() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = ${flyway:defaultSchema}, pg_temp
AS $$
BEGIN
    UPDATE reference_version SET version = version + 1, changed_at = now() WHERE id = 1;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION reference_version_bump() FROM PUBLIC;

-- Statement level: a load of a million rows bumps the version once per statement, not per row.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['price_plan', 'rate', 'subscription', 'sim_block', 'special_number',
                             'country_zone', 'number_range', 'ported_number', 'partner', 'trunk',
                             'transit_route', 'interconnect_rate', 'billing_period', 'invoice']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I '
                       'FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump()',
                       t || '_reference_version', t);
    END LOOP;
END
$$;
