-- Online-filing drafts (the citizen's wizard), attachments uploaded to a draft before the
-- dossier exists, the verdict cached at completion, and holiday amendments kept in the
-- database.

CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX drafts_owner ON drafts(owner, updated_at);

-- SQLite cannot relax NOT NULL in place: rebuild the table.
CREATE TABLE attachments_v2 (
    id TEXT PRIMARY KEY,
    dossier_code TEXT REFERENCES dossiers(code),
    draft_id TEXT REFERENCES drafts(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at INTEGER NOT NULL,
    CHECK (dossier_code IS NOT NULL OR draft_id IS NOT NULL)
);
INSERT INTO attachments_v2 (id, dossier_code, draft_id, kind, name, content_type, size, sha256, storage_key, uploaded_by, uploaded_at)
SELECT id, dossier_code, NULL, kind, name, content_type, size, sha256, storage_key, uploaded_by, uploaded_at FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_v2 RENAME TO attachments;
CREATE INDEX attachments_dossier ON attachments(dossier_code);
CREATE INDEX attachments_draft ON attachments(draft_id);

ALTER TABLE dossiers ADD COLUMN timeliness TEXT;
CREATE INDEX dossiers_completed ON dossiers(handling_agency, completed_at);
CREATE INDEX dossiers_procedure ON dossiers(procedure_code);

CREATE TABLE calendar_amendments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    origin TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
