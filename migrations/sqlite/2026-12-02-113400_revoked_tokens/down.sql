DROP INDEX grants_revoked_at;
DROP TABLE revoked_tokens;
