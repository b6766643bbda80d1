-- Outgoing documents: drafting, signature, numbering, dispatch, recall.
ALTER TABLE documents ADD COLUMN number_label TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN drafter_id TEXT;
ALTER TABLE documents ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE documents ADD COLUMN signer_id TEXT;
ALTER TABLE documents ADD COLUMN signed_at BIGINT;
ALTER TABLE documents ADD COLUMN numbered_at BIGINT;
ALTER TABLE documents ADD COLUMN dispatched_at BIGINT;
ALTER TABLE documents ADD COLUMN cancelled_at BIGINT;
ALTER TABLE documents ADD COLUMN cancel_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN drafting_unit_code TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN congress BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE documents ADD COLUMN series TEXT;
ALTER TABLE documents ADD COLUMN recall_requested BOOLEAN NOT NULL DEFAULT FALSE;
-- A number is given once per series.
CREATE UNIQUE INDEX documents_outgoing_number ON documents (office_id, series, number)
    WHERE direction = 'outgoing' AND series IS NOT NULL;

-- Recipients (nơi nhận) of outgoing documents, with their latest status.
CREATE TABLE recipients (
    id                   TEXT    PRIMARY KEY,
    document_id          TEXT    NOT NULL REFERENCES documents (id),
    position             BIGINT NOT NULL,
    office_id            TEXT,
    organ_id             TEXT    NOT NULL,
    name                 TEXT    NOT NULL,
    status               TEXT    NOT NULL,
    status_at            BIGINT,
    incoming_document_id TEXT
);
CREATE INDEX recipients_document ON recipients (document_id, position);
CREATE INDEX recipients_incoming ON recipients (incoming_document_id);

-- Every status a recipient reported.
CREATE TABLE recipient_statuses (
    recipient_id TEXT    NOT NULL REFERENCES recipients (id),
    at           BIGINT NOT NULL,
    status       TEXT    NOT NULL,
    note         TEXT    NOT NULL
);
CREATE INDEX recipient_statuses_recipient ON recipient_statuses (recipient_id, at);

-- Committee terms and congresses of each office, for Party numbering.
CREATE TABLE terms (
    id         TEXT    PRIMARY KEY,
    office_id  TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    starts_on  TEXT    NOT NULL,
    ends_on    TEXT,
    congress   BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX terms_office ON terms (office_id, starts_on);
