-- invoice_line and settlement_call partitioned by event_date in half months (docs/anonymisation.md,
-- "Half-month partitions"). The monthly anonymisation takes the half months that are wholly before
-- its cutoff and mostly due, and writes each anew in anonymised form in one transaction, instead of
-- updating its rows one by one: writing a row costs PostgreSQL about a third of updating it.
--
-- A half month is [1st, 16th) or [16th, 1st of the next month) of event_date, the local date
-- (Europe/Oslo) of event_start. The cutoff is local midnight on a 1st, so a half month lies wholly
-- before it or wholly after it. Rows of a date no half-month partition covers go to the default
-- partition, where the anonymisation updates them row by row as before.
--
-- The primary keys include event_date, as a partitioned table's unique keys must. A line's
-- event_date is fixed by its line_id (both come from the same source record), so (line_id,
-- event_date) identifies a line as line_id did; the upserts of the streaming job conflict on it.
-- On an existing database this migration copies both tables: plan for it (docs/operations.md).

-- The first day of the half month holding day d.
CREATE FUNCTION cdrflow_half_month_start(d date) RETURNS date
    LANGUAGE sql
    IMMUTABLE
AS $$
    SELECT CASE WHEN extract(day FROM d) < 16 THEN date_trunc('month', d)::date
                ELSE date_trunc('month', d)::date + 15 END
$$;

-- The first day of the half month after the one starting on s.
CREATE FUNCTION cdrflow_half_month_end(s date) RETURNS date
    LANGUAGE sql
    IMMUTABLE
AS $$
    SELECT CASE WHEN extract(day FROM s) = 1 THEN s + 15
                ELSE (date_trunc('month', s) + interval '1 month')::date END
$$;

-- Creates the missing half-month partitions of both tables for the days first_day..last_day;
-- returns how many it created. A half month whose rows already went to the default partition is
-- left there (its rows would have to move under a lock; the anonymisation handles them row by
-- row). Runs as the owner of the tables, so the streaming job and the anonymisation job, which may
-- not change the schema, can keep partitions ahead of the data.
CREATE FUNCTION cdrflow_add_half_month_partitions(first_day date, last_day date) RETURNS integer
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = ${flyway:defaultSchema}, pg_temp
AS $$
DECLARE
    s       date := cdrflow_half_month_start(first_day);
    e       date;
    t       text;
    part    text;
    taken   boolean;
    created integer := 0;
BEGIN
    -- Within ten years back and two years ahead: the streaming job's login may call this, and
    -- must not be able to fill the catalogue with partitions.
    IF first_day IS NULL OR last_day IS NULL
       OR first_day < (now() AT TIME ZONE 'Europe/Oslo')::date - 3660
       OR last_day > (now() AT TIME ZONE 'Europe/Oslo')::date + 731 THEN
        RAISE EXCEPTION 'half months are added from ten years ago to two years ahead, not % to %',
            first_day, last_day;
    END IF;
    -- Two callers creating the same partition at once: one waits for the other.
    PERFORM pg_advisory_xact_lock(7226859233584739074);
    WHILE s <= last_day LOOP
        e := cdrflow_half_month_end(s);
        FOREACH t IN ARRAY ARRAY['invoice_line', 'settlement_call'] LOOP
            part := t || '_' || to_char(s, 'YYYY_MM_DD');
            IF to_regclass(part) IS NULL THEN
                EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE event_date >= $1'
                               ' AND event_date < $2)', t || '_default')
                    INTO taken USING s, e;
                IF NOT taken THEN
                    BEGIN
                        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)'
                                       ' WITH (fillfactor = 85)', part, t, s, e);
                        created := created + 1;
                    EXCEPTION WHEN check_violation THEN
                        -- A row of the half month reached the default partition meanwhile: it
                        -- stays there, like the others before it.
                        NULL;
                    END;
                END IF;
            END IF;
        END LOOP;
        s := e;
    END LOOP;
    RETURN created;
END
$$;

-- Writes one half month of both tables anew, anonymised, in the caller's transaction, and puts the
-- new tables in place of the old partitions; returns the lines and settlement rows it anonymised.
-- The same rule as the row-by-row statements of the anonymisation job (docs/anonymisation.md): a
-- pending line whose event started before the cutoff and whose invoice has one of the settled
-- statuses loses the columns in cleared (created_at keeps only its day); a pending settlement row
-- whose line is anonymised loses its numbers and line_id. Every other row is copied as it is.
-- Runs as the owner of the tables: the anonymiser may update rows but not change the schema.
CREATE FUNCTION cdrflow_anonymise_half_month(first_day date, run uuid, cutoff timestamptz,
                                             settled text[], OUT lines bigint,
                                             OUT settlement bigint)
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = ${flyway:defaultSchema}, pg_temp
AS $$
DECLARE
    last_end   date := cdrflow_half_month_end(first_day);
    -- Partition names: invoice_line_2026_04_16; the new tables: invoice_line_2026_04_16_anonymised.
    part_day   text := to_char(first_day, 'YYYY_MM_DD');
    line_part  text := 'invoice_line_' || part_day;
    call_part  text := 'settlement_call_' || part_day;
    line_new   text := line_part || '_anonymised';
    call_new   text := call_part || '_anonymised';
    cleared    text[] := ARRAY['msisdn', 'imsi', 'counterpart_number', 'account_id',
                               'subscription_id', 'network_element', 'call_reference',
                               'event_start'];
    call_cleared text[] := ARRAY['a_number', 'b_number', 'line_id'];
    line_names text;
    line_cols  text;
    call_names text;
    call_cols  text;
    timeout    text := current_setting('lock_timeout');
    attempts   integer := 0;
    t          text;
    ix         record;
BEGIN
    IF first_day IS NULL OR first_day IS DISTINCT FROM cdrflow_half_month_start(first_day) THEN
        RAISE EXCEPTION 'not the first day of a half month: %', first_day;
    END IF;
    -- Only inside a recorded run, with that run's cutoff, and only the settled statuses
    -- (docs/anonymisation.md): the function cannot be used to anonymise anything else.
    IF NOT EXISTS (SELECT 1 FROM anonymisation_run r WHERE r.run_id = run AND r.status = 'RUNNING'
                   AND NOT r.dry_run AND r.cutoff = cdrflow_anonymise_half_month.cutoff) THEN
        RAISE EXCEPTION 'no running anonymisation run % with cutoff %', run, cutoff;
    END IF;
    IF settled IS NULL OR NOT settled <@ ARRAY['PAID', 'CREDITED'] THEN
        RAISE EXCEPTION 'only PAID and CREDITED invoices are settled, not %', settled;
    END IF;
    IF (last_end::timestamp AT TIME ZONE 'Europe/Oslo') > cutoff THEN
        RAISE EXCEPTION 'the half month from % does not end before the cutoff %', first_day, cutoff;
    END IF;
    IF to_regclass(line_part) IS NULL OR to_regclass(call_part) IS NULL THEN
        RAISE EXCEPTION 'no partitions for the half month from %', first_day;
    END IF;
    -- No writes to the half month while it is written anew; reading it goes on. A write that
    -- holds the half month for a minute (or the caller's shorter lock_timeout) leaves it to the
    -- row-by-row statements.
    PERFORM set_config('lock_timeout',
                       CASE WHEN timeout::interval > interval '0' AND timeout::interval < interval '60s'
                            THEN timeout ELSE '60s' END, true);
    BEGIN
        EXECUTE format('LOCK TABLE %I, %I IN SHARE MODE', line_part, call_part);
    EXCEPTION WHEN lock_not_available THEN
        RAISE EXCEPTION 'writes to the half month from % hold it', first_day USING ERRCODE = 'CDR01';
    END;
    PERFORM set_config('lock_timeout', timeout, true);

    SELECT string_agg(CASE
               WHEN attname = ANY (cleared) THEN format('CASE WHEN d THEN NULL ELSE l.%I END', attname)
               WHEN attname = 'created_at'
                   THEN 'CASE WHEN d THEN date_trunc(''day'', l.created_at, ''Europe/Oslo'')'
                        ' ELSE l.created_at END'
               WHEN attname IN ('updated_at', 'anonymised_at')
                   THEN format('CASE WHEN d THEN now() ELSE l.%I END', attname)
               WHEN attname = 'anonymisation_run_id' THEN 'CASE WHEN d THEN $1 ELSE l.anonymisation_run_id END'
               ELSE format('l.%I', attname) END, ', ' ORDER BY attnum),
           string_agg(quote_ident(attname), ', ' ORDER BY attnum)
      INTO line_cols, line_names
      FROM pg_attribute
     WHERE attrelid = 'invoice_line'::regclass AND attnum > 0 AND NOT attisdropped;
    SELECT string_agg(CASE
               WHEN attname = ANY (call_cleared) THEN format('CASE WHEN d THEN NULL ELSE s.%I END', attname)
               WHEN attname = 'anonymised_at' THEN 'CASE WHEN d THEN now() ELSE s.anonymised_at END'
               ELSE format('s.%I', attname) END, ', ' ORDER BY attnum),
           string_agg(quote_ident(attname), ', ' ORDER BY attnum)
      INTO call_cols, call_names
      FROM pg_attribute
     WHERE attrelid = 'settlement_call'::regclass AND attnum > 0 AND NOT attisdropped;

    -- LIKE the partitions, not the parents: a lock on a parent held to the end would make two
    -- half months written at once wait for each other at the swap.
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING STORAGE)'
                   ' WITH (fillfactor = 85)', line_new, line_part);
    EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM %I l LEFT JOIN invoice i'
                   ' ON i.account_id = l.account_id AND i.billing_period = l.billing_period,'
                   ' LATERAL (SELECT l.anonymised_at IS NULL AND l.event_start < $2'
                   ' AND coalesce(i.status = ANY ($3), false) AS d) due',
                   line_new, line_names, line_cols, line_part) USING run, cutoff, settled;
    EXECUTE format('SELECT count(*) FROM %I WHERE anonymisation_run_id = $1'
                   ' AND anonymised_at = now()', line_new) INTO lines USING run;

    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING STORAGE)'
                   ' WITH (fillfactor = 85)', call_new, call_part);
    EXECUTE format('INSERT INTO %I (%s) SELECT %s FROM %I s LEFT JOIN %I l'
                   ' ON l.line_id = s.line_id AND l.event_date = s.event_date,'
                   ' LATERAL (SELECT s.anonymised_at IS NULL AND l.anonymised_at IS NOT NULL AS d) due',
                   call_new, call_names, call_cols, call_part, line_new);
    EXECUTE format('SELECT count(*) FROM %I WHERE anonymised_at = now()', call_new) INTO settlement;

    -- The indexes of the partitions, built once over the new rows and named after the parents'
    -- indexes; ATTACH adopts them. The range check spares ATTACH a scan of the new rows.
    FOREACH t IN ARRAY ARRAY['invoice_line', 'settlement_call'] LOOP
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT half_month CHECK (event_date >= %L AND event_date < %L)',
                       t || '_' || part_day || '_anonymised', first_day, last_end);
        FOR ix IN SELECT i.indisprimary, c.relname AS name, pg_get_indexdef(i.indexrelid) AS def,
                         (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.n)
                            FROM unnest(i.indkey) WITH ORDINALITY k(attnum, n)
                            JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum)
                             AS cols
                    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                   WHERE i.indrelid = t::regclass LOOP
            IF ix.indisprimary THEN
                EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I PRIMARY KEY (%s)',
                               t || '_' || part_day || '_anonymised',
                               ix.name || '_' || to_char(first_day, 'YYYYMMDD') || '_new', ix.cols);
            ELSE
                EXECUTE regexp_replace(ix.def, '^CREATE (UNIQUE )?INDEX \S+ ON ONLY \S+',
                                       'CREATE \1INDEX '
                                       || quote_ident(ix.name || '_' || to_char(first_day, 'YYYYMMDD')
                                                      || '_new')
                                       || ' ON '
                                       || quote_ident(t || '_' || part_day || '_anonymised'));
            END IF;
        END LOOP;
    END LOOP;

    -- The swap takes the parents' strongest lock for a moment. Behind a long read it waits in
    -- steps of half a second, so that it never holds up other sessions for longer than a step. A
    -- write to this half month waiting for the lock taken above would wait for the swap while the
    -- swap waits for it: then the half month is left to the row-by-row statements (SQLSTATE
    -- CDR01, the job falls back), and the write goes through once this transaction rolls back.
    PERFORM set_config('lock_timeout', '500ms', true);
    LOOP
        IF EXISTS (SELECT 1 FROM pg_locks w
                    WHERE NOT w.granted AND w.relation IN (line_part::regclass, call_part::regclass)) THEN
            RAISE EXCEPTION 'writes to the half month from % are waiting', first_day
                USING ERRCODE = 'CDR01';
        END IF;
        BEGIN
            EXECUTE format('ALTER TABLE invoice_line DETACH PARTITION %I', line_part);
            EXECUTE format('ALTER TABLE invoice_line ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                           line_new, first_day, last_end);
            EXECUTE format('ALTER TABLE settlement_call DETACH PARTITION %I', call_part);
            EXECUTE format('ALTER TABLE settlement_call ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                           call_new, first_day, last_end);
            EXIT;
        EXCEPTION WHEN lock_not_available OR deadlock_detected THEN
            attempts := attempts + 1;
            IF attempts >= 300 THEN
                RAISE;
            END IF;
            PERFORM pg_sleep(0.5);
        END;
    END LOOP;
    PERFORM set_config('lock_timeout', timeout, true);

    EXECUTE format('DROP TABLE %I, %I', line_part, call_part);
    FOREACH t IN ARRAY ARRAY['invoice_line', 'settlement_call'] LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT half_month',
                       t || '_' || part_day || '_anonymised');
        EXECUTE format('ALTER TABLE %I RENAME TO %I',
                       t || '_' || part_day || '_anonymised',
                       t || '_' || part_day);
        -- The parent index invoice_line_pkey gives invoice_line_2026_04_01_pkey, and so on.
        FOR ix IN SELECT c.relname AS name, pc.relname AS parent
                    FROM pg_index i
                    JOIN pg_class c ON c.oid = i.indexrelid
                    JOIN pg_inherits h ON h.inhrelid = i.indexrelid
                    JOIN pg_class pc ON pc.oid = h.inhparent
                   WHERE i.indrelid = (t || '_' || part_day)::regclass LOOP
            IF to_regclass(replace(ix.parent, t, t || '_' || part_day)) IS NULL THEN
                EXECUTE format('ALTER INDEX %I RENAME TO %I', ix.name,
                               replace(ix.parent, t, t || '_' || part_day));
            END IF;
        END LOOP;
    END LOOP;
END
$$;

REVOKE ALL ON FUNCTION cdrflow_add_half_month_partitions(date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION cdrflow_anonymise_half_month(date, uuid, timestamptz, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cdrflow_add_half_month_partitions(date, date)
    TO cdr_mediation, cdr_anonymiser;
GRANT EXECUTE ON FUNCTION cdrflow_anonymise_half_month(date, uuid, timestamptz, text[])
    TO cdr_anonymiser;

-- The tables themselves: the old ones step aside, the partitioned ones take their names, and the
-- rows move over.
ALTER TABLE invoice_line RENAME TO invoice_line_unpartitioned;
ALTER TABLE settlement_call RENAME TO settlement_call_unpartitioned;

CREATE TABLE invoice_line (LIKE invoice_line_unpartitioned INCLUDING DEFAULTS INCLUDING STORAGE)
    PARTITION BY RANGE (event_date);
CREATE TABLE settlement_call (LIKE settlement_call_unpartitioned INCLUDING DEFAULTS
                              INCLUDING STORAGE)
    PARTITION BY RANGE (event_date);
-- Every settlement row has the local date of its event (the streaming job always writes it).
ALTER TABLE settlement_call ALTER COLUMN event_date SET NOT NULL;
CREATE TABLE invoice_line_default PARTITION OF invoice_line DEFAULT WITH (fillfactor = 85);
CREATE TABLE settlement_call_default PARTITION OF settlement_call DEFAULT WITH (fillfactor = 85);

-- Half months for the rows there are and for the year around now; later ones are added by every
-- anonymisation run and by `cdrflow migrate` (docs/operations.md, "Partitions").
SELECT cdrflow_add_half_month_partitions(
    greatest(least(coalesce((SELECT min(event_date) FROM invoice_line_unpartitioned), 'infinity'),
                   coalesce((SELECT min(event_date) FROM settlement_call_unpartitioned), 'infinity'),
                   (now() AT TIME ZONE 'Europe/Oslo')::date - 365),
             (now() AT TIME ZONE 'Europe/Oslo')::date - 3000),
    least(greatest(coalesce((SELECT max(event_date) FROM invoice_line_unpartitioned), '-infinity'),
                   coalesce((SELECT max(event_date) FROM settlement_call_unpartitioned), '-infinity'),
                   (now() AT TIME ZONE 'Europe/Oslo')::date + 92),
          (now() AT TIME ZONE 'Europe/Oslo')::date + 600));

INSERT INTO invoice_line SELECT * FROM invoice_line_unpartitioned;
INSERT INTO settlement_call
SELECT settlement_id, line_id, partner_id, direction, product, event_start,
       coalesce(event_date, (event_start AT TIME ZONE 'Europe/Oslo')::date), seconds, units, price,
       amount, currency, a_number, b_number, anonymised_at
  FROM settlement_call_unpartitioned;
DROP TABLE invoice_line_unpartitioned;
DROP TABLE settlement_call_unpartitioned;

ALTER TABLE invoice_line ADD CONSTRAINT invoice_line_pkey PRIMARY KEY (line_id, event_date);
CREATE INDEX invoice_line_account_period_idx ON invoice_line (account_id, billing_period)
    WHERE account_id IS NOT NULL;
CREATE INDEX invoice_line_msisdn_idx ON invoice_line (msisdn)
    WHERE msisdn IS NOT NULL;
CREATE INDEX invoice_line_event_start_pending_idx ON invoice_line (event_start)
    WHERE anonymised_at IS NULL;

ALTER TABLE settlement_call ADD CONSTRAINT settlement_call_pkey
    PRIMARY KEY (settlement_id, event_date);
CREATE INDEX settlement_call_partner_day_idx ON settlement_call (partner_id, event_date);
CREATE INDEX settlement_call_line_id_idx ON settlement_call (line_id)
    WHERE line_id IS NOT NULL;
CREATE INDEX settlement_call_event_start_pending_idx ON settlement_call (event_start)
    WHERE anonymised_at IS NULL;

REVOKE ALL ON invoice_line, settlement_call FROM PUBLIC;
GRANT SELECT ON invoice_line TO cdr_billing;
GRANT SELECT ON settlement_call TO cdr_finance;
GRANT SELECT, INSERT, UPDATE ON invoice_line, settlement_call TO cdr_mediation;
GRANT SELECT, UPDATE ON invoice_line, settlement_call TO cdr_anonymiser;
