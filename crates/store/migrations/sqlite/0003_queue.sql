-- The officer's queue reads an agency's open dossiers in deadline order. A status IN list
-- cannot give index order, so an explicit open flag leads these indexes. A scope is read
-- as disjoint streams (dossiers an agency handles; dossiers it received and forwarded),
-- each a range scan in deadline order that stops after one page.
ALTER TABLE dossiers ADD COLUMN is_open INTEGER NOT NULL DEFAULT 1;
ALTER TABLE dossiers ADD COLUMN forwarded INTEGER NOT NULL DEFAULT 0;
UPDATE dossiers SET is_open = 0 WHERE status IN ('refused', 'returned', 'withdrawn', 'stopped');
UPDATE dossiers SET forwarded = 1 WHERE receiving_agency <> handling_agency;
CREATE INDEX dossiers_queue_handling ON dossiers(handling_agency, is_open, due_at, code);
CREATE INDEX dossiers_queue_forwarded ON dossiers(receiving_agency, forwarded, is_open, due_at, code);
CREATE INDEX dossiers_queue_all ON dossiers(is_open, due_at, code);
