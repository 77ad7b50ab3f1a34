-- The statistics cells in the order the dashboard reads them: within a period, by
-- procedure, then agency. Sums per period and procedure (and agency) then follow the
-- primary key, so SQLite adds them up as it reads instead of sorting every row first
-- (sorting the wide rows was most of a dashboard query's time).
CREATE TABLE stat_cells_new (
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
    PRIMARY KEY (grain, period, procedure, agency, unit, officer)
) WITHOUT ROWID;
INSERT INTO stat_cells_new (grain, period, agency, unit, procedure, officer, received, received_online, received_counter, received_post, received_assisted, received_digitised, resolved, early, on_time, late, late_apology, late_kept, refused, stopped, withdrawn, closed, e_result, returned, spent_minutes, allowed_minutes, rated_very_satisfied, rated_satisfied, rated_dissatisfied, due, ended_by_due, ended_after_due, paid, paid_cashless, paid_amount)
SELECT grain, period, agency, unit, procedure, officer, received, received_online, received_counter, received_post, received_assisted, received_digitised, resolved, early, on_time, late, late_apology, late_kept, refused, stopped, withdrawn, closed, e_result, returned, spent_minutes, allowed_minutes, rated_very_satisfied, rated_satisfied, rated_dissatisfied, due, ended_by_due, ended_after_due, paid, paid_cashless, paid_amount FROM stat_cells;
DROP TABLE stat_cells;
ALTER TABLE stat_cells_new RENAME TO stat_cells;
