-- Subject areas (lĩnh vực, DOMAIN.md §3); defaults are inserted by the
-- service at start and may be edited.
CREATE TABLE subject_areas (
    code       TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL,
    active     BOOLEAN NOT NULL,
    sort_order BIGINT NOT NULL
);

-- The deadline table: one row per kind, resolution, complexity and area.
CREATE TABLE deadline_rules (
    kind               TEXT    NOT NULL,
    resolution         TEXT    NOT NULL,
    complexity         TEXT    NOT NULL,
    remote             BOOLEAN NOT NULL,
    days               BIGINT NOT NULL,
    counting           TEXT    NOT NULL,
    max_extensions     BIGINT NOT NULL,
    max_extension_days BIGINT NOT NULL,
    source             TEXT    NOT NULL,
    PRIMARY KEY (kind, resolution, complexity, remote)
);

-- The deployment's policy, as one JSON document.
CREATE TABLE policy (
    id         TEXT    PRIMARY KEY,
    body       TEXT    NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Gap-free number series: one row per office and series (e.g. "pet:2026").
CREATE TABLE number_series (
    office_id   TEXT    NOT NULL,
    series      TEXT    NOT NULL,
    last_number BIGINT NOT NULL,
    PRIMARY KEY (office_id, series)
);

CREATE TABLE petitions (
    id                    TEXT    PRIMARY KEY,
    office_id             TEXT    NOT NULL,
    year                  BIGINT NOT NULL,
    number                BIGINT NOT NULL,
    channel               TEXT    NOT NULL,
    received_on           TEXT    NOT NULL,
    kind                  TEXT    NOT NULL,
    subject_area_code     TEXT    NOT NULL,
    content               TEXT    NOT NULL,
    accused               TEXT    NOT NULL,
    anonymous             BOOLEAN NOT NULL,
    petitioner_count      BIGINT NOT NULL,
    prior_stage           TEXT    NOT NULL,
    reception_id          TEXT,
    source_body           TEXT    NOT NULL,
    state                 TEXT    NOT NULL,
    repeat_of             TEXT,
    repeat_count          BIGINT NOT NULL,
    classification_due_on TEXT    NOT NULL,
    outcome               TEXT,
    classified_on         TEXT,
    classified_by         TEXT,
    classification_note   TEXT    NOT NULL,
    authority             TEXT,
    handler_id            TEXT,
    accepted_on           TEXT,
    resolution            TEXT,
    complexity            TEXT,
    remote                BOOLEAN NOT NULL,
    legal_days            BIGINT,
    counting              TEXT,
    max_extensions        BIGINT NOT NULL,
    max_extension_days    BIGINT NOT NULL,
    extensions_used       BIGINT NOT NULL,
    base_due_on           TEXT,
    due_on                TEXT,
    result_summary        TEXT    NOT NULL,
    decision_reference    TEXT    NOT NULL,
    decision_document_id  TEXT,
    decided_on            TEXT,
    notified_on           TEXT,
    closed_on             TEXT,
    closing_note          TEXT    NOT NULL,
    created_by            TEXT    NOT NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL,
    -- Derived on every save: the deadline that applies now (NULL when none)
    -- and the folded words of content and person complained about.
    current_due_on        TEXT,
    search_text           TEXT    NOT NULL
);
CREATE UNIQUE INDEX petitions_number ON petitions (office_id, year, number);
CREATE INDEX petitions_listing ON petitions (office_id, created_at);
CREATE INDEX petitions_open_due ON petitions (office_id, closed_on, current_due_on);
CREATE INDEX petitions_received ON petitions (office_id, received_on);

-- Petitioners: protected identity. `folded_name` is the name's folded
-- words in sorted order, for duplicate detection and name search.
CREATE TABLE petitioners (
    petition_id TEXT    NOT NULL REFERENCES petitions (id),
    position    BIGINT NOT NULL,
    full_name   TEXT    NOT NULL,
    id_number   TEXT    NOT NULL,
    address     TEXT    NOT NULL,
    phone       TEXT    NOT NULL,
    folded_name TEXT    NOT NULL,
    folded_id   TEXT    NOT NULL,
    PRIMARY KEY (petition_id, position)
);
CREATE INDEX petitioners_name ON petitioners (folded_name);
CREATE INDEX petitioners_id ON petitioners (folded_id);

-- The history of a petition: each step and each investigation note.
CREATE TABLE petition_events (
    id          TEXT    PRIMARY KEY,
    petition_id TEXT    NOT NULL REFERENCES petitions (id),
    at          BIGINT NOT NULL,
    actor_id    TEXT    NOT NULL,
    actor_name  TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    note        TEXT    NOT NULL
);
CREATE INDEX petition_events_petition ON petition_events (petition_id, at);

-- Extensions of the resolution deadline, each by a written decision.
CREATE TABLE petition_extensions (
    petition_id     TEXT    NOT NULL REFERENCES petitions (id),
    seq             BIGINT NOT NULL,
    decision_number TEXT    NOT NULL,
    decided_on      TEXT    NOT NULL,
    days            BIGINT NOT NULL,
    reason          TEXT    NOT NULL,
    previous_due_on TEXT    NOT NULL,
    due_on          TEXT    NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (petition_id, seq)
);

-- Transfers to the competent body; the transfer slip (an outgoing document
-- of the documents service) is recorded here once issued.
CREATE TABLE petition_transfers (
    petition_id      TEXT    PRIMARY KEY REFERENCES petitions (id),
    target_body      TEXT    NOT NULL,
    reason           TEXT    NOT NULL,
    slip_document_id TEXT,
    slip_status      TEXT    NOT NULL,
    created_at       BIGINT NOT NULL
);

-- Receptions of citizens (tiếp công dân).
CREATE TABLE receptions (
    id            TEXT    PRIMARY KEY,
    office_id     TEXT    NOT NULL,
    received_on   TEXT    NOT NULL,
    receiver_id   TEXT    NOT NULL,
    receiver_name TEXT    NOT NULL,
    by_leader     BOOLEAN NOT NULL,
    visitor_count BIGINT NOT NULL,
    content       TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX receptions_office ON receptions (office_id, received_on);

-- Visitors of a reception: protected identity.
CREATE TABLE reception_visitors (
    reception_id TEXT    NOT NULL REFERENCES receptions (id),
    position     BIGINT NOT NULL,
    full_name    TEXT    NOT NULL,
    id_number    TEXT    NOT NULL,
    address      TEXT    NOT NULL,
    phone        TEXT    NOT NULL,
    PRIMARY KEY (reception_id, position)
);

-- Petitions that came of a reception.
CREATE TABLE reception_petitions (
    reception_id TEXT NOT NULL REFERENCES receptions (id),
    petition_id  TEXT NOT NULL REFERENCES petitions (id),
    PRIMARY KEY (reception_id, petition_id)
);
CREATE INDEX reception_petitions_petition ON reception_petitions (petition_id);
