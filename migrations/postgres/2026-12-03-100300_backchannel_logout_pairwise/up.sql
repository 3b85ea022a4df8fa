-- OIDC Back-Channel Logout 1.0 and pairwise subjects (OIDC Core §8.1), per client.
ALTER TABLE clients ADD COLUMN backchannel_logout_uri TEXT;
ALTER TABLE clients ADD COLUMN backchannel_logout_session_required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE clients ADD COLUMN subject_type TEXT NOT NULL DEFAULT 'public';
ALTER TABLE clients ADD COLUMN sector_identifier_uri TEXT;

-- Which clients each browser session signed into (a code was issued for the session),
-- so that ending the session can tell each of them.
CREATE TABLE session_clients (
    session_id TEXT NOT NULL REFERENCES browser_sessions(id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, client_id)
);

-- Logout tokens waiting to be sent: written in the transaction that ends the session,
-- sent by any node holding the lease (lease_owner until lease_until), retried at
-- next_attempt_at. No reference to the session or the member: a deleted member's
-- clients are still told.
CREATE TABLE logout_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT
);
CREATE INDEX logout_deliveries_due ON logout_deliveries (next_attempt_at);
-- The sweep of lapsed sessions reads only the sessions not yet marked ended.
CREATE INDEX browser_sessions_open ON browser_sessions (last_seen_at) WHERE ended_at IS NULL;
