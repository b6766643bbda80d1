-- Failed sign-ins and attempts per account and per client address, shared
-- by every gateway replica (see the directory's domain/throttle.rs). Times
-- are microseconds since the epoch.
CREATE TABLE sign_in_throttle (
    key             TEXT    PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    locked_until    INTEGER NOT NULL,
    window_start    INTEGER NOT NULL,
    attempts        INTEGER NOT NULL
);
CREATE INDEX sign_in_throttle_last_failure ON sign_in_throttle (last_failure_at);
