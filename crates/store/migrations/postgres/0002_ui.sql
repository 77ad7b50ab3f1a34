-- Online-filing drafts (the citizen's wizard), attachments uploaded to a draft before the
-- dossier exists, the verdict cached at completion, and holiday amendments kept in the
-- database.

CREATE TABLE drafts (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    procedure_code TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX drafts_owner ON drafts(owner, updated_at);

ALTER TABLE attachments ALTER COLUMN dossier_code DROP NOT NULL;
ALTER TABLE attachments ADD COLUMN draft_id TEXT REFERENCES drafts(id);
ALTER TABLE attachments ADD CONSTRAINT attachments_owner CHECK (dossier_code IS NOT NULL OR draft_id IS NOT NULL);
CREATE INDEX attachments_draft ON attachments(draft_id);

ALTER TABLE dossiers ADD COLUMN timeliness TEXT;
CREATE INDEX dossiers_completed ON dossiers(handling_agency, completed_at);
CREATE INDEX dossiers_procedure ON dossiers(procedure_code);

CREATE TABLE calendar_amendments (
    id BIGSERIAL PRIMARY KEY,
    origin TEXT NOT NULL,
    body TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
