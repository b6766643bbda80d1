-- Signed checkpoints of each office's audit chain: the chain's head (seq,
-- hash) at a moment, signed with the deployment's audit key, which is not in
-- the database. A rewritten and recomputed chain no longer matches them.
CREATE TABLE audit_checkpoints (
    office_id TEXT    NOT NULL,
    seq       BIGINT  NOT NULL,
    hash      TEXT    NOT NULL,
    signed_at BIGINT  NOT NULL,
    key_id    TEXT    NOT NULL,
    signature TEXT    NOT NULL,
    PRIMARY KEY (office_id, seq)
);
