-- Least privilege: the streaming job never reads invoice (which account has paid what). Only the
-- anonymiser needs it, to tell settled invoices from unpaid ones. V3 had granted cdr_mediation
-- every reference table; the job runs without this one (docs/privacy.md, docs/reliability.md).
REVOKE SELECT ON invoice FROM cdr_mediation;
