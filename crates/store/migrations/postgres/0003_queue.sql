-- The officer's queue reads an agency's open dossiers in deadline order. A status IN list
-- cannot give index order, so an explicit open flag leads these indexes. A scope is read
-- as disjoint streams (dossiers an agency handles; dossiers it received and forwarded),
-- each a range scan in deadline order that stops after one page.
ALTER TABLE dossiers ADD COLUMN is_open BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE dossiers ADD COLUMN forwarded BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE dossiers SET is_open = FALSE WHERE status IN ('refused', 'returned', 'withdrawn', 'stopped');
UPDATE dossiers SET forwarded = TRUE WHERE receiving_agency <> handling_agency;
CREATE INDEX dossiers_queue_handling ON dossiers(handling_agency, is_open, due_at, code);
CREATE INDEX dossiers_queue_forwarded ON dossiers(receiving_agency, forwarded, is_open, due_at, code);
CREATE INDEX dossiers_queue_all ON dossiers(is_open, due_at, code);
