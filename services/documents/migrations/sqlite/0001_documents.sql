-- The catalogue of document types (DOMAIN.md §2.1); defaults are inserted
-- by the service at start and may be edited.
CREATE TABLE document_types (
    code           TEXT    PRIMARY KEY,
    name           TEXT    NOT NULL,
    state          BOOLEAN NOT NULL,
    party          BOOLEAN NOT NULL,
    active         BOOLEAN NOT NULL,
    sort_order     INTEGER NOT NULL
);

-- Gap-free number series: one row per office and series (e.g. "in:2026").
CREATE TABLE number_series (
    office_id   TEXT    NOT NULL,
    series      TEXT    NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (office_id, series)
);

CREATE TABLE documents (
    id                 TEXT    PRIMARY KEY,
    office_id          TEXT    NOT NULL,
    direction          TEXT    NOT NULL,
    status             TEXT    NOT NULL,
    type_code          TEXT    NOT NULL,
    subject            TEXT    NOT NULL,
    number             INTEGER,
    symbol             TEXT    NOT NULL,
    number_symbol      TEXT    NOT NULL,
    issued_on          TEXT,
    issuer_name        TEXT    NOT NULL,
    issuer_code        TEXT    NOT NULL,
    signer_name        TEXT    NOT NULL,
    signer_position    TEXT    NOT NULL,
    signing_prefix     TEXT    NOT NULL DEFAULT '',
    urgency            INTEGER NOT NULL,
    secrecy            INTEGER NOT NULL,
    pages              INTEGER NOT NULL,
    due_on             TEXT,
    channel            TEXT    NOT NULL,
    electronic_id      TEXT,
    duplicate_key      TEXT,
    arrival_year       INTEGER,
    arrival_number     INTEGER,
    received_at        INTEGER,
    registered_at      INTEGER,
    sender_office_id   TEXT,
    source_document_id TEXT,
    leader_id          TEXT,
    lead_handler_id    TEXT,
    handling_deadline  TEXT,
    direction_note     TEXT    NOT NULL DEFAULT '',
    assigned_at        INTEGER,
    reply_document_id  TEXT,
    completed_at       INTEGER,
    filed_at           INTEGER,
    file_reference     TEXT    NOT NULL DEFAULT '',
    refusal_reason     TEXT    NOT NULL DEFAULT '',
    search_text        TEXT    NOT NULL,
    created_by         TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE UNIQUE INDEX documents_arrival ON documents (office_id, arrival_year, arrival_number)
    WHERE arrival_number IS NOT NULL;
CREATE UNIQUE INDEX documents_electronic ON documents (office_id, electronic_id)
    WHERE electronic_id IS NOT NULL AND status <> 'refused';
CREATE UNIQUE INDEX documents_duplicate ON documents (office_id, duplicate_key)
    WHERE duplicate_key IS NOT NULL AND status <> 'refused';
CREATE INDEX documents_listing ON documents (office_id, direction, created_at);
CREATE INDEX documents_status ON documents (office_id, status);

-- Handlers of an incoming document: the lead (chủ trì) and coordinators.
CREATE TABLE document_handlers (
    document_id TEXT NOT NULL REFERENCES documents (id),
    user_id     TEXT NOT NULL,
    lead        BOOLEAN NOT NULL,
    PRIMARY KEY (document_id, user_id)
);
CREATE INDEX document_handlers_user ON document_handlers (user_id);

-- Who may read a secret document.
CREATE TABLE document_distribution (
    document_id TEXT NOT NULL REFERENCES documents (id),
    user_id     TEXT NOT NULL,
    PRIMARY KEY (document_id, user_id)
);

-- The history of a document: each step and each progress note.
CREATE TABLE document_events (
    id          TEXT    PRIMARY KEY,
    document_id TEXT    NOT NULL REFERENCES documents (id),
    at          INTEGER NOT NULL,
    actor_id    TEXT    NOT NULL,
    actor_name  TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    note        TEXT    NOT NULL
);
CREATE INDEX document_events_document ON document_events (document_id, at);

-- Full-text search over the folded (lower-case, diacritic-free) text.
CREATE VIRTUAL TABLE documents_fts USING fts5 (search_text, content = 'documents', content_rowid = 'rowid');
CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER documents_fts_update AFTER UPDATE OF search_text ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO documents_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
