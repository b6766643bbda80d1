-- Offices; their parents live in office_links, one row per period.
CREATE TABLE offices (
    id             TEXT    PRIMARY KEY,
    code           TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    issuer_code    TEXT    NOT NULL,
    numbering      TEXT    NOT NULL,
    established_on TEXT    NOT NULL,
    dissolved_on   TEXT,
    successor_id   TEXT    REFERENCES offices (id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

-- effective_from inclusive, effective_to exclusive (NULL: still holds).
CREATE TABLE office_links (
    office_id      TEXT NOT NULL REFERENCES offices (id),
    parent_id      TEXT REFERENCES offices (id),
    effective_from TEXT NOT NULL,
    effective_to   TEXT,
    reason         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (office_id, effective_from)
);
CREATE INDEX office_links_parent ON office_links (parent_id);

CREATE TABLE users (
    id            TEXT    PRIMARY KEY,
    office_id     TEXT    NOT NULL REFERENCES offices (id),
    username      TEXT    NOT NULL UNIQUE,
    full_name     TEXT    NOT NULL,
    search_key    TEXT    NOT NULL,
    roles         TEXT    NOT NULL,
    clearance     BIGINT NOT NULL,
    password_hash TEXT    NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX users_office ON users (office_id, username);

CREATE TABLE service_accounts (
    id          TEXT    PRIMARY KEY,
    client_id   TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    office_id   TEXT    NOT NULL REFERENCES offices (id),
    roles       TEXT    NOT NULL,
    clearance   BIGINT NOT NULL,
    secret_hash TEXT,
    disabled    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX service_accounts_office ON service_accounts (office_id);

-- A signed-in session of a user or service account. Refresh tokens are kept
-- only as SHA-256 hashes; the previous one is kept to detect reuse.
CREATE TABLE sessions (
    id                      TEXT    PRIMARY KEY,
    subject_id              TEXT    NOT NULL,
    service_account         BOOLEAN NOT NULL,
    refresh_hash            TEXT    UNIQUE,
    previous_refresh_hash   TEXT,
    client_addr             TEXT    NOT NULL DEFAULT '',
    created_at              BIGINT NOT NULL,
    refreshed_at            BIGINT NOT NULL,
    expires_at              BIGINT NOT NULL,
    access_expires_at       BIGINT NOT NULL,
    revoked_at              BIGINT
);
CREATE INDEX sessions_subject ON sessions (subject_id);
CREATE INDEX sessions_previous ON sessions (previous_refresh_hash);
CREATE INDEX sessions_revoked ON sessions (revoked_at, access_expires_at);

-- Grows with every change other servers must learn of (tree, revocations).
CREATE TABLE directory_version (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    version   BIGINT NOT NULL
);
INSERT INTO directory_version (singleton, version) VALUES (1, 1);
