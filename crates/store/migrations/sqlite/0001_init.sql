-- Một Cửa schema, SQLite dialect. Timestamps are INTEGER microseconds since the Unix
-- epoch (UTC); JSON is TEXT written by the application.

CREATE TABLE admin_units (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent TEXT
);

CREATE TABLE agencies (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    admin_unit TEXT NOT NULL,
    parent TEXT
);

CREATE TABLE units (
    code TEXT PRIMARY KEY,
    agency TEXT NOT NULL REFERENCES agencies(code),
    name TEXT NOT NULL
);

CREATE TABLE accounts (
    username TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    password_hash TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    data TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES accounts(username),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_username ON sessions(username);

CREATE TABLE procedures (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sector TEXT NOT NULL,
    level TEXT NOT NULL,
    search_key TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE code_sequences (
    agency TEXT NOT NULL,
    day TEXT NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (agency, day)
);

CREATE TABLE dossiers (
    code TEXT PRIMARY KEY,
    procedure_code TEXT NOT NULL,
    status TEXT NOT NULL,
    channel TEXT NOT NULL,
    receiving_agency TEXT NOT NULL,
    handling_agency TEXT NOT NULL,
    handling_unit TEXT,
    assignee TEXT,
    owner TEXT,
    helper TEXT,
    applicant_name TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    received_at INTEGER,
    due_at INTEGER,
    completed_at INTEGER,
    returned_at INTEGER,
    extended INTEGER NOT NULL,
    version INTEGER NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX dossiers_handling ON dossiers(handling_agency, status, due_at);
CREATE INDEX dossiers_receiving ON dossiers(receiving_agency, status, due_at);
CREATE INDEX dossiers_owner ON dossiers(owner, submitted_at);
CREATE INDEX dossiers_status_due ON dossiers(status, due_at);

CREATE TABLE dossier_events (
    dossier_code TEXT NOT NULL REFERENCES dossiers(code),
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (dossier_code, seq)
);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    dossier_code TEXT NOT NULL REFERENCES dossiers(code),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL
);
CREATE INDEX attachments_dossier ON attachments(dossier_code);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    ip TEXT,
    details TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    topic TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    delivered_at INTEGER
);
CREATE INDEX outbox_pending ON outbox(delivered_at, id);
