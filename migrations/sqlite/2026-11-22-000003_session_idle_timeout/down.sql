ALTER TABLE browser_sessions DROP COLUMN idle_timeout_secs;
