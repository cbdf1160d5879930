-- Outputs of the streaming job and the anonymisation job. Table and column names are a public
-- interface (billing and finance pull these tables). Writers upsert on ids derived from the
-- source record, so a replay never duplicates a row.

-- One itemised line per rated call / SMS / data record (partials joined into one line).
CREATE TABLE invoice_line (
    line_id              uuid           NOT NULL,
    network_element      text,
    call_reference       text,
    account_id           text,
    subscription_id      text,
    msisdn               text,
    imsi                 text,
    billing_period       text,
    usage_period         text,
    event_start          timestamptz,
    event_date           date           NOT NULL,
    service              text,
    direction            text,
    counterpart_number   text,
    counterpart_country  text,
    counterpart_class    text,
    roaming_country      text,
    rating_zone          text,
    duration_s           integer,
    volume_bytes         bigint,
    billed_units         bigint,
    allowance_units      bigint,
    chargeable_units     bigint,
    amount               numeric(12, 2),
    currency             text,
    flags                text[]         NOT NULL DEFAULT '{}',
    created_at           timestamptz    NOT NULL DEFAULT now(),
    updated_at           timestamptz    NOT NULL DEFAULT now(),
    anonymised_at        timestamptz,
    anonymisation_run_id uuid,
    CONSTRAINT invoice_line_pkey PRIMARY KEY (line_id)
);
-- Billing pulls an account's period; the anonymiser joins lines to invoice on the same pair.
CREATE INDEX invoice_line_account_period_idx ON invoice_line (account_id, billing_period);
-- Subscriber export (access / portability requests).
CREATE INDEX invoice_line_msisdn_idx ON invoice_line (msisdn);
-- The anonymiser's scan: only rows still holding an exact time.
CREATE INDEX invoice_line_event_start_pending_idx ON invoice_line (event_start)
    WHERE anonymised_at IS NULL;

-- One row per settled event (interconnect, wholesale).
CREATE TABLE settlement_call (
    settlement_id uuid           NOT NULL,
    line_id       uuid,
    partner_id    text,
    direction     text,
    product       text,
    event_start   timestamptz,
    event_date    date,
    seconds       integer,
    units         bigint,
    price         numeric(18, 6),
    amount        numeric(18, 6),
    currency      text,
    a_number      text,
    b_number      text,
    anonymised_at timestamptz,
    CONSTRAINT settlement_call_pkey PRIMARY KEY (settlement_id)
);
CREATE INDEX settlement_call_partner_day_idx ON settlement_call (partner_id, event_date);
CREATE INDEX settlement_call_line_id_idx ON settlement_call (line_id);

-- Per partner, direction, product, currency and day (Europe/Oslo): the sums of settlement_call.
CREATE TABLE settlement_daily (
    partner_id text           NOT NULL,
    direction  text           NOT NULL,
    product    text           NOT NULL,
    currency   text           NOT NULL,
    day        date           NOT NULL,
    events     bigint         NOT NULL DEFAULT 0,
    seconds    bigint         NOT NULL DEFAULT 0,
    amount     numeric(18, 6) NOT NULL DEFAULT 0,
    updated_at timestamptz    NOT NULL DEFAULT now(),
    CONSTRAINT settlement_daily_pkey PRIMARY KEY (partner_id, direction, product, currency, day)
);

-- Records that could not be decoded or broke a rule: kept with their original bytes so they can
-- be reprocessed once reference data is fixed. Readable only by mediation and the anonymiser.
CREATE TABLE rejected_cdr (
    reject_id        uuid        NOT NULL,
    reason           text        NOT NULL,
    detail           text,
    source_topic     text,
    source_partition integer,
    source_offset    bigint,
    payload          bytea,
    event_time       timestamptz,
    first_seen       timestamptz NOT NULL,
    reprocessed_at   timestamptz,
    CONSTRAINT rejected_cdr_pkey PRIMARY KEY (reject_id)
);
-- `reprocess --reason R` picks the kept rejects of one reason.
CREATE INDEX rejected_cdr_pending_reason_idx ON rejected_cdr (reason) WHERE reprocessed_at IS NULL;
-- The anonymiser purges payloads older than the cutoff (event_time, else first_seen).
CREATE INDEX rejected_cdr_payload_age_idx ON rejected_cdr ((coalesce(event_time, first_seen)))
    WHERE payload IS NOT NULL;

-- Reconciliation per processing hour, counted in raw records (each partial is one):
-- received = rated + rejected + duplicates + unanswered + sum(pending_partials) over all hours.
CREATE TABLE mediation_audit (
    hour                    timestamptz NOT NULL,
    received                bigint      NOT NULL DEFAULT 0,
    rejected                bigint      NOT NULL DEFAULT 0,
    rejected_by_reason      jsonb       NOT NULL DEFAULT '{}',
    duplicates              bigint      NOT NULL DEFAULT 0,
    partials_joined         bigint      NOT NULL DEFAULT 0,
    unanswered              bigint      NOT NULL DEFAULT 0,
    rated                   bigint      NOT NULL DEFAULT 0,
    lines_written           bigint      NOT NULL DEFAULT 0,
    settlement_rows_written bigint      NOT NULL DEFAULT 0,
    pending_partials        bigint      NOT NULL DEFAULT 0,
    reprocessed             bigint      NOT NULL DEFAULT 0,
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT mediation_audit_pkey PRIMARY KEY (hour),
    CONSTRAINT mediation_audit_rejected_by_reason_check
        CHECK (jsonb_typeof(rejected_by_reason) = 'object')
);

-- Adds two reason→count objects key by key, for incrementing rejected_by_reason in an upsert:
--   ... ON CONFLICT (hour) DO UPDATE SET rejected_by_reason =
--       audit_add_counts(mediation_audit.rejected_by_reason, EXCLUDED.rejected_by_reason)
CREATE FUNCTION audit_add_counts(a jsonb, b jsonb) RETURNS jsonb
    LANGUAGE sql
    IMMUTABLE
AS $$
    SELECT coalesce(jsonb_object_agg(k, total), '{}'::jsonb)
    FROM (
        SELECT k, sum(v::bigint) AS total
        FROM (
            SELECT key AS k, value AS v FROM jsonb_each_text(coalesce(a, '{}'::jsonb))
            UNION ALL
            SELECT key, value FROM jsonb_each_text(coalesce(b, '{}'::jsonb))
        ) AS both_sides
        GROUP BY k
    ) AS summed
$$;

-- One row per run of the monthly anonymisation job (dry runs included).
CREATE TABLE anonymisation_run (
    run_id                uuid        NOT NULL,
    as_of                 date,
    cutoff                timestamptz,
    started_at            timestamptz NOT NULL DEFAULT now(),
    finished_at           timestamptz,
    status                text        NOT NULL DEFAULT 'RUNNING',
    dry_run               boolean     NOT NULL DEFAULT false,
    lines_anonymised      bigint      NOT NULL DEFAULT 0,
    settlement_anonymised bigint      NOT NULL DEFAULT 0,
    rejects_purged        bigint      NOT NULL DEFAULT 0,
    retained_unpaid       bigint      NOT NULL DEFAULT 0,
    retained_disputed     bigint      NOT NULL DEFAULT 0,
    retained_no_invoice   bigint      NOT NULL DEFAULT 0,
    CONSTRAINT anonymisation_run_pkey PRIMARY KEY (run_id),
    CONSTRAINT anonymisation_run_status_check CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED'))
);
-- TOO_OLD check: the cutoff of the latest completed (non-dry) run.
CREATE INDEX anonymisation_run_cutoff_idx ON anonymisation_run (cutoff)
    WHERE status = 'COMPLETED' AND NOT dry_run;
