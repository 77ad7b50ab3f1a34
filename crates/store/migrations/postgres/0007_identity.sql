-- Logins through an OpenID Connect provider (VNeID, the national portal's SSO). A
-- login in progress is kept until its answer comes back: the state is stored hashed,
-- taken (deleted) when used, so a replayed answer finds nothing.
CREATE TABLE oidc_pending (
    state_hash TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    return_to TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX oidc_pending_created ON oidc_pending(created_at);

-- Which account a provider's subject logs into.
CREATE TABLE oidc_links (
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    username TEXT NOT NULL REFERENCES accounts(username),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX oidc_links_username ON oidc_links(username);

-- Tokens for integrations: scoped, expiring, revocable; only the SHA-256 is kept.
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    username TEXT NOT NULL REFERENCES accounts(username),
    scopes TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ
);
CREATE INDEX api_tokens_username ON api_tokens(username);
