-- The hash the newest record of each chain links to, kept on the chain's
-- head beside its own hash, so that one statement can advance the head and
-- write the record with the hash it links to (the audit trail written by
-- the statement of its change, services/platform/src/audit_in_statement.rs).
ALTER TABLE audit_heads ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';

UPDATE audit_heads SET prev_hash = COALESCE(
    (SELECT r.prev_hash FROM audit_records r WHERE r.office_id = audit_heads.office_id AND r.seq = audit_heads.seq),
    '');
