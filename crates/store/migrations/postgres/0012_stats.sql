-- Statistics kept up to date in the same transaction as every change of a dossier or
-- payment order: per day, month, year and for all time (grain D/M/Y/T; period = the
-- period's first day, ISO), per agency, unit, procedure and officer ('' when none).
-- The columns are the counters of motcua_domain::stats::Counter. Each row holds what
-- the dossiers and orders counted under it contribute; `stat_facts` on their rows is
-- what they contributed last, so a change can take it away again.
ALTER TABLE dossiers ADD COLUMN stat_facts TEXT;
ALTER TABLE pay_orders ADD COLUMN stat_facts TEXT;
CREATE TABLE stat_cells (
    grain TEXT NOT NULL,
    period TEXT NOT NULL,
    agency TEXT NOT NULL,
    unit TEXT NOT NULL,
    procedure TEXT NOT NULL,
    officer TEXT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    received_online BIGINT NOT NULL DEFAULT 0,
    received_counter BIGINT NOT NULL DEFAULT 0,
    received_post BIGINT NOT NULL DEFAULT 0,
    received_assisted BIGINT NOT NULL DEFAULT 0,
    received_digitised BIGINT NOT NULL DEFAULT 0,
    resolved BIGINT NOT NULL DEFAULT 0,
    early BIGINT NOT NULL DEFAULT 0,
    on_time BIGINT NOT NULL DEFAULT 0,
    late BIGINT NOT NULL DEFAULT 0,
    late_apology BIGINT NOT NULL DEFAULT 0,
    late_kept BIGINT NOT NULL DEFAULT 0,
    refused BIGINT NOT NULL DEFAULT 0,
    stopped BIGINT NOT NULL DEFAULT 0,
    withdrawn BIGINT NOT NULL DEFAULT 0,
    closed BIGINT NOT NULL DEFAULT 0,
    e_result BIGINT NOT NULL DEFAULT 0,
    returned BIGINT NOT NULL DEFAULT 0,
    spent_minutes BIGINT NOT NULL DEFAULT 0,
    allowed_minutes BIGINT NOT NULL DEFAULT 0,
    rated_very_satisfied BIGINT NOT NULL DEFAULT 0,
    rated_satisfied BIGINT NOT NULL DEFAULT 0,
    rated_dissatisfied BIGINT NOT NULL DEFAULT 0,
    due BIGINT NOT NULL DEFAULT 0,
    ended_by_due BIGINT NOT NULL DEFAULT 0,
    ended_after_due BIGINT NOT NULL DEFAULT 0,
    paid BIGINT NOT NULL DEFAULT 0,
    paid_cashless BIGINT NOT NULL DEFAULT 0,
    paid_amount BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, period, agency, unit, procedure, officer)
);
-- The drill-down from a late figure to the dossiers behind it: late ones by agency in
-- order of the day they ended (a small partial index: late dossiers are few).
CREATE INDEX dossiers_late ON dossiers (handling_agency, completed_at) WHERE timeliness = 'late';
