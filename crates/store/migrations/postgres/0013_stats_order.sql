-- The statistics cells' key in the order the dashboard reads them: within a period, by
-- procedure, then agency (the same order as on SQLite).
ALTER TABLE stat_cells DROP CONSTRAINT stat_cells_pkey;
ALTER TABLE stat_cells ADD PRIMARY KEY (grain, period, procedure, agency, unit, officer);
