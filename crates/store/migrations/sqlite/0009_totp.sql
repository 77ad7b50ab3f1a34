-- Second factor for officers: a TOTP secret per account, confirmed once the officer
-- has typed a first code; the last step used is kept so that a code works once.
CREATE TABLE totp_secrets (
    username TEXT PRIMARY KEY REFERENCES accounts(username),
    secret TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    confirmed_at INTEGER,
    last_step INTEGER
);
