-- Abnormal-usage detection (docs/fraud.md): the rules an analyst tunes, the high-risk destination
-- list, the alerts the streaming job raises and the role that works them.

-- One version of a detection rule: a change is a new row of the same rule_id with a later
-- valid_from, so an alert names the version that raised it (rule_id, valid_from) and older alerts
-- keep theirs. Parameters are typed columns; an empty one takes the kind's default (docs/fraud.md).
CREATE TABLE fraud_rule (
    rule_id            text          NOT NULL,
    valid_from         timestamptz   NOT NULL,
    kind               text          NOT NULL,
    severity           text          NOT NULL DEFAULT 'MEDIUM',
    enabled            boolean       NOT NULL DEFAULT true,
    plan_id            text,
    window_minutes     integer,
    min_calls          integer,
    min_minutes        numeric(10, 1),
    min_amount         numeric(12, 2),
    min_distinct       integer,
    short_call_seconds integer,
    short_share        numeric(4, 3),
    max_incoming       integer,
    spike_factor       numeric(6, 2),
    baseline_amount    numeric(12, 2),
    CONSTRAINT fraud_rule_pkey PRIMARY KEY (rule_id, valid_from),
    CONSTRAINT fraud_rule_kind_check CHECK (kind IN ('HIGH_RISK_DESTINATION', 'PREMIUM_BURST',
        'CALL_SPRAY', 'SIM_BOX', 'ROAMING_HIGH_USAGE', 'USAGE_SPIKE', 'BLOCKED_SIM_ACTIVITY')),
    CONSTRAINT fraud_rule_severity_check CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH')),
    CONSTRAINT fraud_rule_window_check CHECK (window_minutes BETWEEN 1 AND 1440),
    CONSTRAINT fraud_rule_short_share_check CHECK (short_share BETWEEN 0 AND 1)
);

-- Destinations of international revenue-share fraud: number prefixes (E.164) and why.
CREATE TABLE high_risk_destination (
    prefix text NOT NULL,
    reason text,
    CONSTRAINT high_risk_destination_pkey PRIMARY KEY (prefix),
    CONSTRAINT high_risk_destination_prefix_check CHECK (prefix ~ '^\+[1-9][0-9]{0,14}$')
);

CREATE TRIGGER fraud_rule_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON fraud_rule FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump();
CREATE TRIGGER high_risk_destination_reference_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON high_risk_destination FOR EACH STATEMENT EXECUTE FUNCTION reference_version_bump();

-- One alert per rule, subscription and window; alert_id is derived from the three, so a replay
-- writes the same row (the job inserts with ON CONFLICT DO NOTHING: an analyst's decision stays).
CREATE TABLE fraud_alert (
    alert_id              uuid          NOT NULL,
    rule_id               text          NOT NULL,
    rule_version          timestamptz   NOT NULL,
    kind                  text          NOT NULL,
    severity              text          NOT NULL,
    subscription_id       text,
    account_id            text,
    window_start          timestamptz   NOT NULL,
    window_end            timestamptz   NOT NULL,
    event_count           integer       NOT NULL DEFAULT 0,
    minutes               numeric(12, 1) NOT NULL DEFAULT 0,
    amount                numeric(12, 2) NOT NULL DEFAULT 0,
    distinct_destinations integer       NOT NULL DEFAULT 0,
    first_event           timestamptz,
    last_event            timestamptz,
    raised_at             timestamptz   NOT NULL DEFAULT now(),
    status                text          NOT NULL DEFAULT 'OPEN',
    decided_by            text,
    decided_at            timestamptz,
    decision_reason       text,
    anonymised_at         timestamptz,
    anonymisation_run_id  uuid,
    CONSTRAINT fraud_alert_pkey PRIMARY KEY (alert_id),
    CONSTRAINT fraud_alert_status_check CHECK (status IN ('OPEN', 'DISMISSED', 'BLOCKED'))
);
CREATE INDEX fraud_alert_status_idx ON fraud_alert (status, raised_at);
-- The anonymiser's scan: only alerts still naming a subscription.
CREATE INDEX fraud_alert_window_pending_idx ON fraud_alert (window_start)
    WHERE anonymised_at IS NULL;

ALTER TABLE anonymisation_run ADD COLUMN alerts_anonymised bigint NOT NULL DEFAULT 0;

REVOKE ALL ON fraud_rule, high_risk_destination, fraud_alert FROM PUBLIC;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'cdr_fraud') THEN
        CREATE ROLE cdr_fraud NOLOGIN;
    END IF;
END
$$;
GRANT USAGE ON SCHEMA ${flyway:defaultSchema} TO cdr_fraud;

GRANT SELECT ON fraud_rule, high_risk_destination TO cdr_mediation;
GRANT SELECT, INSERT ON fraud_alert TO cdr_mediation;
GRANT SELECT, UPDATE ON fraud_alert TO cdr_anonymiser;
GRANT SELECT, INSERT, UPDATE, DELETE ON fraud_rule, high_risk_destination TO cdr_reference_loader;

-- The analyst: reads alerts and the usage behind them, decides, and blocks a SIM (R9: the block
-- notice ends the customer's liability). Billing and finance get nothing here.
GRANT SELECT, UPDATE ON fraud_alert TO cdr_fraud;
GRANT SELECT ON fraud_rule, high_risk_destination, subscription, invoice_line TO cdr_fraud;
GRANT SELECT, INSERT ON sim_block TO cdr_fraud;
