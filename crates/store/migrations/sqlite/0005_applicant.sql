-- Counter reception finds a returning applicant by identity number: the latest dossier
-- that number filed at the officer's agencies gives name, address and phone to prefill.
ALTER TABLE dossiers ADD COLUMN applicant_id TEXT;
UPDATE dossiers SET applicant_id = json_extract(doc, '$.applicant.id_number');
CREATE INDEX dossiers_applicant ON dossiers(applicant_id, submitted_at) WHERE applicant_id IS NOT NULL;
