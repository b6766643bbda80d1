-- The catalogue of budget lines (Mục lục NSNN, TT 324/2016/TT-BTC), keyed
-- by tiểu mục; defaults are inserted by the service at start and may be
-- edited.
CREATE TABLE budget_lines (
    code        TEXT    PRIMARY KEY,
    item_code   TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    chapter     TEXT    NOT NULL,
    type_code   TEXT    NOT NULL,
    clause_code TEXT    NOT NULL,
    overspend   TEXT    NOT NULL,
    active      BOOLEAN NOT NULL,
    sort_order  INTEGER  NOT NULL
);

-- Gap-free number series: one row per office and series (e.g. "tx:2026").
CREATE TABLE number_series (
    office_id   TEXT   NOT NULL,
    series      TEXT   NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (office_id, series)
);

-- One row per office and fiscal year, locked by postings (shared) and by
-- closing a month or settling the year (exclusive), so that nothing is
-- posted into a month while it closes.
CREATE TABLE fiscal_years (
    office_id TEXT   NOT NULL,
    year      INTEGER NOT NULL,
    PRIMARY KEY (office_id, year)
);

-- Closed months and settled years of each office.
CREATE TABLE closed_periods (
    office_id TEXT   NOT NULL,
    year      INTEGER NOT NULL,
    month     INTEGER NOT NULL,
    closed_at INTEGER NOT NULL,
    closed_by TEXT   NOT NULL,
    PRIMARY KEY (office_id, year, month)
);

CREATE TABLE settled_years (
    office_id  TEXT   NOT NULL,
    year       INTEGER NOT NULL,
    settled_at INTEGER NOT NULL,
    settled_by TEXT   NOT NULL,
    note       TEXT   NOT NULL,
    PRIMARY KEY (office_id, year)
);

-- Estimates (dự toán): one per office and year.
CREATE TABLE estimates (
    id            TEXT   PRIMARY KEY,
    office_id     TEXT   NOT NULL,
    year          INTEGER NOT NULL,
    status        TEXT   NOT NULL,
    note          TEXT   NOT NULL,
    return_reason TEXT   NOT NULL,
    created_by    TEXT   NOT NULL,
    created_at    INTEGER NOT NULL,
    submitted_at  INTEGER,
    decided_by    TEXT,
    decided_at    INTEGER,
    updated_at    INTEGER NOT NULL,
    UNIQUE (office_id, year)
);

CREATE TABLE estimate_lines (
    estimate_id TEXT   NOT NULL REFERENCES estimates (id),
    line_code   TEXT   NOT NULL,
    amount      INTEGER NOT NULL,
    note        TEXT   NOT NULL,
    PRIMARY KEY (estimate_id, line_code)
);

-- Budget entries: the root's approved estimate, allocations to children
-- and adjustments. Append-only.
CREATE TABLE allocations (
    id             TEXT   PRIMARY KEY,
    year           INTEGER NOT NULL,
    from_office_id TEXT,
    to_office_id   TEXT   NOT NULL,
    line_code      TEXT   NOT NULL,
    amount         INTEGER NOT NULL,
    kind           TEXT   NOT NULL,
    reason         TEXT   NOT NULL,
    decision_ref   TEXT   NOT NULL,
    allocated_on   TEXT   NOT NULL,
    created_by     TEXT   NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX allocations_to ON allocations (to_office_id, year, line_code);
CREATE INDEX allocations_from ON allocations (from_office_id, year, line_code);

-- Running totals per office, year and line (the allocation lines), kept in
-- step with the entries inside the same transactions, under row locks.
CREATE TABLE budget_balances (
    id            TEXT   PRIMARY KEY,
    office_id     TEXT   NOT NULL,
    year          INTEGER NOT NULL,
    line_code     TEXT   NOT NULL,
    held          INTEGER NOT NULL,
    allocated_out INTEGER NOT NULL,
    spent         INTEGER NOT NULL,
    committed     INTEGER NOT NULL,
    UNIQUE (office_id, year, line_code)
);

-- The chart of accounts of each office.
CREATE TABLE accounts (
    office_id  TEXT   NOT NULL,
    code       TEXT   NOT NULL,
    name       TEXT   NOT NULL,
    kind       TEXT   NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (office_id, code)
);

-- The ledger: append-only (triggers refuse updates and deletes).
CREATE TABLE ledger_transactions (
    id          TEXT   PRIMARY KEY,
    office_id   TEXT   NOT NULL,
    year        INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    posted_on   TEXT   NOT NULL,
    description TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    reverses_id TEXT   UNIQUE,
    source_id   TEXT,
    created_by  TEXT   NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (office_id, year, number)
);
CREATE INDEX ledger_transactions_office ON ledger_transactions (office_id, posted_on);

CREATE TABLE ledger_postings (
    transaction_id TEXT   NOT NULL REFERENCES ledger_transactions (id),
    seq            INTEGER NOT NULL,
    office_id      TEXT   NOT NULL,
    account_code   TEXT   NOT NULL,
    debit          INTEGER NOT NULL,
    credit         INTEGER NOT NULL,
    line_code      TEXT,
    posted_on      TEXT   NOT NULL,
    PRIMARY KEY (transaction_id, seq)
);
CREATE INDEX ledger_postings_account ON ledger_postings (office_id, account_code, posted_on);
CREATE INDEX ledger_postings_line ON ledger_postings (office_id, line_code, posted_on);

-- Spending vouchers (chứng từ chi).
CREATE TABLE vouchers (
    id              TEXT   PRIMARY KEY,
    office_id       TEXT   NOT NULL,
    year            INTEGER NOT NULL,
    number          INTEGER NOT NULL,
    balance_id      TEXT   NOT NULL REFERENCES budget_balances (id),
    line_code       TEXT   NOT NULL,
    amount          INTEGER NOT NULL,
    voucher_date    TEXT   NOT NULL,
    description     TEXT   NOT NULL,
    payee           TEXT   NOT NULL,
    payment_account TEXT   NOT NULL,
    warning         TEXT   NOT NULL,
    commitment_id   TEXT,
    transaction_id  TEXT   NOT NULL,
    created_by      TEXT   NOT NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (office_id, year, number)
);
CREATE INDEX vouchers_balance ON vouchers (balance_id);

-- Commitments: money reserved on a line, later posted or released.
CREATE TABLE commitments (
    id            TEXT   PRIMARY KEY,
    office_id     TEXT   NOT NULL,
    year          INTEGER NOT NULL,
    balance_id    TEXT   NOT NULL REFERENCES budget_balances (id),
    line_code     TEXT   NOT NULL,
    amount        INTEGER NOT NULL,
    description   TEXT   NOT NULL,
    status        TEXT   NOT NULL,
    warning       TEXT   NOT NULL,
    committed_on  TEXT   NOT NULL,
    voucher_id    TEXT,
    posted_amount INTEGER NOT NULL,
    settled_by    TEXT,
    settled_at    INTEGER,
    created_by    TEXT   NOT NULL,
    created_at    INTEGER NOT NULL
);
CREATE INDEX commitments_office ON commitments (office_id, year);

-- Party cells (chi bộ) that collect dues for an office.
CREATE TABLE party_cells (
    id          TEXT   PRIMARY KEY,
    office_id   TEXT   NOT NULL,
    name        TEXT   NOT NULL,
    folded_name TEXT   NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (office_id, folded_name)
);

-- Shares kept at each level: scope 'default' or an office id.
CREATE TABLE dues_rates (
    scope       TEXT   PRIMARY KEY,
    cell_bp     INTEGER NOT NULL,
    office_bp   INTEGER NOT NULL,
    updated_by  TEXT   NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE dues_collections (
    id             TEXT   PRIMARY KEY,
    office_id      TEXT   NOT NULL,
    cell_key       TEXT   NOT NULL,
    year           INTEGER NOT NULL,
    month          INTEGER NOT NULL,
    members        INTEGER NOT NULL,
    amount         INTEGER NOT NULL,
    cell_share     INTEGER NOT NULL,
    office_share   INTEGER NOT NULL,
    remitted_share INTEGER NOT NULL,
    collected_on   TEXT   NOT NULL,
    transaction_id TEXT,
    created_by     TEXT   NOT NULL,
    created_at     INTEGER NOT NULL,
    UNIQUE (office_id, cell_key, year, month)
);

CREATE TABLE dues_remittances (
    id                    TEXT   PRIMARY KEY,
    from_office_id        TEXT   NOT NULL,
    to_office_id          TEXT   NOT NULL,
    amount                INTEGER NOT NULL,
    remitted_on           TEXT   NOT NULL,
    child_transaction_id  TEXT   NOT NULL,
    parent_transaction_id TEXT   NOT NULL,
    note                  TEXT   NOT NULL,
    created_by            TEXT   NOT NULL,
    created_at            INTEGER NOT NULL
);
CREATE INDEX dues_remittances_from ON dues_remittances (from_office_id, remitted_on);

-- Entries of the ledger and of the budget are never changed or removed.
CREATE TRIGGER ledger_transactions_no_update BEFORE UPDATE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'append-only table ledger_transactions'); END;
CREATE TRIGGER ledger_transactions_no_delete BEFORE DELETE ON ledger_transactions
BEGIN SELECT RAISE(ABORT, 'append-only table ledger_transactions'); END;
CREATE TRIGGER ledger_postings_no_update BEFORE UPDATE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'append-only table ledger_postings'); END;
CREATE TRIGGER ledger_postings_no_delete BEFORE DELETE ON ledger_postings
BEGIN SELECT RAISE(ABORT, 'append-only table ledger_postings'); END;
CREATE TRIGGER allocations_no_update BEFORE UPDATE ON allocations
BEGIN SELECT RAISE(ABORT, 'append-only table allocations'); END;
CREATE TRIGGER allocations_no_delete BEFORE DELETE ON allocations
BEGIN SELECT RAISE(ABORT, 'append-only table allocations'); END;
CREATE TRIGGER vouchers_no_update BEFORE UPDATE ON vouchers
BEGIN SELECT RAISE(ABORT, 'append-only table vouchers'); END;
CREATE TRIGGER vouchers_no_delete BEFORE DELETE ON vouchers
BEGIN SELECT RAISE(ABORT, 'append-only table vouchers'); END;
