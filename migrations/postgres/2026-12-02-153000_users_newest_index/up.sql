-- The members list ordered newest first walks this index and stops at the page.
CREATE INDEX users_created ON users (created_at, id);
