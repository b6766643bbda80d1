-- In-app notifications per user (the platform's `notifications::Inbox`):
-- a case assigned to its handler, and a case one handles due within
-- three days, each about one petition.
CREATE TABLE notifications (
    seq         BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          TEXT    NOT NULL UNIQUE,
    user_id     TEXT    NOT NULL,
    kind        TEXT    NOT NULL,
    record_id   TEXT    NOT NULL REFERENCES petitions (id),
    actor_name  TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    created_at  BIGINT  NOT NULL,
    read_at     BIGINT,
    -- Set for notices written once only (a deadline); NULLs never clash.
    dedupe_key  TEXT
);
CREATE UNIQUE INDEX notifications_dedupe ON notifications (user_id, dedupe_key);
CREATE INDEX notifications_user ON notifications (user_id, seq);
