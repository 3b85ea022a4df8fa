-- Dynamic client registration (RFC 7591/7592). Initial access tokens let whoever holds
-- one register clients in one organization; only their digests are kept. Times are
-- microseconds.
CREATE TABLE registration_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    digest BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT,
    revoked_at BIGINT
);
CREATE INDEX registration_tokens_org ON registration_tokens (org_id, created_at);
-- A client registered through /register, with the digest of its registration access
-- token; it goes with the client.
CREATE TABLE client_registrations (
    client_id TEXT PRIMARY KEY NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    token_digest BYTEA NOT NULL UNIQUE,
    initial_token_id TEXT REFERENCES registration_tokens(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
