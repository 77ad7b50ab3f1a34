-- Một Cửa schema, PostgreSQL dialect. JSON is TEXT written by the application (jsonb
-- would reorder keys, and hashed or ordered documents must read back byte for byte).
-- Large tables carry the agency key, so the schema can be distributed (Citus).

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
    active BOOLEAN NOT NULL DEFAULT TRUE,
    data TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES accounts(username),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_username ON sessions(username);

CREATE TABLE procedures (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    sector TEXT NOT NULL,
    level TEXT NOT NULL,
    search_key TEXT NOT NULL,
    data TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE code_sequences (
    agency TEXT NOT NULL,
    day TEXT NOT NULL,
    last BIGINT NOT NULL,
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
    submitted_at TIMESTAMPTZ NOT NULL,
    received_at TIMESTAMPTZ,
    due_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    returned_at TIMESTAMPTZ,
    extended BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    doc TEXT NOT NULL
);
CREATE INDEX dossiers_handling ON dossiers(handling_agency, status, due_at);
CREATE INDEX dossiers_receiving ON dossiers(receiving_agency, status, due_at);
CREATE INDEX dossiers_owner ON dossiers(owner, submitted_at);
CREATE INDEX dossiers_status_due ON dossiers(status, due_at);

CREATE TABLE dossier_events (
    dossier_code TEXT NOT NULL REFERENCES dossiers(code),
    seq BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
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
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_dossier ON attachments(dossier_code);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    ip TEXT,
    details TEXT NOT NULL,
    hash TEXT NOT NULL
);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    topic TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    delivered_at TIMESTAMPTZ
);
CREATE INDEX outbox_pending ON outbox(delivered_at, id);
