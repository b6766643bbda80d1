-- Periodic briefing reports: one per office and period, with their
-- sections, frozen figures and the BC document that carried them upward.
CREATE TABLE reports (
    id                TEXT    PRIMARY KEY,
    office_id         TEXT    NOT NULL,
    kind              TEXT    NOT NULL,
    period_year       BIGINT NOT NULL,
    period_number     BIGINT NOT NULL,
    period_from       TEXT    NOT NULL,
    period_to         TEXT    NOT NULL,
    period_key        TEXT    NOT NULL,
    title             TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    sections_json     TEXT    NOT NULL,
    figures_json      TEXT,
    deadline          TEXT    NOT NULL,
    parent_office_id  TEXT,
    place             TEXT    NOT NULL,
    round             BIGINT NOT NULL,
    created_by        TEXT    NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    submitted_at      BIGINT,
    approved_by       TEXT,
    approved_at       BIGINT,
    override_reason   TEXT    NOT NULL,
    document_id       TEXT,
    number_symbol     TEXT    NOT NULL,
    issued_on         TEXT,
    signing_prefix    TEXT    NOT NULL,
    signing_body      TEXT    NOT NULL,
    signer_position   TEXT    NOT NULL,
    signer_name       TEXT    NOT NULL,
    sent_at           BIGINT,
    decided_at        BIGINT,
    return_reason     TEXT    NOT NULL
);
-- One report per office and period.
CREATE UNIQUE INDEX reports_office_period ON reports (office_id, period_key);
CREATE INDEX reports_period ON reports (period_key);
CREATE INDEX reports_office_year ON reports (office_id, period_year, kind);

-- What happened to each report, in order.
CREATE TABLE report_events (
    report_id   TEXT    NOT NULL REFERENCES reports (id),
    seq         BIGINT NOT NULL,
    happened_at BIGINT NOT NULL,
    actor_id    TEXT    NOT NULL,
    actor_name  TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    PRIMARY KEY (report_id, seq)
);

-- The deployment's reporting rules (one row).
CREATE TABLE reporting_policy (
    id          TEXT    PRIMARY KEY,
    policy_json TEXT    NOT NULL,
    updated_at  BIGINT NOT NULL
);
