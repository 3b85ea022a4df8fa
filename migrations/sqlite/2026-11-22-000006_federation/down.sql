ALTER TABLE users DROP COLUMN phone;
ALTER TABLE users DROP COLUMN job_title;
DROP INDEX login_methods_upstream;
CREATE INDEX login_methods_upstream ON login_methods (kind, upstream_subject);
