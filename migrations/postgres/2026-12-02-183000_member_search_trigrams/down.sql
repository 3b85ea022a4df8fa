DROP INDEX IF EXISTS users_name_trgm;
DROP INDEX IF EXISTS users_email_trgm;
