-- Charging files collected from the network elements (docs/formats.md, docs/operations.md
-- "Collecting BER files"): one row per distinct content (sha256), so a file delivered twice is
-- collected once. Counts are in records: records = records emitted to cdr.raw + records_rejected
-- (rejected UNDECODABLE in collection, listed in rejected_cdr with file, index and offset).
CREATE TABLE collected_file (
    sha256            text        NOT NULL,
    name              text        NOT NULL,
    size              bigint      NOT NULL,
    records           integer     NOT NULL,
    records_rejected  integer     NOT NULL,
    -- COLLECTING: records sent, not yet confirmed by a checkpoint (sent again if the collector
    -- restarts); COLLECTED; INCOMPLETE: ends inside a record, nothing sent; RELEASED: an
    -- incomplete file an operator let through (the cut-off record rejected); SUPERSEDED: an
    -- incomplete file whose whole version was collected later.
    status            text        NOT NULL
        CHECK (status IN ('COLLECTING', 'COLLECTED', 'INCOMPLETE', 'RELEASED', 'SUPERSEDED')),
    first_event_time  timestamptz,
    last_event_time   timestamptz,
    first_seen        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT collected_file_pkey PRIMARY KEY (sha256),
    CONSTRAINT collected_file_counts CHECK (records_rejected BETWEEN 0 AND records)
);
CREATE INDEX collected_file_name_idx ON collected_file (name);
CREATE INDEX collected_file_held_idx ON collected_file (status) WHERE status = 'INCOMPLETE';

REVOKE ALL ON collected_file FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON collected_file TO cdr_mediation;
