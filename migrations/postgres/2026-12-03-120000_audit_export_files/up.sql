-- A background audit export's file, in chunks, until its one-time link is used or
-- expires: every node can serve the download, and a node that restarts loses nothing.
CREATE TABLE audit_export_chunks (
    job_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    data BYTEA NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (job_id, seq)
);
CREATE INDEX audit_export_chunks_expiry ON audit_export_chunks (expires_at);
