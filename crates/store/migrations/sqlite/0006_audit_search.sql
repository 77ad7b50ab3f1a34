-- Administrators search the audit log by who acted and by what was touched (a dossier
-- code also finds its files and papers, recorded as `CODE/...`), newest first.
CREATE INDEX audit_actor ON audit_log(actor, seq);
CREATE INDEX audit_target ON audit_log(target, seq);
