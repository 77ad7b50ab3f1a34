-- Cashless fees. The fee book (schedules and collection accounts) is saved whole as
-- a new version each time; payment orders copy the account they were made with, so
-- a later change of account never moves money already asked for.
CREATE TABLE fee_books (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    body TEXT NOT NULL,
    saved_at INTEGER NOT NULL,
    saved_by TEXT NOT NULL
);

-- One order per dossier per receiving account. `reference` (MC + id + check digits)
-- is what every transfer note and gateway request carries.
CREATE TABLE pay_orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT UNIQUE,
    dossier_code TEXT NOT NULL,
    agency TEXT NOT NULL,
    account_bin TEXT,
    account_number TEXT,
    body TEXT NOT NULL,
    amount_due INTEGER NOT NULL,
    amount_paid INTEGER NOT NULL DEFAULT 0,
    amount_refunded INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    paid_at INTEGER,
    receipt_no TEXT UNIQUE,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX pay_orders_dossier ON pay_orders (dossier_code, id);
CREATE INDEX pay_orders_agency_status ON pay_orders (agency, status, created_at);

-- Money received. (provider, provider_txn) is unique: a notification delivered twice
-- finds its credit already there and changes nothing.
CREATE TABLE pay_credits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL REFERENCES pay_orders (id),
    agency TEXT NOT NULL,
    account_number TEXT,
    method TEXT NOT NULL,
    provider TEXT NOT NULL,
    provider_txn TEXT NOT NULL,
    amount INTEGER NOT NULL,
    at INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    UNIQUE (provider, provider_txn)
);
CREATE INDEX pay_credits_order ON pay_credits (order_id);
CREATE INDEX pay_credits_agency_at ON pay_credits (agency, at);

-- Every change of an order, and every callback refused (order_id NULL when no order
-- was found), with the hash of the raw payload that caused it.
CREATE TABLE pay_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER,
    at INTEGER NOT NULL,
    source TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    payload_hash TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX pay_events_order ON pay_events (order_id, id);

-- E-receipt numbers, per agency and year.
CREATE TABLE receipt_sequences (
    agency TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (agency, year)
);

-- Bank, treasury and gateway statements (sao kê). A line is kept once per account and
-- bank reference, so importing the same file twice adds nothing.
CREATE TABLE statement_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,
    day TEXT NOT NULL,
    at TEXT,
    account TEXT NOT NULL,
    bank_ref TEXT NOT NULL,
    amount INTEGER NOT NULL,
    description TEXT NOT NULL,
    counterparty TEXT,
    body TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    imported_by TEXT NOT NULL,
    UNIQUE (source, account, bank_ref)
);
CREATE INDEX statement_lines_day ON statement_lines (day, account);
