-- Who writes each report now: its author until a leader gives it to
-- another writer (after a reorganisation, the drafts of an office that
-- ended pass to a person of its successor).
ALTER TABLE reports ADD COLUMN writer_id TEXT;
UPDATE reports SET writer_id = created_by;
CREATE INDEX reports_writer ON reports (writer_id, status);
