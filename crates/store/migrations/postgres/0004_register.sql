-- The dossier register (sổ theo dõi hồ sơ): an agency's dossiers in order of receipt.
CREATE INDEX dossiers_register ON dossiers(receiving_agency, received_at, code);
