-- Background audit exports as jobs any node can run: the request with its filter, where
-- it stands, and the lease of the node writing it. Its file is in audit_export_chunks.
CREATE TABLE audit_exports (
    id TEXT NOT NULL PRIMARY KEY,
    org_id TEXT NOT NULL,
    org_slug TEXT NOT NULL,
    format TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    filter TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_until BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT
);
-- What a claim looks for: the few that are not finished.
CREATE INDEX audit_exports_waiting ON audit_exports (created_at)
    WHERE status IN ('queued', 'running');
CREATE INDEX audit_exports_created ON audit_exports (created_at);
