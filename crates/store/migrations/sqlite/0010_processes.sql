-- Internal processes (quy trình nội bộ): every saved version of every procedure's
-- process, never updated, so a dossier that keeps a version's ID keeps its steps.
CREATE TABLE processes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    procedure TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    body TEXT NOT NULL,
    saved_at INTEGER NOT NULL,
    saved_by TEXT NOT NULL
);
CREATE INDEX processes_procedure ON processes (procedure, valid_from, id);
