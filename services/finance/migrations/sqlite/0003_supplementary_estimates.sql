-- Supplementary estimates (dự toán bổ sung): once an office's estimate of
-- the year is approved it may prepare more, each decided like the first.
-- Only the ordinary estimate stays one per office and year. SQLite cannot
-- drop a constraint, so the table is rebuilt; estimate_lines keeps
-- pointing at it by name, and its references are checked at commit.
PRAGMA defer_foreign_keys = ON;

CREATE TABLE estimates_rebuilt (
    id            TEXT    PRIMARY KEY,
    office_id     TEXT    NOT NULL,
    year          INTEGER NOT NULL,
    status        TEXT    NOT NULL,
    note          TEXT    NOT NULL,
    return_reason TEXT    NOT NULL,
    created_by    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    submitted_at  INTEGER,
    decided_by    TEXT,
    decided_at    INTEGER,
    updated_at    INTEGER NOT NULL,
    supplementary BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO estimates_rebuilt (id, office_id, year, status, note, return_reason, created_by, created_at,
    submitted_at, decided_by, decided_at, updated_at, supplementary)
SELECT id, office_id, year, status, note, return_reason, created_by, created_at,
    submitted_at, decided_by, decided_at, updated_at, FALSE
FROM estimates;
DROP TABLE estimates;
ALTER TABLE estimates_rebuilt RENAME TO estimates;

CREATE UNIQUE INDEX estimates_ordinary ON estimates (office_id, year) WHERE NOT supplementary;
CREATE INDEX estimates_office_year ON estimates (office_id, year);
