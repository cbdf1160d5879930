-- The closing sweep of a monthly anonymisation run (docs/anonymisation.md): settlement rows older
-- than the cutoff that still hold numbers although their invoice line was anonymised (a late event
-- processed while a run went on can land its settlement row just after its line was anonymised).
-- The split statements also read the settlement rows of each event-time range through it.
-- Mirrors invoice_line_event_start_pending_idx: only rows not yet anonymised, so it stays small.
CREATE INDEX settlement_call_event_start_pending_idx ON settlement_call (event_start)
    WHERE anonymised_at IS NULL;
