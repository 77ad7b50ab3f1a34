-- Statistics kept up to date in the same transaction as every change of a dossier or
-- payment order: per day, month, year and for all time (grain D/M/Y/T; period = the
-- period's first day, ISO), per agency, unit, procedure and officer ('' when none).
-- The columns are the counters of motcua_domain::stats::Counter. Each row holds what
-- the dossiers and orders counted under it contribute; `stat_facts` on their rows is
-- what they contributed last, so a change can take it away again. WITHOUT ROWID: the
-- rows are stored in key order, so a period's rows are read in one range.
ALTER TABLE dossiers ADD COLUMN stat_facts TEXT;
ALTER TABLE pay_orders ADD COLUMN stat_facts TEXT;
CREATE TABLE stat_cells (
    grain TEXT NOT NULL,
    period TEXT NOT NULL,
    agency TEXT NOT NULL,
    unit TEXT NOT NULL,
    procedure TEXT NOT NULL,
    officer TEXT NOT NULL,
    received INTEGER NOT NULL DEFAULT 0,
    received_online INTEGER NOT NULL DEFAULT 0,
    received_counter INTEGER NOT NULL DEFAULT 0,
    received_post INTEGER NOT NULL DEFAULT 0,
    received_assisted INTEGER NOT NULL DEFAULT 0,
    received_digitised INTEGER NOT NULL DEFAULT 0,
    resolved INTEGER NOT NULL DEFAULT 0,
    early INTEGER NOT NULL DEFAULT 0,
    on_time INTEGER NOT NULL DEFAULT 0,
    late INTEGER NOT NULL DEFAULT 0,
    late_apology INTEGER NOT NULL DEFAULT 0,
    late_kept INTEGER NOT NULL DEFAULT 0,
    refused INTEGER NOT NULL DEFAULT 0,
    stopped INTEGER NOT NULL DEFAULT 0,
    withdrawn INTEGER NOT NULL DEFAULT 0,
    closed INTEGER NOT NULL DEFAULT 0,
    e_result INTEGER NOT NULL DEFAULT 0,
    returned INTEGER NOT NULL DEFAULT 0,
    spent_minutes INTEGER NOT NULL DEFAULT 0,
    allowed_minutes INTEGER NOT NULL DEFAULT 0,
    rated_very_satisfied INTEGER NOT NULL DEFAULT 0,
    rated_satisfied INTEGER NOT NULL DEFAULT 0,
    rated_dissatisfied INTEGER NOT NULL DEFAULT 0,
    due INTEGER NOT NULL DEFAULT 0,
    ended_by_due INTEGER NOT NULL DEFAULT 0,
    ended_after_due INTEGER NOT NULL DEFAULT 0,
    paid INTEGER NOT NULL DEFAULT 0,
    paid_cashless INTEGER NOT NULL DEFAULT 0,
    paid_amount INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, period, agency, unit, procedure, officer)
) WITHOUT ROWID;
-- The drill-down from a late figure to the dossiers behind it: late ones by agency in
-- order of the day they ended (a small partial index: late dossiers are few).
CREATE INDEX dossiers_late ON dossiers (handling_agency, completed_at) WHERE timeliness = 'late';
