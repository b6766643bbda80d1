-- Tamper-evident audit trail: one hash chain per office.
CREATE TABLE audit_records (
    office_id        TEXT   NOT NULL,
    seq              BIGINT NOT NULL,
    id               TEXT   NOT NULL UNIQUE,
    recorded_at      BIGINT NOT NULL,
    actor_user_id    TEXT   NOT NULL,
    actor_office_id  TEXT   NOT NULL,
    entity           TEXT   NOT NULL,
    entity_id        TEXT   NOT NULL,
    action           TEXT   NOT NULL,
    before_json      TEXT,
    after_json       TEXT,
    trace_id         TEXT   NOT NULL,
    prev_hash        TEXT   NOT NULL,
    hash             TEXT   NOT NULL,
    PRIMARY KEY (office_id, seq)
);
CREATE INDEX audit_records_entity ON audit_records (office_id, entity, entity_id, seq);

-- The end of each chain, so that removing the newest records is detected too.
CREATE TABLE audit_heads (
    office_id TEXT   PRIMARY KEY,
    seq       BIGINT NOT NULL,
    hash      TEXT   NOT NULL
);

-- Results of create calls by client key, so that retries create nothing.
CREATE TABLE idempotency_keys (
    scope        TEXT   NOT NULL,
    key          TEXT   NOT NULL,
    request_hash TEXT   NOT NULL,
    response     BYTEA,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
