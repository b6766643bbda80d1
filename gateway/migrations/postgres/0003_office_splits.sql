-- The receiving offices of a split besides the successor (which keeps the
-- split office's records): people and open work go to them by list or
-- with the person handling it (docs/domain.md §1, reorganisation).
CREATE TABLE office_split_parts (
    office_id TEXT NOT NULL REFERENCES offices (id),
    part_id   TEXT NOT NULL REFERENCES offices (id),
    PRIMARY KEY (office_id, part_id)
);
