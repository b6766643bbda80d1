-- Dues travel up the tree: an office keeps a share of what its child
-- offices remit to it and owes the rest to its own parent.
ALTER TABLE dues_rates ADD COLUMN received_bp BIGINT NOT NULL DEFAULT 5000;
ALTER TABLE dues_remittances ADD COLUMN parent_kept_share BIGINT NOT NULL DEFAULT 0;
ALTER TABLE dues_remittances ADD COLUMN parent_owed_share BIGINT NOT NULL DEFAULT 0;
CREATE INDEX dues_remittances_to ON dues_remittances (to_office_id, remitted_on);
