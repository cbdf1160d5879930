-- State lineage of the aggregates (docs/reliability.md, "A start without state"). The streaming
-- job writes settlement_daily and mediation_audit as absolute values taken from its keyed state;
-- a job whose state does not descend from the state that wrote a row must not overwrite it with
-- its own (partial) counts. Every row therefore names the lineage of the state that wrote it:
-- a lineage begins when the job starts without state and is carried in every checkpoint and
-- savepoint after that.

-- One row per lineage, numbered in the order they began. checkpointed_at is set when the job of
-- that lineage first snapshots its state: before that, nothing it consumed was committed, so a
-- start without state may take its rows over; after it, a start without state must refuse (or
-- rebuild, cdrflow ... --rebuild-aggregates).
CREATE TABLE state_lineage (
    lineage_id      uuid        NOT NULL,
    seq             integer     NOT NULL,
    origin          text        NOT NULL CHECK (origin IN ('NEW', 'REBUILT')),
    started_at      timestamptz NOT NULL DEFAULT now(),
    checkpointed_at timestamptz,
    CONSTRAINT state_lineage_pkey PRIMARY KEY (lineage_id),
    CONSTRAINT state_lineage_seq_key UNIQUE (seq)
);

-- Rows written before this migration have no lineage; the next start without state treats them
-- as written by a state that may still exist.
ALTER TABLE settlement_daily ADD COLUMN lineage_id uuid;
ALTER TABLE mediation_audit ADD COLUMN lineage_id uuid;

-- What --rebuild-aggregates found for a key when it began a lineage: that lineage writes base +
-- its own absolute totals, so a restore of it rewrites the same values.
CREATE TABLE settlement_daily_base (
    lineage_id uuid           NOT NULL,
    partner_id text           NOT NULL,
    direction  text           NOT NULL,
    product    text           NOT NULL,
    currency   text           NOT NULL,
    day        date           NOT NULL,
    events     bigint         NOT NULL,
    seconds    bigint         NOT NULL,
    amount     numeric(18, 6) NOT NULL,
    CONSTRAINT settlement_daily_base_pkey
        PRIMARY KEY (lineage_id, partner_id, direction, product, currency, day)
);

CREATE TABLE mediation_audit_base (
    lineage_id              uuid        NOT NULL,
    hour                    timestamptz NOT NULL,
    received                bigint      NOT NULL,
    rejected                bigint      NOT NULL,
    rejected_by_reason      jsonb       NOT NULL,
    duplicates              bigint      NOT NULL,
    partials_joined         bigint      NOT NULL,
    unanswered              bigint      NOT NULL,
    rated                   bigint      NOT NULL,
    lines_written           bigint      NOT NULL,
    settlement_rows_written bigint      NOT NULL,
    pending_partials        bigint      NOT NULL,
    reprocessed             bigint      NOT NULL,
    CONSTRAINT mediation_audit_base_pkey PRIMARY KEY (lineage_id, hour)
);

REVOKE ALL ON state_lineage, settlement_daily_base, mediation_audit_base FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON state_lineage, settlement_daily_base, mediation_audit_base
    TO cdr_mediation;
GRANT SELECT ON state_lineage TO cdr_finance;
