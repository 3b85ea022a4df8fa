-- Revocations that must outlive the ephemeral store, which only caches them: revoked
-- access tokens (kind 'access_token', id = jti) and revoked grants (kind 'grant',
-- id = grant id, also for code-only grants that have no row in grants). A row is
-- useless once expires_at (microseconds) has passed, when a periodic task deletes it.
CREATE TABLE revoked_tokens (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at);
-- Reloading the cache reads the grants revoked lately.
CREATE INDEX grants_revoked_at ON grants (revoked_at) WHERE revoked_at IS NOT NULL;
