-- Single-use links to set a password (reset and welcome), known only by their digest.
-- Durable, so that a link an administrator sends from the command line works on every
-- node, and survives restarts.
CREATE TABLE one_time_links (
    digest BYTEA PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX one_time_links_user ON one_time_links (user_id);
