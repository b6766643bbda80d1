-- Each service's part in reorganisations: one row per ended office whose
-- work the service handed (or tried to hand) to the successor. The row
-- marked 'applied' is written in the same transaction as the handover
-- itself, so a handover is applied exactly once (docs/domain.md §1).
CREATE TABLE handovers (
    office_id    TEXT    PRIMARY KEY,
    successor_id TEXT    NOT NULL,
    effective_on TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    counts       TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    attempts     BIGINT  NOT NULL,
    applied_at   BIGINT,
    updated_at   BIGINT  NOT NULL
);
