-- Least-privilege roles. Roles are cluster-wide and may already exist (another database of the
-- same cluster, or created by the DBA): create only the missing ones. They are NOLOGIN groups;
-- a deployment grants LOGIN or membership to its service accounts.
--   cdr_billing          reads invoice_line
--   cdr_finance          reads settlement_daily and settlement_call
--   cdr_mediation        the streaming job: reads reference data, writes the outputs
--   cdr_anonymiser       the monthly job: updates what it anonymises
--   cdr_reference_loader BSS loads of reference data
-- Usage data is not used for other purposes: nobody else gets anything, and only mediation and
-- the anonymiser can read rejected_cdr (it holds raw records with numbers).
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['cdr_billing', 'cdr_finance', 'cdr_mediation', 'cdr_anonymiser',
                             'cdr_reference_loader']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END
$$;

REVOKE ALL ON
    price_plan, rate, subscription, sim_block, special_number, country_zone, number_range,
    ported_number, partner, trunk, transit_route, interconnect_rate, billing_period, invoice,
    reference_version,
    invoice_line, settlement_call, settlement_daily, rejected_cdr, mediation_audit,
    anonymisation_run
    FROM PUBLIC;

GRANT USAGE ON SCHEMA ${flyway:defaultSchema}
    TO cdr_billing, cdr_finance, cdr_mediation, cdr_anonymiser, cdr_reference_loader;

GRANT SELECT ON invoice_line TO cdr_billing;

GRANT SELECT ON settlement_daily, settlement_call TO cdr_finance;

GRANT SELECT ON
    price_plan, rate, subscription, sim_block, special_number, country_zone, number_range,
    ported_number, partner, trunk, transit_route, interconnect_rate, billing_period, invoice,
    reference_version, anonymisation_run
    TO cdr_mediation;
GRANT SELECT, INSERT, UPDATE ON
    invoice_line, settlement_call, settlement_daily, rejected_cdr, mediation_audit
    TO cdr_mediation;

GRANT SELECT, UPDATE ON invoice_line, settlement_call, rejected_cdr TO cdr_anonymiser;
GRANT SELECT ON invoice TO cdr_anonymiser;
GRANT SELECT, INSERT, UPDATE ON anonymisation_run TO cdr_anonymiser;

GRANT SELECT, INSERT, UPDATE, DELETE ON
    price_plan, rate, subscription, sim_block, special_number, country_zone, number_range,
    ported_number, partner, trunk, transit_route, interconnect_rate, billing_period, invoice
    TO cdr_reference_loader;
-- Lets the loader (and BSS) see whether its changes were picked up.
GRANT SELECT ON reference_version TO cdr_reference_loader;
