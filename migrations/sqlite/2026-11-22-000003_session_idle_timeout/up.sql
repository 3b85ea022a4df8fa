-- The idle timeout of the member's organization when the session started; NULL means
-- the server's default.
ALTER TABLE browser_sessions ADD COLUMN idle_timeout_secs BIGINT;
